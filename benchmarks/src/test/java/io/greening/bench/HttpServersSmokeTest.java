package io.greening.bench;

import com.acme.apps.HttpHelloApp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The servers of {@code benchmarks/http-wrk.sh} answer "hello world" to keep-alive requests as wrk sends them
 * (a GET, then a POST with a body on the same connection), so that a load run measures answers, not errors.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class HttpServersSmokeTest {
    @ParameterizedTest
    @ValueSource(strings = {"netty", "green-group", "jdk-virtual"})
    void httpLoadServerAnswersKeptAliveRequests(String name) throws Exception {
        int port = freePort();
        try (AutoCloseable server = HttpLoad.start(name, new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            assertTwoAnswersOnOneConnection(port);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void blockingAppAnswersKeptAliveRequests(boolean virtual) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            HttpHelloApp.start(server, virtual);
            assertTwoAnswersOnOneConnection(server.getLocalPort());
        }
    }

    @Test
    void blockingAppClosesWhenAskedTo() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            HttpHelloApp.start(server, false);
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);   // ends: closed
                assertTrue(all.startsWith("HTTP/1.1 200 OK\r\n") && all.endsWith("\r\n\r\nhello world\n"), all);
            }
        }
    }

    private static void assertTwoAnswersOnOneConnection(int port) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertEquals("hello world\n", readResponseBody(in));
            out.write(("POST / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Length: 5\r\n\r\nabcde")
                    .getBytes(StandardCharsets.US_ASCII));
            assertEquals("hello world\n", readResponseBody(in));
        }
    }

    /** Reads one response with a Content-Length; its body. */
    private static String readResponseBody(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed in the head: " + head);
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("HTTP/1.1 200"), text);
        int length = -1;
        for (String line : text.split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        assertTrue(length >= 0, "no Content-Length: " + text);
        return new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }
}
