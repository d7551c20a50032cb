package io.greening.libs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.greening.libs.ForkedLibraryApp.MAX_GREENED_OS_THREADS;
import static io.greening.libs.ForkedLibraryApp.field;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Undertow 2 on XNIO, greened with XNIO, jboss-threads and Undertow selected: XNIO's I/O threads are
 * {@code WorkerThread}s that find themselves by casting {@code Thread.currentThread()} (without the agent's identity
 * rows they got null and Undertow failed at start), its worker pool's threads are green, and a blocking handler sleeps
 * and calls a downstream service on them. The same requests are served plain first: plain Undertow grows its worker
 * pool past the OS thread ceiling that greened Undertow stays under.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class UndertowIT {
    private static final int REQUESTS = 400;
    private static final int WORKER_THREADS = 200;

    @TempDir
    Path work;

    @Test
    void blockingHandlerThatSleepsAndCallsDownstreamAnswersEveryRequest() throws Exception {
        Path report = work.resolve("undertow-report.txt");
        ServerAppRun plain = serve(List.of());
        ServerAppRun greened = serve(List.of(ForkedLibraryApp.agent("include=com.acme.**", "include=io.undertow.**",
                "include=org.xnio.**", "include=org.jboss.threads.**", "exclude=com.acme.backend.**",
                "report=" + report)));
        String reportText = Files.readString(report);
        System.out.println("[undertow] plain: " + plain.line() + " peak-os-threads=" + plain.run().peakOsThreads());
        System.out.println("[undertow] greened: " + greened.line() + " peak-os-threads="
                + greened.run().peakOsThreads());
        assertAll(
                () -> assertEquals(List.of(), plain.wrong(), "every plain response right"),
                () -> assertEquals(List.of(), greened.wrong(), "every greened response right"),
                () -> assertEquals(Integer.toString(REQUESTS), field(greened.line(), "served")),
                () -> assertEquals("0", field(greened.line(), "downstream-failures")),
                () -> assertTrue(!greened.run().errors().contains("Exception in thread"),
                        "no thread died in the greened run:\n" + greened.run().errors()),
                () -> assertEquals(0, ForkedLibraryApp.greenThreadsAliveAtExit(reportText),
                        "no green thread left at exit:\n" + reportText),
                () -> assertTrue(reportText.contains("threads Thread.currentThread"), reportText),
                () -> assertTrue(reportText.contains("sleeps Thread.sleep"), reportText),
                () -> assertTrue(greened.run().peakOsThreads() < MAX_GREENED_OS_THREADS,
                        "greened peak OS threads " + greened.run().peakOsThreads() + " with " + WORKER_THREADS
                                + " Undertow workers\n" + reportText),
                () -> assertTrue(plain.run().peakOsThreads() > MAX_GREENED_OS_THREADS,
                        "plain Undertow grows its worker pool towards " + WORKER_THREADS + " threads: peak OS threads "
                                + plain.run().peakOsThreads()));
    }

    private static ServerAppRun serve(List<String> jvmOptions) throws Exception {
        return ServerAppRun.serve("undertow", "com.acme.undertowapp.UndertowApp",
                List.of("0", Integer.toString(WORKER_THREADS), "8"), jvmOptions, REQUESTS);
    }
}
