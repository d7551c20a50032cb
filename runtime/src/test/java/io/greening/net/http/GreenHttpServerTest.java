package io.greening.net.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/** The green HTTP server, driven by the JDK's HttpClient on platform threads and by raw sockets. */
@Timeout(60)
class GreenHttpServerTest {
    private static GreenHttpServer server;
    private static HttpClient client;
    private static final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void start() throws IOException {
        server = new GreenHttpServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), GreenHttpServerTest::route)
                .maxBodyBytes(1000)
                .maxHeaderBytes(2000)
                .maxRequestLineBytes(200)
                .start();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(2, Thread.ofPlatform().daemon().factory())).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.stop(Duration.ofMillis(100));   // the client's idle kept-alive connections are closed
    }

    private static void route(HttpRequest request, HttpResponse response) throws IOException {
        clientPorts.add(request.remoteAddress().getPort());
        switch (request.path()) {
            case "/hello" -> response.send(200, "hello " + request.query() + "\n");
            case "/echo" -> {
                byte[] body = request.bodyBytes();
                response.header("X-Length", Integer.toString(body.length)).send(200, body);
            }
            case "/stream" -> {
                response.header("Content-Type", "text/plain");
                OutputStream out = response.body();
                for (int i = 0; i < 5; i++) {
                    out.write(("part " + i + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
            case "/fail" -> throw new IllegalStateException("handler bug");
            case "/nothing" -> { }
            default -> response.send(404, "no " + request.path() + "\n");
        }
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.address().getPort() + path);
    }

    private static java.net.http.HttpResponse<String> get(String path) throws Exception {
        return client.send(java.net.http.HttpRequest.newBuilder(uri(path)).build(), BodyHandlers.ofString());
    }

    /** Sends raw bytes on a fresh socket and reads until the server closes it. */
    private static String raw(String request) throws IOException {
        try (Socket socket = new Socket(server.address().getAddress(), server.address().getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void servesGetsAndKeepsTheConnectionAlive() throws Exception {
        clientPorts.clear();
        for (int i = 0; i < 5; i++) {
            var response = get("/hello?n=" + i);
            assertEquals(200, response.statusCode());
            assertEquals("hello n=" + i + "\n", response.body());
        }
        assertEquals(1, clientPorts.size(), "five sequential requests on one kept-alive connection");
        assertEquals(404, get("/missing").statusCode());
    }

    @Test
    void readsAChunkedRequestBody() throws Exception {
        byte[] payload = "0123456789".repeat(50).getBytes(StandardCharsets.UTF_8);
        var request = java.net.http.HttpRequest.newBuilder(uri("/echo"))
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(payload)))   // unknown length: chunked
                .build();
        var response = client.send(request, BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertEquals("500", response.headers().firstValue("X-Length").orElseThrow());
        assertArrayEquals(payload, response.body());
    }

    @Test
    void writesAChunkedResponseBody() throws Exception {
        var response = get("/stream");
        assertEquals(200, response.statusCode());
        assertEquals("part 0\npart 1\npart 2\npart 3\npart 4\n", response.body());
        String wire = raw("GET /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(wire.contains("Transfer-Encoding: chunked\r\n"), wire);
        assertTrue(wire.endsWith("7\r\npart 4\n\r\n0\r\n\r\n"), wire);
    }

    @Test
    void chunkExtensionsAndTrailersAreAccepted() throws IOException {
        String wire = raw("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n");
        assertTrue(wire.startsWith("HTTP/1.1 200 OK") && wire.contains("X-Length: 5") && wire.endsWith("\r\n\r\nabcde"), wire);
    }

    @Test
    void aFailingHandlerGets500AndTheServerGoesOn() throws Exception {
        assertEquals(500, get("/fail").statusCode());
        assertEquals(200, get("/hello").statusCode());
        assertEquals(200, get("/nothing").statusCode());
    }

    @Test
    void malformedRequestsGet400AndAreClosed() throws IOException {
        assertTrue(raw("GARBAGE\r\n\r\n").startsWith("HTTP/1.1 400 "));
        assertTrue(raw("GET / HTTP/1.1\r\nno colon here\r\n\r\n").startsWith("HTTP/1.1 400 "));
        assertTrue(raw("GET / HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 400 "), "HTTP/1.1 needs a Host");
        assertTrue(raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 12x\r\n\r\n").startsWith("HTTP/1.1 400 "));
        assertTrue(raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n")
                .startsWith("HTTP/1.1 400 "));
        assertTrue(raw("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n").startsWith("HTTP/1.1 400 "));
        assertTrue(raw("GET / HTTP/2.0\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 505 "));
        String refused = raw("GET / HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(refused.startsWith("HTTP/1.1 400 ") && refused.contains("Connection: close")
                && !refused.contains("hello"), "nothing is served after a refusal: " + refused);
    }

    @Test
    void oversizedRequestsGet413Or414Or431() throws IOException {
        assertTrue(raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n").startsWith("HTTP/1.1 413 "));
        StringBuilder chunks = new StringBuilder("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int i = 0; i < 3; i++) {
            chunks.append("190\r\n").append("x".repeat(400)).append("\r\n");
        }
        chunks.append("0\r\n\r\n");
        assertTrue(raw(chunks.toString()).startsWith("HTTP/1.1 413 "));
        assertTrue(raw("GET /" + "a".repeat(300) + " HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 414 "));
        assertTrue(raw("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(2500) + "\r\n\r\n").startsWith("HTTP/1.1 431 "));
        assertTrue(raw("GET / HTTP/1.1\r\nHost: x\r\n" + "X-Many: 123456789\r\n".repeat(150) + "\r\n").startsWith("HTTP/1.1 431 "));
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws IOException {
        String wire = raw("GET /hello?a HTTP/1.1\r\nHost: x\r\n\r\nPOST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbodyGET /hello?c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        int a = wire.indexOf("hello a\n");
        int b = wire.indexOf("\r\n\r\nbody");
        int c = wire.indexOf("hello c");
        assertTrue(a > 0 && b > a && c > b, wire);
        assertTrue(wire.endsWith("hello c\n"), wire);
    }

    @Test
    void http10ClosesUnlessKeepAliveIsAsked() throws IOException {
        String closed = raw("GET /hello HTTP/1.0\r\n\r\n");
        assertTrue(closed.startsWith("HTTP/1.0 200 OK\r\n") && closed.contains("Connection: close"), closed);
        String twice = raw("GET /hello?1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /hello?2 HTTP/1.0\r\n\r\n");
        assertTrue(twice.contains("hello 1") && twice.contains("hello 2"), twice);
        assertTrue(raw("GET /stream HTTP/1.0\r\n\r\n").endsWith("part 4\n"), "no length: the body ends at close");
    }

    @Test
    void expect100ContinueGetsAnInterimResponse() throws IOException {
        try (Socket socket = new Socket(server.address().getAddress(), server.address().getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            byte[] interim = in.readNBytes("HTTP/1.1 100 Continue\r\n\r\n".length());
            assertEquals("HTTP/1.1 100 Continue\r\n\r\n", new String(interim, StandardCharsets.ISO_8859_1));
            out.write("ok".getBytes(StandardCharsets.ISO_8859_1));
            String rest = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(rest.startsWith("HTTP/1.1 200 OK") && rest.endsWith("\r\n\r\nok"), rest);
        }
    }

    @Test
    void stopClosesIdleKeptAliveConnectionsAtOnce() throws IOException {
        GreenHttpServer own = new GreenHttpServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                (request, response) -> response.send(200, "ok".getBytes(StandardCharsets.UTF_8))).idleTimeout(Duration.ofMinutes(10)).start();
        try (Socket socket = new Socket(own.address().getAddress(), own.address().getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            byte[] reply = socket.getInputStream().readNBytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".length());
            assertTrue(new String(reply, StandardCharsets.ISO_8859_1).endsWith("\r\n\r\nok"));
            assertEquals(1, own.connections());   // kept alive, idle
            assertTrue(own.stop(Duration.ofSeconds(30)), "an idle connection does not hold the stop up");
            assertEquals(-1, socket.getInputStream().read());
        }
    }

    @Test
    void maxConnectionsCapsTheConnectionsServedAtOnce() throws IOException {
        GreenHttpServer own = new GreenHttpServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                (request, response) -> response.send(200, "ok".getBytes(StandardCharsets.UTF_8))).maxConnections(2).start();
        byte[] request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        int responseLength = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".length();
        try (Socket first = new Socket(own.address().getAddress(), own.address().getPort());
             Socket second = new Socket(own.address().getAddress(), own.address().getPort());
             Socket third = new Socket(own.address().getAddress(), own.address().getPort())) {
            for (Socket kept : List.of(first, second)) {   // served, then kept alive: both slots taken
                kept.setSoTimeout(10_000);
                kept.getOutputStream().write(request);
                assertEquals(responseLength, kept.getInputStream().readNBytes(responseLength).length);
            }
            third.getOutputStream().write(request);
            third.setSoTimeout(300);
            assertThrows(java.net.SocketTimeoutException.class, () -> third.getInputStream().read(), "left in the backlog");
            assertEquals(2, own.connections());
            first.close();
            third.setSoTimeout(10_000);
            String reply = new String(third.getInputStream().readNBytes(responseLength), StandardCharsets.ISO_8859_1);
            assertTrue(reply.endsWith("\r\n\r\nok"), "served once a slot is free: " + reply);
            assertEquals(2, own.connections());
        } finally {
            own.stop(Duration.ofSeconds(10));
        }
        assertThrows(IllegalArgumentException.class, () -> new GreenHttpServer(new InetSocketAddress(0), (q, r) -> { }).maxConnections(0));
    }

    @Test
    void manyConcurrentClients() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> replies = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int n = i;
                replies.add(pool.submit(() -> {
                    try (Socket socket = new Socket(server.address().getAddress(), server.address().getPort())) {
                        socket.setSoTimeout(10_000);
                        socket.getOutputStream().write(("GET /hello?" + n + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                                .getBytes(StandardCharsets.ISO_8859_1));
                        ByteArrayOutputStream got = new ByteArrayOutputStream();
                        socket.getInputStream().transferTo(got);
                        return got.toString(StandardCharsets.ISO_8859_1);
                    }
                }));
            }
            for (int i = 0; i < 100; i++) {
                String reply = replies.get(i).get();
                assertTrue(reply.endsWith("hello " + i + "\n"), reply);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
