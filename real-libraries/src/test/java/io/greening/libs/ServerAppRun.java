package io.greening.libs;

import io.greening.forked.ForkedJvm;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One run of a server app of {@code com.acme.*} ({@code JettyApp}, {@code UndertowApp}, {@code TomcatApp}, {@code SpringApp}, {@code BootApp}) in a forked JVM: the app
 * prints {@code <name>: listening port=<p>}, answers {@code GET /work?n=<n>} with {@code work <n> item-<n>}, stops on
 * {@code GET /shutdown} and prints {@code <name>: served=...} last.
 *
 * @param run   the forked JVM's result
 * @param line  the app's {@code <name>: served=} line
 * @param wrong the requests answered wrongly, with what they got
 */
record ServerAppRun(ForkedJvm.Result run, String line, List<String> wrong) {
    /** Starts {@code mainClass} with {@code jvmOptions}, sends {@code requests} requests at once, then stops it. */
    static ServerAppRun serve(String name, String mainClass, List<String> args, List<String> jvmOptions, int requests)
            throws Exception {
        return serve(name, ForkedJvm.java(ForkedLibraryApp.java(), jvmOptions, ForkedLibraryApp.classPath(), mainClass,
                args), Duration.ofMinutes(1), requests);
    }

    /**
     * Starts {@code launch} (a server app as above, however launched), waits up to {@code startTimeout} for it to
     * listen, sends {@code requests} requests at once, then stops it.
     */
    static ServerAppRun serve(String name, ForkedJvm.Launch launch, Duration startTimeout, int requests)
            throws Exception {
        ForkedJvm app = launch.start();
        List<String> wrong = new ArrayList<>();
        try {
            requestAndStop(app, name, startTimeout, requests, wrong);
        } catch (Exception | AssertionError e) {
            app.kill();   // an app that never listened or was never told to stop would outlive the test
            throw e;
        }
        ForkedJvm.Result run = app.await(Duration.ofMinutes(1));
        assertEquals(0, run.exitCode(), run::describe);
        String line = run.output().stream().filter(l -> l.startsWith(name + ": served=")).findFirst()
                .orElseThrow(() -> new AssertionError(run.describe()));
        return new ServerAppRun(run, line, wrong);
    }

    /** Waits for {@code app} to listen, sends the requests at once, adds the wrong answers to {@code wrong}, stops it. */
    private static void requestAndStop(ForkedJvm app, String name, Duration startTimeout, int requests,
                                       List<String> wrong) throws Exception {
        String port = app.awaitLine(name + ": listening port=", startTimeout);
        String base = "http://127.0.0.1:" + port;
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build()) {
            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int n = 0; n < requests; n++) {
                responses.add(client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/work?n=" + n))
                        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (int n = 0; n < requests; n++) {
                HttpResponse<String> response = responses.get(n).join();
                if (response.statusCode() != 200 || !response.body().equals("work " + n + " item-" + n)) {
                    wrong.add(n + ": " + response.statusCode() + " " + response.body());
                }
            }
            client.send(HttpRequest.newBuilder(URI.create(base + "/shutdown")).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    /** The lines of this run's standard error that {@code plain}'s has none like (see {@link ForkedLibraryApp#errorsOnlyIn}). */
    List<String> errorsBeyond(ServerAppRun plain) {
        return ForkedLibraryApp.errorsOnlyIn(run, plain.run);
    }
}
