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
        ServerAppRun plain = serve(List.of());
        ServerAppRun greened = serve(List.of(ForkedLibraryApp.agent("include=com.acme.**", "include=org.eclipse.jetty.**",
                "exclude=com.acme.backend.**", "report=" + report)));
        String reportText = Files.readString(report);
        System.out.println("[jetty] plain: " + plain.line() + " peak-os-threads=" + plain.run().peakOsThreads());
        System.out.println("[jetty] greened: " + greened.line() + " peak-os-threads=" + greened.run().peakOsThreads());
        assertAll(
                () -> assertEquals(List.of(), plain.wrong(), "every plain response right"),
                () -> assertEquals(List.of(), greened.wrong(), "every greened response right"),
                () -> assertEquals(Integer.toString(REQUESTS), field(greened.line(), "served")),
                () -> assertEquals("0", field(greened.line(), "downstream-failures")),
                () -> assertEquals("0", field(greened.line(), "qtp-threads-after-stop"), "Jetty's pool ended its threads"),
                () -> assertEquals(0, ForkedLibraryApp.greenThreadsAliveAtExit(reportText),
                        "no green thread left at exit:\n" + reportText),
                () -> assertTrue(reportText.contains("threads Thread.start"), "QueuedThreadPool's start was rewritten:\n"
                        + reportText),
                () -> assertTrue(reportText.contains("sleeps Thread.sleep"), reportText),
                () -> assertTrue(greened.run().peakOsThreads() < MAX_GREENED_OS_THREADS,
                        "greened peak OS threads " + greened.run().peakOsThreads() + " with " + MAX_THREADS
                                + " Jetty threads\n" + reportText),
                () -> assertTrue(plain.run().peakOsThreads() > MAX_GREENED_OS_THREADS,
                        "plain Jetty grows its pool towards " + MAX_THREADS + " threads: peak OS threads "
                                + plain.run().peakOsThreads()));
    }

    /**
     * Jetty with its virtual-threads executor: the blocking servlet work runs on virtual threads that Jetty makes
     * through reflection ({@code Thread.ofVirtual()} by {@code Method.invoke}). Under the agent each of them is green:
     * made on the hubs and registered, which the exit report counts, and still a virtual thread to the servlet.
     */
    @Test
    void withVirtualThreadsEveryRequestRunsOnAGreenVirtualThread() throws Exception {
        Path report = work.resolve("jetty-virtual-report.txt");
        ServerAppRun greened = ServerAppRun.serve("jetty", "com.acme.jettyapp.JettyApp",
                List.of("0", Integer.toString(MAX_THREADS), "8", "virtual"),
                List.of(ForkedLibraryApp.agent("include=com.acme.**", "include=org.eclipse.jetty.**",
                        "exclude=com.acme.backend.**", "report=" + report)), REQUESTS);
        String reportText = Files.readString(report);
        System.out.println("[jetty virtual] greened: " + greened.line());
        System.out.println("[jetty virtual] report:\n" + reportText);
        ForkedLibraryApp.assertServedOnGreenVirtualThreads("Jetty", greened, reportText, REQUESTS,
                () -> assertEquals("0", field(greened.line(), "downstream-failures")));
    }

    private static ServerAppRun serve(List<String> jvmOptions) throws Exception {
        return ServerAppRun.serve("jetty", "com.acme.jettyapp.JettyApp", List.of("0", Integer.toString(MAX_THREADS), "8"),
                jvmOptions, REQUESTS);
    }
}
