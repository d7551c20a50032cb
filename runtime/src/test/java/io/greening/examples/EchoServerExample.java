package io.greening.examples;

import io.greening.Green;
import io.greening.net.GreenConnection;
import io.greening.net.GreenServer;
import io.greening.sync.GreenPool;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * eventlet's echo server and client, in greening: the server spawns a green thread per connection from a
 * {@link GreenPool} (eventlet's {@code pool.spawn_n(handle, sock.makefile('rw'))}); the client connects, sends
 * lines and prints what comes back. All on one hub, driven by {@link Green#run}.
 */
public final class EchoServerExample {
    private EchoServerExample() {}

    public static void main(String[] args) throws Exception {
        run(System.out, List.of("hello", "green", "world"));
    }

    /** Runs the server and one client sending {@code lines}; prints to {@code out}. */
    public static void run(PrintStream out, List<String> lines) {
        Green.run(() -> {
            GreenServer server = new GreenServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    connection -> handle(connection, out), new GreenPool(10000)).start();
            out.println("server socket listening");
            client(server.address(), lines, out);
            server.stop(Duration.ofSeconds(5));   // drains: the handler prints its goodbye first
            out.println("server stopped");
            return null;
        });
    }

    /** eventlet's {@code handle(fd)}: echo each line until the client hangs up. */
    static void handle(GreenConnection connection, PrintStream out) throws IOException {
        out.println("client connected");
        BufferedReader in = new BufferedReader(new InputStreamReader(connection.inputStream(), StandardCharsets.UTF_8));
        OutputStream reply = connection.outputStream();
        String line;
        while ((line = in.readLine()) != null) {
            out.println("echoed " + line);
            reply.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
        out.println("client disconnected");
    }

    static void client(InetSocketAddress address, List<String> lines, PrintStream out) throws IOException {
        try (GreenConnection connection = GreenConnection.connect(address)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(connection.inputStream(), StandardCharsets.UTF_8));
            for (String line : lines) {
                connection.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.println("client got " + in.readLine());
            }
        }
    }
}
