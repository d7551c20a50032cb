package io.greening.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code com.acme.apps.EchoApp}'s server loop with one change: each connection gets a JDK virtual thread
 * ({@code Thread.ofVirtual()}) instead of {@code new Thread}. Same protocol: echo whatever arrives; serve
 * {@code connections} connections, exit when all have closed. Prints {@code # port=P} once listening.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.greening.bench.VirtualEchoServer &lt;connections&gt;</pre>
 */
public final class VirtualEchoServer {
    private static final int MAX_BACKLOG = 4096;

    private VirtualEchoServer() {}

    public static void main(String[] args) throws Exception {
        int connections = Integer.parseInt(args[0]);
        try (ServerSocket server = new ServerSocket(0, Math.min(connections, MAX_BACKLOG),
                InetAddress.getLoopbackAddress())) {
            System.out.println("# port=" + server.getLocalPort());
            System.out.flush();
            List<Thread> handlers = new ArrayList<>(connections);
            for (int i = 0; i < connections; i++) {
                Socket socket = server.accept();
                handlers.add(Thread.ofVirtual().name("echo-handler-" + i).start(() -> {
                    try (socket) {
                        echo(socket.getInputStream(), socket.getOutputStream());
                    } catch (IOException e) {
                        // the client went away: nothing to echo
                    }
                }));
            }
            for (Thread handler : handlers) {
                handler.join();
            }
        }
    }

    private static void echo(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[4096];
        for (int n; (n = in.read(buffer)) > 0; ) {
            out.write(buffer, 0, n);
            out.flush();
        }
    }
}
