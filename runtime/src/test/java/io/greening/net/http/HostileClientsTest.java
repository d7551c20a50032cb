package io.greening.net.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.greening.testing.Conditions.waitUntil;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The HTTP server against what attackers send (issue 15), over raw sockets: bytes as written, no forgiving
 * client. Every read is bounded by a socket timeout.
 */
@Timeout(120)
class HostileClientsTest {
    private static final int PIPELINED = 2000;
    private static GreenHttpServer server;
    private static final List<String> served = new CopyOnWriteArrayList<>();
    private static final List<Throwable> headerErrors = new CopyOnWriteArrayList<>();
    private static final AtomicInteger pipelinedServed = new AtomicInteger();
    private static volatile int pipelinedAtOther = -1;
    private static final CountDownLatch holding = new CountDownLatch(1);
    private static volatile boolean released;

    @BeforeAll
    static void start() throws IOException {
        server = new GreenHttpServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), HostileClientsTest::route)
                .maxBodyBytes(1000)
                .maxHeaderBytes(2000)
                .maxRequestLineBytes(200)
                .start();
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ofMillis(100));
    }

    private static void route(HttpRequest request, HttpResponse response) throws IOException {
        served.add(request.method() + " " + request.path() + " " + request.query() + " host=" + request.headers().first("Host"));
        switch (request.path()) {
            case "/redirect" -> {
                String to = URLDecoder.decode(request.query().substring("to=".length()), StandardCharsets.ISO_8859_1);
                try {
                    response.header("Location", to);
                } catch (IllegalArgumentException e) {
                    headerErrors.add(e);
                    response.headers().add("Location", to);   // past the check: the send must refuse it
                }
                response.send(302, "");
            }
            case "/echo" -> response.send(200, request.bodyBytes());
            case "/hold" -> {   // holds the hub itself (no green wait) until the test releases it
                holding.countDown();
                while (!released) {
                    Thread.onSpinWait();
                }
                response.send(200, "held");
            }
            case "/p" -> {
                pipelinedServed.incrementAndGet();
                response.send(200, "p");
            }
            case "/other" -> {
                pipelinedAtOther = pipelinedServed.get();
                response.send(200, "other");
            }
            default -> response.send(200, "ok " + request.path());
        }
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket(server.address().getAddress(), server.address().getPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Sends {@code request}, half-closes, and reads until the server closes (each read bounded). */
    private static String exchange(String request) throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static void assertRefused(String request) throws IOException {
        served.clear();
        String reply = exchange(request);
        assertTrue(reply.startsWith("HTTP/1.1 400 "), () -> "400 for " + request.replace("\r", "\\r").replace("\n", "\\n") + "\ngot: " + reply);
        assertEquals(List.of(), served, "nothing reaches the handler");
    }

    // ---- 2: an idle connection holds no buffer ----

    @Test
    void idleConnectionsCostLittleHeap() throws Exception {
        int connections = 400;
        int before = server.connections();
        long heapBefore = usedHeapAfterGc();
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                idle.add(connect());
            }
            waitUntil(() -> server.connections() == before + connections);
            // A request answered on a later connection: the hub has run each idle one up to its first wait.
            assertTrue(exchange("GET /later HTTP/1.1\r\nHost: x\r\n\r\n").endsWith("ok /later"));
            long perConnection = (usedHeapAfterGc() - heapBefore) / connections;
            // Both ends are in this JVM: the client's Socket and the server's connection, green thread and stack.
            // The server's 8 KiB + 16 KiB buffers, allocated up front, alone were 24 KiB.
            assertTrue(perConnection < 10 * 1024, "heap per idle connection, both ends: " + perConnection + " bytes");
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
        waitUntil(() -> server.connections() == before);
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    // ---- 3: one pipelining connection cannot hold the hub ----

    @Test
    void aPipeliningConnectionLetsOthersIn() throws Exception {
        StringBuilder pipeline = new StringBuilder("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n");
        pipeline.append("GET /p HTTP/1.1\r\nHost: x\r\n\r\n".repeat(PIPELINED));
        try (Socket pipelining = connect(); Socket other = connect()) {
            Thread reader = Thread.ofPlatform().start(() -> {   // reads the responses as they come, as the attack does
                try {
                    pipelining.getInputStream().transferTo(OutputStream.nullOutputStream());
                } catch (IOException ignored) {
                }
            });
            // The whole pipeline is in the server's socket buffer while /hold keeps the hub busy: from then on
            // the connection could serve every request without ever waiting.
            pipelining.getOutputStream().write(pipeline.toString().getBytes(StandardCharsets.ISO_8859_1));
            assertTrue(holding.await(30, TimeUnit.SECONDS));
            other.getOutputStream().write("GET /other HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            released = true;
            String reply = new String(other.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(reply.endsWith("other"), reply);
            assertTrue(pipelinedAtOther < PIPELINED / 2,
                    "the other client waited for " + pipelinedAtOther + " of " + PIPELINED + " pipelined requests");
            waitUntil(() -> pipelinedServed.get() == PIPELINED);
            pipelining.close();
            reader.join();
        }
    }

    // ---- 4: no response splitting ----

    @Test
    void headerValuesCannotSplitTheResponse() throws IOException {
        for (String payload : List.of("/x%0D%0ASet-Cookie:%20pwned=1", "/x%0ASet-Cookie:%20pwned=1", "/x%00y",
                "/x%0D%0AContent-Length:%200%0D%0A%0D%0AHTTP/1.1%20200%20OK%0D%0ASet-Cookie:%20pwned=1")) {
            headerErrors.clear();
            String reply = exchange("GET /redirect?to=" + payload + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertFalse(reply.contains("pwned"), reply);
            assertFalse(reply.contains("Location"), reply);
            assertTrue(reply.startsWith("HTTP/1.1 500 "), reply);
            assertEquals(1, headerErrors.size(), "header() refused it: " + headerErrors);
            assertEquals(1, reply.split("HTTP/1.1 ", -1).length - 1, "a single response: " + reply);
        }
        String fine = exchange("GET /redirect?to=/elsewhere%09tab HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(fine.startsWith("HTTP/1.1 302 ") && fine.contains("\r\nLocation: /elsewhere\ttab\r\n"), fine);
    }

    // ---- 5: chunked framing as RFC 9112 section 7.1 has it ----

    @Test
    void looseChunkFramingIsRefused() throws IOException {
        String head = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
        served.clear();
        String smuggle = exchange(head + "28;\n" + "x".repeat(40) + "\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n\r\n0\r\n\r\n");
        assertTrue(smuggle.startsWith("HTTP/1.1 400 "), smuggle);
        assertFalse(smuggle.contains("smuggled") || served.toString().contains("smuggled"), smuggle + served);
        for (String body : List.of("5\nhello\r\n0\r\n\r\n", " 5\r\nhello\r\n0\r\n\r\n", "5 \r\nhello\r\n0\r\n\r\n",
                "5\t\r\nhello\r\n0\r\n\r\n", "5\r\nhello\n0\r\n\r\n", "5\r\nhello\r\n0\n\r\n", "5\r\nhello\r\n0\r\n\n",
                "0x5\r\nhello\r\n0\r\n\r\n", "+5\r\nhello\r\n0\r\n\r\n", "5;a=\u0001\r\nhello\r\n0\r\n\r\n",
                "5\r\nhello\r\n0\r\nX-T: a\n\r\n")) {
            String reply = exchange(head + body);
            assertTrue(reply.startsWith("HTTP/1.1 400 "), () -> body.replace("\r", "\\r").replace("\n", "\\n") + " -> " + reply);
        }
        String fine = exchange(head + "5 ;ext=1\r\nhello\r\n0\r\n\r\n");
        assertTrue(fine.startsWith("HTTP/1.1 200 ") && fine.endsWith("hello"), "whitespace before ';' is RFC 9112's BWS: " + fine);
    }

    // ---- 6: no 100 Continue after the final response, none to HTTP/1.0 ----

    @Test
    void noContinueAfterTheFinalResponse() throws IOException {
        String reply = exchange("GET /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello"
                + "GET /second HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(reply.startsWith("HTTP/1.1 200 "), reply);
        assertFalse(reply.contains("100 Continue"), reply);
    }

    @Test
    void noContinueToHttp10() throws IOException {
        String reply = exchange("POST /echo HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok");
        assertTrue(reply.startsWith("HTTP/1.0 200 ") && reply.endsWith("ok"), reply);
        assertFalse(reply.contains("100 Continue"), reply);
    }

    // ---- 7: lingering close: the client reads the refusal ----

    @Test
    void aRefusedUploadStillReadsItsStatus() throws IOException {
        byte[] upload = new byte[8 << 20];   // more than the socket buffers on both ends hold
        for (String head : List.of("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + upload.length + "\r\n\r\n",
                "POST /" + "a".repeat(300) + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + upload.length + "\r\n\r\n",
                "POST /echo HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(2500) + "\r\nContent-Length: " + upload.length + "\r\n\r\n")) {
            try (Socket socket = connect()) {
                OutputStream out = socket.getOutputStream();
                try {   // as a simple client: send it all, then read the answer
                    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                    out.write(upload);
                } catch (IOException reset) {
                    fail("the server reset the connection under the upload (" + reset + "), so its status was lost");
                }
                String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(reply.matches("(?s)HTTP/1.1 (413|414|431) .*"), reply);
            }
        }
    }

    // ---- 8: request target and Host ----

    @Test
    void controlCharactersInTheTargetAreRefused() throws IOException {
        for (String target : List.of("/a\u0000b", "/a\rb", "/a\u0001", "/a\u007fb", "/a\u001bb", "/a\tb")) {
            assertRefused("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
        }
        assertRefused("GET foo HTTP/1.1\r\nHost: x\r\n\r\n");
        assertRefused("GET * HTTP/1.1\r\nHost: x\r\n\r\n");
    }

    @Test
    void malformedHostsAreRefused() throws IOException {
        for (String host : List.of("a b@c", "a@b", "a b", "h:80x", "[::1", "h/x", "h:123456", ":80", "h%zz", "h\u0001")) {
            assertRefused("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
        }
        assertRefused("GET / HTTP/1.0\r\nHost: a b\r\n\r\n");
        assertRefused("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
        for (String host : List.of("example.com", "example.com:8080", "[::1]:80", "127.0.0.1", "a-b_c~d.e", "")) {
            String reply = exchange("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
            assertTrue(reply.startsWith("HTTP/1.1 200 "), host + ": " + reply);
        }
    }

    @Test
    void anAbsoluteFormTargetRoutesOnItsPath() throws IOException {
        served.clear();
        String reply = exchange("GET http://h.example:8080/p/q?x=1 HTTP/1.1\r\nHost: other\r\n\r\n");
        assertTrue(reply.startsWith("HTTP/1.1 200 ") && reply.endsWith("ok /p/q"), reply);
        assertEquals(List.of("GET /p/q x=1 host=h.example:8080"), served, "RFC 9112 3.2.2: the target's authority is the host");
        served.clear();
        assertTrue(exchange("GET HTTP://h HTTP/1.1\r\nHost: h\r\n\r\n").endsWith("ok /"));
        assertRefused("GET http://user@h/ HTTP/1.1\r\nHost: h\r\n\r\n");
        assertRefused("GET http:/h/ HTTP/1.1\r\nHost: h\r\n\r\n");
    }

    /** The server still serves after all of this. */
    @Test
    void keepsServing() throws IOException {
        assertTrue(exchange("GET /fine HTTP/1.1\r\nHost: x\r\n\r\n").endsWith("ok /fine"));
    }
}
