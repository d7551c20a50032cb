package io.greening.net.http;

import io.greening.Hub;
import io.greening.HubGroup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The green HTTP server on a group of hubs, as the agent's default scheduler runs it: its connections run in parallel
 * on every hub and share its buffer pool and idle set, and every keep-alive request still gets its own response.
 */
@Timeout(120)
class GreenHttpServerOnAGroupTest {
    private static final int CLIENTS = 64;
    private static final int REQUESTS = 50;

    @Test
    void keptAliveConnectionsServedOnEveryHubGetTheirOwnResponses() throws Exception {
        Set<Hub> servedOn = ConcurrentHashMap.newKeySet();
        try (HubGroup group = HubGroup.start("http-group", 2);
             ExecutorService clients = Executors.newFixedThreadPool(CLIENTS, Thread.ofPlatform().daemon().factory())) {
            GreenHttpServer server = new GreenHttpServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    (request, response) -> {
                        servedOn.add(Hub.current());
                        response.send(200, "you asked for " + request.path() + "\n");
                    }).start(group.hubs().getFirst());
            try {
                List<Future<Integer>> answered = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    answered.add(clients.submit(() -> keepAliveRequests(server.address().getPort(), client)));
                }
                for (Future<Integer> each : answered) {
                    assertEquals(REQUESTS, each.get(), "every request on one connection answered with its own body");
                }
            } finally {
                server.stop(Duration.ofMillis(100));
            }
        }
        assertTrue(servedOn.size() >= 2, "requests were served on more than one hub: " + servedOn);
    }

    /** Sends {@link #REQUESTS} requests one after another on one connection; returns how many came back right. */
    private static int keepAliveRequests(int port, int client) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(20_000);   // a response that never comes fails the test rather than hang it
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            int right = 0;
            for (int r = 0; r < REQUESTS; r++) {
                String path = "/c" + client + "/r" + r;
                out.write(("GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                String status = in.readLine();
                int length = -1;
                for (String header; !(header = in.readLine()).isEmpty(); ) {
                    if (header.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                        length = Integer.parseInt(header.substring(15).trim());
                    }
                }
                char[] body = new char[length];
                for (int read = 0; read < length; ) {
                    read += in.read(body, read, length - read);
                }
                if ("HTTP/1.1 200 OK".equals(status) && new String(body).equals("you asked for " + path + "\n")) {
                    right++;
                }
            }
            return right;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
