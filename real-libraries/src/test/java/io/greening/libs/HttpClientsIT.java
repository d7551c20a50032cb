package io.greening.libs;

import io.greening.forked.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.greening.libs.ForkedLibraryApp.MAX_GREENED_OS_THREADS;
import static io.greening.libs.ForkedLibraryApp.field;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JDK's HTTP clients, greened: {@code com.acme.httpapp.HttpClientsApp} runs 5,000 {@code new Thread}s, each
 * doing a synchronous {@code HttpClient.send} and an {@code HttpURLConnection} POST, against the JDK's
 * {@code com.sun.net.httpserver} on platform threads in the same JVM ({@code com.acme.backend}, not selected); and
 * 2,000 {@code sendAsync}s at once from its main thread on a client with the JDK's own default executor, plain and
 * greened.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HttpClientsIT {
    private static final int THREADS = 5_000;
    /**
     * The async run's requests, all connecting at once: under the backend's accept backlog (4,096). With 5,000 the
     * backlog overflowed, and on a machine at a load of 25-30 the dropped connects' retries ran past the client's 30 s
     * connect timeout (10 of 5,000, once in four runs).
     */
    private static final int ASYNC_REQUESTS = 2_000;

    @TempDir
    Path work;

    @Test
    void fiveThousandGreenThreadsWithHttpClientAndHttpUrlConnection() throws Exception {
        Path report = work.resolve("http-report.txt");
        ForkedJvm.Result run = ForkedJvm.run(ForkedLibraryApp.java(),
                List.of(ForkedLibraryApp.agent("include=com.acme.httpapp.**", "report=" + report)),
                ForkedLibraryApp.classPath(), "com.acme.httpapp.HttpClientsApp", List.of(Integer.toString(THREADS)),
                Duration.ofMinutes(2));
        assertEquals(0, run.exitCode(), run::describe);
        String line = run.output().stream().filter(l -> l.startsWith("http: ")).findFirst()
                .orElseThrow(() -> new AssertionError(run.describe()));
        String reportText = Files.readString(report);
        System.out.println("[http] " + line + " peak-os-threads=" + run.peakOsThreads() + " peak-rss-kb="
                + run.peakRssKb() + " wall=" + run.wall().toMillis() + "ms");
        assertAll(
                () -> assertEquals(Integer.toString(THREADS), field(line, "httpclient-ok"), run::describe),
                () -> assertEquals(Integer.toString(THREADS), field(line, "urlconnection-ok"), run::describe),
                () -> assertEquals("0", field(line, "wrong"), run::describe),
                () -> assertEquals("0", field(line, "failures"), run::describe),
                () -> assertEquals("0", field(line, "alive-after-join"), "all app threads ended"),
                () -> assertEquals(0, ForkedLibraryApp.greenThreadsAliveAtExit(reportText),
                        "no green thread left at exit:\n" + reportText),
                () -> assertTrue(run.peakOsThreads() < MAX_GREENED_OS_THREADS,
                        "peak OS threads " + run.peakOsThreads() + " for " + THREADS + " app threads\n" + reportText));
    }

    /**
     * A client built without an executor makes its pool inside the JDK ({@code HttpClientImpl}), code no filter
     * selects, and runs the response handling of all the requests in flight there: plain, that pool's platform
     * workers take the JVM over the ceiling; greened, the agent's row inside the JDK makes them green.
     */
    @Test
    void twoThousandAsyncRequestsOnTheJdksDefaultExecutor() throws Exception {
        Path report = work.resolve("http-async-report.txt");
        List<String> args = List.of(Integer.toString(ASYNC_REQUESTS), "async-jdk-default");
        ForkedJvm.Result plain = ForkedJvm.run(ForkedLibraryApp.java(), List.of(), ForkedLibraryApp.classPath(),
                "com.acme.httpapp.HttpClientsApp", args, Duration.ofMinutes(2));
        ForkedJvm.Result greened = ForkedJvm.run(ForkedLibraryApp.java(),
                List.of(ForkedLibraryApp.agent("include=com.acme.httpapp.**", "report=" + report)),
                ForkedLibraryApp.classPath(), "com.acme.httpapp.HttpClientsApp", args, Duration.ofMinutes(2));
        assertEquals(0, plain.exitCode(), plain::describe);
        assertEquals(0, greened.exitCode(), greened::describe);
        String reportText = Files.readString(report);
        System.out.println("[http-async] plain: peak-os-threads=" + plain.peakOsThreads() + " " + platformClientWorkersLine(plain)
                + " peak-rss-kb=" + plain.peakRssKb() + " wall=" + plain.wall().toMillis() + "ms; greened: peak-os-threads="
                + greened.peakOsThreads() + " " + platformClientWorkersLine(greened) + " peak-rss-kb=" + greened.peakRssKb()
                + " wall=" + greened.wall().toMillis() + "ms; ceiling " + MAX_GREENED_OS_THREADS);
        String expected = "http: threads=" + ASYNC_REQUESTS + " httpclient-ok=" + ASYNC_REQUESTS
                + " urlconnection-ok=0 wrong=0 failures=0 alive-after-join=0";
        assertAll(
                () -> assertEquals(List.of(expected), plain.comparableOutput(), plain::describe),
                () -> assertEquals(List.of(expected), greened.comparableOutput(), greened::describe),
                () -> assertTrue(platformClientWorkers(plain) > 0, plain::describe),
                () -> assertEquals(0, platformClientWorkers(greened), greened::describe),
                () -> assertTrue(reportText.contains("  jdk: threads Executors.newCachedThreadPool in jdk.internal.net.http 1\n"),
                        reportText),
                // no check of the green threads left at exit: the pool's workers are daemon threads, which neither
                // the client's close() nor the JVM's exit waits for, and plain they are alive at the end too
                () -> assertTrue(plain.peakOsThreads() > MAX_GREENED_OS_THREADS,
                        "plain peaks at " + plain.peakOsThreads() + " OS threads, under the ceiling " + MAX_GREENED_OS_THREADS),
                () -> assertTrue(greened.peakOsThreads() < MAX_GREENED_OS_THREADS,
                        "peak OS threads " + greened.peakOsThreads() + " for " + ASYNC_REQUESTS + " async requests\n" + reportText));
    }

    /** The app's {@code # platform-client-workers=N} line. */
    private static String platformClientWorkersLine(ForkedJvm.Result run) {
        return run.output().stream().filter(line -> line.startsWith("# platform-client-workers=")).findFirst()
                .orElseThrow(() -> new AssertionError(run.describe())).substring(2);
    }

    private static int platformClientWorkers(ForkedJvm.Result run) {
        return Integer.parseInt(field(platformClientWorkersLine(run), "platform-client-workers"));
    }
}
