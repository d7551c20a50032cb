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
 * {@code com.sun.net.httpserver} on platform threads in the same JVM ({@code com.acme.backend}, not selected).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HttpClientsIT {
    private static final int THREADS = 5_000;

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
}
