package com.acme.agentapps;

import com.sun.net.httpserver.HttpServer;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A JDK {@code HttpClient} built without {@code .executor(...)}, so that it makes its own pool inside the JDK: async
 * requests to {@code com.sun.net.httpserver} in the same JVM, whose body handlers the client runs on that pool's
 * workers ({@code HttpClient-<n>-Worker-<m>}). Prints the answers and whether every handler ran on such a worker
 * (the same plain and greened), then, as a {@code #} line, how many of those workers are platform threads: plain at
 * least one; greened none, as the agent's row inside {@code HttpClientImpl} makes them green.
 */
public final class HttpClientDefaultExecutorApp {
    private static final int REQUESTS = 20;
    private static final Pattern CLIENT_WORKER = Pattern.compile("HttpClient-\\d+-Worker-\\d+");

    private HttpClientDefaultExecutorApp() {}

    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = ("item" + exchange.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
        Set<String> handlerThreads = ConcurrentHashMap.newKeySet();
        try (HttpClient client = HttpClient.newHttpClient()) {
            List<CompletableFuture<String>> bodies = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                bodies.add(client.sendAsync(HttpRequest.newBuilder(URI.create(base + i)).build(), info -> {
                    handlerThreads.add(Thread.currentThread().getName());
                    return HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
                }).thenApply(HttpResponse::body));
            }
            int right = 0;
            for (int i = 0; i < REQUESTS; i++) {
                if (bodies.get(i).join().equals("item/" + i)) {
                    right++;
                }
            }
            // the pool keeps its idle workers for a minute: those that ran the handlers are alive here
            long platformWorkers = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> CLIENT_WORKER.matcher(t.getName()).matches()).count();
            System.out.println("responses: " + right + " of " + REQUESTS + " right");
            System.out.println("body handlers on the client's workers: "
                    + (!handlerThreads.isEmpty() && handlerThreads.stream().allMatch(n -> CLIENT_WORKER.matcher(n).matches())));
            System.out.println("# platform-workers=" + platformWorkers);
        } finally {
            server.stop(0);
        }
    }
}
