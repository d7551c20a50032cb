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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A plain blocking HTTP client app: {@code new Thread} per simulated user, each doing one synchronous
 * {@link HttpClient#send} (GET) and one {@link HttpURLConnection} POST against {@link Backend} started in the same
 * JVM. Nothing in it knows about greening.
 *
 * <p>The client's executor: {@code app-pool} (default) gives it {@code Executors.newCachedThreadPool()} from this
 * class, which the agent greens; {@code jdk-default} leaves the JDK's own internal pool, which no agent rewrite reaches
 * (JDK classes are never transformed), so its platform workers grow with the load.
 *
 * <p>Usage: {@code HttpClientsApp <threads> [app-pool|jdk-default]}. Prints one line: {@code http: threads=T httpclient-ok=A
 * urlconnection-ok=B wrong=W failures=F alive-after-join=L} and, if anything failed, the first failure.
 */
public final class HttpClientsApp {
    private HttpClientsApp() {}

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        boolean appPool = args.length < 2 || args[1].equals("app-pool");
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
            for (int i = 0; i < threads; i++) {
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
        } finally {
            if (clientExecutor != null) {
                clientExecutor.shutdown();
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
