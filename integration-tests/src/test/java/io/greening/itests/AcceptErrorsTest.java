package io.greening.itests;

import io.greening.forked.ForkedJvm;
import io.greening.net.GreenServer;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A {@link GreenServer} out of file descriptors (issue 15, item 1): a JVM forked under {@code ulimit -n 128}
 * serves an echo; the test opens more connections than it has descriptors for, so that {@code accept()} fails
 * with "Too many open files", closes them, and the server must accept again, having logged the failure once.
 */
@org.junit.jupiter.api.Timeout(120)
class AcceptErrorsTest {
    private static final int FD_LIMIT = 128;
    private static final int CONNECTIONS = 300;

    /** The forked server: echoes each connection's bytes; serves until its standard input closes. */
    public static final class EchoUnderFdLimit {
        public static void main(String[] args) throws Exception {
            // Logging set up (its configuration and time zone files read) while descriptors are still free.
            System.getLogger("io.greening.server").log(System.Logger.Level.INFO, "echo server starting");
            GreenServer server = new GreenServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    connection -> connection.inputStream().transferTo(connection.outputStream())).start();
            System.out.println("READY " + server.address().getPort());
            System.in.transferTo(java.io.OutputStream.nullOutputStream());
            server.close();
        }
    }

    @Test
    void theServerAcceptsAgainOnceDescriptorsAreFree() throws Exception {
        List<String> command = List.of("sh", "-c", "ulimit -n " + FD_LIMIT + " && exec \"$0\" \"$@\"",
                ForkedJvm.currentJava().toString(), "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "-cp", classPathOf(GreenServer.class) + File.pathSeparator + classPathOf(EchoUnderFdLimit.class),
                EchoUnderFdLimit.class.getName());
        ForkedJvm server = ForkedJvm.command(command).sampleEvery(null).start();
        try {
            int port = Integer.parseInt(server.awaitLine("READY ", Duration.ofSeconds(60)));
            List<Socket> flood = new ArrayList<>();
            try {
                for (int i = 0; i < CONNECTIONS; i++) {   // the listen backlog (1024) takes what accept cannot
                    flood.add(new Socket(InetAddress.getLoopbackAddress(), port));
                }
                assertEquals('a', echo(flood.getFirst(), 'a'), "the first connections are served");
                server.awaitError("accept failed", Duration.ofSeconds(60));
            } finally {
                for (Socket socket : flood) {
                    socket.close();
                }
            }
            // The server's ends of the flood close as it reads their end of stream; a new connection is then served.
            char answer = 0;
            IOException last = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (answer == 0 && System.nanoTime() < deadline) {
                try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    answer = echo(socket, 'z');
                } catch (IOException e) {   // refused: the listener is gone (what the bug did); or not served yet
                    last = e;
                    Thread.sleep(50);
                }
            }
            assertEquals('z', answer, "served again after the descriptors were freed; last failure: " + last);
            server.awaitError("accepting again", Duration.ofSeconds(60));
        } finally {
            server.kill();
        }
        String errors = server.await(Duration.ofSeconds(30)).errors();
        assertEquals(1, errors.split("accept failed", -1).length - 1, "the failure is logged once: " + errors);
    }

    /** Sends {@code c} and reads its echo, bounded by a read timeout; 0 if the connection closed first. */
    private static char echo(Socket socket, char c) throws IOException {
        socket.setSoTimeout(5_000);
        socket.getOutputStream().write(c);
        InputStream in = socket.getInputStream();
        int got = in.read();
        return got < 0 ? 0 : (char) got;
    }

    private static String classPathOf(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
