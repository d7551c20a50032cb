package com.acme.httpapp;

import com.acme.backend.Backend;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * A plain blocking HTTP client app: {@code new Thread} per simulated user, each doing one synchronous
 * {@link HttpClient#send} (GET) and one {@link HttpURLConnection} POST against {@link Backend} started in the same
 * JVM. Nothing in it knows about greening.
 *
 * <p>The client's executor: {@code app-pool} (default) gives it {@code Executors.newCachedThreadPool()} from this
 * class, which the agent greens; {@code jdk-default} leaves the JDK's own pool, made inside {@code HttpClientImpl},
 * whose platform workers grow with the load (the agent's row inside the JDK makes them green).
 *
 * <p>{@code async-jdk-default}: no thread of the app's own; the main thread sends all the requests at once with
 * {@link HttpClient#sendAsync} on a client with the JDK's own pool, which then runs their response handling: plain, its
 * platform workers are the app's threads. No {@code HttpURLConnection} POST then ({@code urlconnection-ok=0}).
 *
 * <p>Usage: {@code HttpClientsApp <threads> [app-pool|jdk-default|async-jdk-default]}. Prints one line:
 * {@code http: threads=T httpclient-ok=A urlconnection-ok=B wrong=W failures=F alive-after-join=L} and, if anything
 * failed, the first failure; then {@code # platform-client-workers=P}, the client's pool's workers that are platform
 * threads at the end (the pool keeps idle workers for a minute).
 */
public final class HttpClientsApp {
    private HttpClientsApp() {}

    private static final Pattern CLIENT_WORKER = Pattern.compile("HttpClient-\\d+-Worker-\\d+");

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        String mode = args.length < 2 ? "app-pool" : args[1];
        if (!List.of("app-pool", "jdk-default", "async-jdk-default").contains(mode)) {
            System.err.println("HttpClientsApp: unknown executor mode " + mode + "; use app-pool, jdk-default or async-jdk-default");
            System.exit(2);
        }
        boolean appPool = mode.equals("app-pool");
        boolean async = mode.equals("async-jdk-default");
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30));
        ExecutorService clientExecutor = appPool ? Executors.newCachedThreadPool() : null;
        if (clientExecutor != null) {
            builder.executor(clientExecutor);
        }
        try (Backend backend = Backend.start(16); HttpClient client = builder.build()) {
            String base = "http://127.0.0.1:" + backend.port();
            AtomicInteger clientOk = new AtomicInteger();
            AtomicInteger connectionOk = new AtomicInteger();
            AtomicInteger wrong = new AtomicInteger();
            AtomicInteger failures = new AtomicInteger();
            AtomicReference<Throwable> firstFailure = new AtomicReference<>();
            List<Thread> users = new ArrayList<>(threads);
            if (async) {
                sendAllAtOnce(client, base, threads, clientOk, wrong, failures, firstFailure);
            }
            for (int i = 0; i < (async ? 0 : threads); i++) {
                int user = i;
                Thread t = new Thread(() -> {
                    try {
                        HttpResponse<String> response = client.send(
                                HttpRequest.newBuilder(URI.create(base + "/item/" + user)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() == 200 && response.body().equals("item-" + user)) {
                            clientOk.incrementAndGet();
                        } else {
                            wrong.incrementAndGet();
                        }
                        String sent = "payload-" + user;
                        String echoed = post(base + "/echo", sent);
                        if (echoed.equals(new StringBuilder(sent).reverse().toString())) {
                            connectionOk.incrementAndGet();
                        } else {
                            wrong.incrementAndGet();
                        }
                    } catch (IOException | InterruptedException | RuntimeException e) {
                        failures.incrementAndGet();
                        firstFailure.compareAndSet(null, e);
                    }
                }, "http-user-" + i);
                users.add(t);
                t.start();
            }
            for (Thread t : users) {
                t.join();
            }
            int alive = 0;
            for (Thread t : users) {
                if (t.isAlive()) {
                    alive++;
                }
            }
            System.out.println("http: threads=" + threads + " httpclient-ok=" + clientOk.get() + " urlconnection-ok="
                    + connectionOk.get() + " wrong=" + wrong.get() + " failures=" + failures.get()
                    + " alive-after-join=" + alive);
            if (firstFailure.get() != null) {
                firstFailure.get().printStackTrace();
            }
            long platformClientWorkers = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> CLIENT_WORKER.matcher(t.getName()).matches()).count();
            System.out.println("# platform-client-workers=" + platformClientWorkers);
        } finally {
            if (clientExecutor != null) {
                clientExecutor.shutdown();
            }
        }
    }

    /** {@code requests} GETs sent at once with {@code sendAsync}, then each answer awaited and checked. */
    private static void sendAllAtOnce(HttpClient client, String base, int requests, AtomicInteger ok, AtomicInteger wrong,
                                      AtomicInteger failures, AtomicReference<Throwable> firstFailure) {
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>(requests);
        for (int i = 0; i < requests; i++) {
            responses.add(client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/item/" + i)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < requests; i++) {
            try {
                HttpResponse<String> response = responses.get(i).join();
                if (response.statusCode() == 200 && response.body().equals("item-" + i)) {
                    ok.incrementAndGet();
                } else {
                    wrong.incrementAndGet();
                }
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                firstFailure.compareAndSet(null, e);
            }
        }
    }

    private static String post(String url, String body) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setConnectTimeout(30_000);
        connection.setReadTimeout(30_000);
        try (OutputStream out = connection.getOutputStream()) {
            out.write(body.getBytes(StandardCharsets.UTF_8));
        }
        if (connection.getResponseCode() != 200) {
            return "status " + connection.getResponseCode();
        }
        try (InputStream in = connection.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
