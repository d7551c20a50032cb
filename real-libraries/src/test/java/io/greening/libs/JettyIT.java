package io.greening.libs;

import io.greening.forked.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.greening.libs.ForkedLibraryApp.MAX_GREENED_OS_THREADS;
import static io.greening.libs.ForkedLibraryApp.field;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Embedded Jetty 12 (ee10 servlet), greened with {@code include=org.eclipse.jetty.**}: its QueuedThreadPool threads,
 * acceptor and selectors are green, the servlet's {@code Thread.sleep} is a hub timer, and its blocking downstream
 * call parks green. The same requests are served plain first: plain Jetty grows its pool past the OS thread ceiling
 * that greened Jetty stays under. A correctness check only; {@code real-libraries/jetty-load.sh} measures it under wrk.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class JettyIT {
    private static final int REQUESTS = 400;
    private static final int MAX_THREADS = 200;

    @TempDir
    Path work;

    @Test
    void servletThatSleepsAndCallsDownstreamAnswersEveryRequest() throws Exception {
        Path report = work.resolve("jetty-report.txt");
        Served plain = serve(List.of());
        Served greened = serve(List.of(ForkedLibraryApp.agent("include=com.acme.**", "include=org.eclipse.jetty.**",
                "exclude=com.acme.backend.**", "report=" + report)));
        String reportText = Files.readString(report);
        System.out.println("[jetty] plain: " + plain.line + " peak-os-threads=" + plain.run.peakOsThreads());
        System.out.println("[jetty] greened: " + greened.line + " peak-os-threads=" + greened.run.peakOsThreads());
        assertAll(
                () -> assertEquals(List.of(), plain.wrong, "every plain response right"),
                () -> assertEquals(List.of(), greened.wrong, "every greened response right"),
                () -> assertEquals(Integer.toString(REQUESTS), field(greened.line, "served")),
                () -> assertEquals("0", field(greened.line, "downstream-failures")),
                () -> assertEquals("0", field(greened.line, "qtp-threads-after-stop"), "Jetty's pool ended its threads"),
                () -> assertEquals(0, ForkedLibraryApp.greenThreadsAliveAtExit(reportText),
                        "no green thread left at exit:\n" + reportText),
                () -> assertTrue(reportText.contains("threads Thread.start"), "QueuedThreadPool's start was rewritten:\n"
                        + reportText),
                () -> assertTrue(reportText.contains("sleeps Thread.sleep"), reportText),
                () -> assertTrue(greened.run.peakOsThreads() < MAX_GREENED_OS_THREADS,
                        "greened peak OS threads " + greened.run.peakOsThreads() + " with " + MAX_THREADS
                                + " Jetty threads\n" + reportText),
                () -> assertTrue(plain.run.peakOsThreads() > MAX_GREENED_OS_THREADS,
                        "plain Jetty grows its pool towards " + MAX_THREADS + " threads: peak OS threads "
                                + plain.run.peakOsThreads()));
    }

    /** One run of the app: its result, its last line and the requests answered wrongly. */
    private record Served(ForkedJvm.Result run, String line, List<String> wrong) { }

    /** Starts JettyApp with {@code jvmOptions}, sends {@link #REQUESTS} requests at once, then stops it. */
    private static Served serve(List<String> jvmOptions) throws Exception {
        ForkedJvm app = ForkedJvm.start(ForkedLibraryApp.java(), jvmOptions, ForkedLibraryApp.classPath(),
                "com.acme.jettyapp.JettyApp", List.of("0", Integer.toString(MAX_THREADS), "8"));
        String port = app.awaitLine("jetty: listening port=", Duration.ofMinutes(1));
        String base = "http://127.0.0.1:" + port;

        List<String> wrong = new ArrayList<>();
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build()) {
            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int n = 0; n < REQUESTS; n++) {
                responses.add(client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/work?n=" + n))
                        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (int n = 0; n < REQUESTS; n++) {
                HttpResponse<String> response = responses.get(n).join();
                if (response.statusCode() != 200 || !response.body().equals("work " + n + " item-" + n)) {
                    wrong.add(n + ": " + response.statusCode() + " " + response.body());
                }
            }
            client.send(HttpRequest.newBuilder(URI.create(base + "/shutdown")).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
        ForkedJvm.Result run = app.await(Duration.ofMinutes(1));
        assertEquals(0, run.exitCode(), run::describe);
        String line = run.output().stream().filter(l -> l.startsWith("jetty: served=")).findFirst()
                .orElseThrow(() -> new AssertionError(run.describe()));
        return new Served(run, line, wrong);
    }
}
