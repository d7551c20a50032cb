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
 * Embedded Tomcat 11 on its default NIO connector, greened with Tomcat's packages selected: its acceptor, poller and
 * worker pool ({@code TaskThread}s made by its own {@code ThreadPoolExecutor} copy) are green, and a servlet sleeps
 * and calls a downstream service on them. The same requests are served plain first: plain Tomcat grows its worker
 * pool past the OS thread ceiling that greened Tomcat stays under, and the greened run prints nothing on stderr that
 * the plain run does not (Tomcat's own log lines aside, no agent warning, no dying thread).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TomcatIT {
    static final int REQUESTS = 400;
    static final int MAX_THREADS = 200;
    /**
     * Above the default 100 ms: a cold server's first requests load classes and link lambdas on green threads, which
     * on a loaded 2-core machine can hold a carrier that long; half a second still reports a carrier pinned by a
     * blocking call (Tomcat's poller selects with a timeout of one second).
     */
    static final String STALL_THRESHOLD = "stall=500ms";

    @TempDir
    Path work;

    @Test
    void servletThatSleepsAndCallsDownstreamAnswersEveryRequest() throws Exception {
        Path report = work.resolve("tomcat-report.txt");
        ServerAppRun plain = serve(List.of());
        ServerAppRun greened = serve(List.of(ForkedLibraryApp.agent("include=com.acme.**", "include=org.apache.tomcat.**",
                "include=org.apache.catalina.**", "include=org.apache.coyote.**", "exclude=com.acme.backend.**",
                STALL_THRESHOLD, "report=" + report)));
        String reportText = Files.readString(report);
        System.out.println("[tomcat] plain: " + plain.line() + " peak-os-threads=" + plain.run().peakOsThreads());
        System.out.println("[tomcat] greened: " + greened.line() + " peak-os-threads=" + greened.run().peakOsThreads());
        System.out.println("[tomcat] report:\n" + reportText);
        assertServedRightAndGreen("Tomcat", plain, greened, reportText);
    }

    /**
     * Tomcat with {@code useVirtualThreads} on: a virtual thread per request, which Tomcat's
     * {@code VirtualThreadExecutor} makes through reflection ({@code Thread.ofVirtual()}, {@code start} by
     * {@code Method.invoke}). Under the agent every request thread is green: made on the hubs and registered, which
     * the exit report counts, and still a virtual thread to the servlet.
     */
    @Test
    void withVirtualThreadsEveryRequestRunsOnAGreenVirtualThread() throws Exception {
        Path report = work.resolve("tomcat-virtual-report.txt");
        ServerAppRun greened = ServerAppRun.serve("tomcat", "com.acme.tomcatapp.TomcatApp",
                List.of("0", Integer.toString(MAX_THREADS), "8", "virtual"),
                List.of(ForkedLibraryApp.agent("include=com.acme.**", "include=org.apache.tomcat.**",
                        "include=org.apache.catalina.**", "include=org.apache.coyote.**", "exclude=com.acme.backend.**",
                        STALL_THRESHOLD, "report=" + report)), REQUESTS);
        String reportText = Files.readString(report);
        System.out.println("[tomcat virtual] greened: " + greened.line());
        System.out.println("[tomcat virtual] report:\n" + reportText);
        ForkedLibraryApp.assertServedOnGreenVirtualThreads("Tomcat", greened, reportText, REQUESTS,
                () -> assertTrue(reportText.contains("jdk: threads ThreadBuilders.newVirtualThread in java.lang 3"), reportText));
    }

    /**
     * What both Tomcat ITs assert of the same requests served plain and greened: every answer right, no green thread
     * left, Tomcat's thread starts rewritten, nothing on stderr beyond the plain run's, and the OS thread ceiling that
     * the greened run stays under and the plain run, growing its worker pool, exceeds.
     */
    static void assertServedRightAndGreen(String server, ServerAppRun plain, ServerAppRun greened, String reportText) {
        assertAll(
                () -> assertEquals(List.of(), plain.wrong(), "every plain response right"),
                () -> assertEquals(List.of(), greened.wrong(), "every greened response right"),
                () -> assertEquals(Integer.toString(REQUESTS), field(greened.line(), "served")),
                () -> assertEquals("0", field(greened.line(), "downstream-failures")),
                () -> assertEquals(List.of(), greened.errorsBeyond(plain),
                        "nothing on stderr that plain " + server + " does not print:\n" + greened.run().errors()),
                () -> assertEquals(0, ForkedLibraryApp.greenThreadsAliveAtExit(reportText),
                        "no green thread left at exit:\n" + reportText),
                () -> assertTrue(reportText.contains("threads Thread.start"), "Tomcat's thread starts were rewritten:\n"
                        + reportText),
                () -> assertTrue(reportText.contains("sleeps Thread.sleep"), reportText),
                () -> assertTrue(greened.run().peakOsThreads() < MAX_GREENED_OS_THREADS,
                        "greened peak OS threads " + greened.run().peakOsThreads() + " with " + MAX_THREADS
                                + " Tomcat workers\n" + reportText),
                () -> assertTrue(plain.run().peakOsThreads() > MAX_GREENED_OS_THREADS,
                        "plain " + server + " grows Tomcat's worker pool towards " + MAX_THREADS + " threads: peak OS threads "
                                + plain.run().peakOsThreads()));
    }

    private static ServerAppRun serve(List<String> jvmOptions) throws Exception {
        return ServerAppRun.serve("tomcat", "com.acme.tomcatapp.TomcatApp", List.of("0", Integer.toString(MAX_THREADS), "8"),
                jvmOptions, REQUESTS);
    }
}
