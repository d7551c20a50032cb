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
 *
 * <p>With the argument {@code across-set-up}, two clients: the first built and used before
 * {@link HttpClientSetUpTrigger} (for a run that selects only that class, so that the agent's set-up waits for it),
 * the second after it; the {@code #} line then counts each client's platform workers.
 */
public final class HttpClientDefaultExecutorApp {
    private static final int REQUESTS = 20;

    private HttpClientDefaultExecutorApp() {}

    public static void main(String[] args) throws Exception {
        boolean acrossSetUp = args.length > 0 && args[0].equals("across-set-up");
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
        try (HttpClient first = HttpClient.newHttpClient()) {
            System.out.println("responses: " + rightAnswers(first, base, handlerThreads) + " of " + REQUESTS + " right");
            if (!acrossSetUp) {
                System.out.println("body handlers on the client's workers: " + allClientWorkers(handlerThreads));
                // the pool keeps its idle workers for a minute: those that ran the handlers are alive here
                System.out.println("# platform-workers=" + platformWorkers("HttpClient-\\d+-Worker-\\d+"));
                return;
            }
            HttpClientSetUpTrigger.startAndJoinOneThread();
            try (HttpClient second = HttpClient.newHttpClient()) {
                System.out.println("responses: " + rightAnswers(second, base, handlerThreads) + " of " + REQUESTS + " right");
                System.out.println("body handlers on the clients' workers: " + allClientWorkers(handlerThreads));
                System.out.println("# platform-workers first=" + platformWorkers("HttpClient-1-Worker-\\d+")
                        + " second=" + platformWorkers("HttpClient-2-Worker-\\d+"));
            }
        } finally {
            server.stop(0);
        }
    }

    /** Sends the requests at once; returns how many answers were right, adding the handlers' threads' names. */
    private static int rightAnswers(HttpClient client, String base, Set<String> handlerThreads) {
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
        return right;
    }

    private static boolean allClientWorkers(Set<String> threadNames) {
        Pattern worker = Pattern.compile("HttpClient-\\d+-Worker-\\d+");
        return !threadNames.isEmpty() && threadNames.stream().allMatch(name -> worker.matcher(name).matches());
    }

    /** The live platform threads whose names match {@code regex}. */
    private static long platformWorkers(String regex) {
        Pattern pattern = Pattern.compile(regex);
        return Thread.getAllStackTraces().keySet().stream().filter(t -> pattern.matcher(t.getName()).matches()).count();
    }
}
