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
 * Spring MVC 7 (a {@code DispatcherServlet}, an annotated {@code @RestController}, a CGLIB-enhanced
 * {@code @Configuration}, class-path scanning) in embedded Tomcat 11, greened with Spring and Tomcat selected: the
 * context refreshes on Tomcat's green start-up thread, every request runs on a green Tomcat worker, and the
 * controller, after a sleep and a blocking downstream call, still finds its own request in Spring's
 * {@code RequestContextHolder} ThreadLocal. The same requests are served plain first; the greened run stays under the
 * OS thread ceiling that plain exceeds and prints nothing on stderr that the plain run does not.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SpringIT {
    private static final int REQUESTS = 400;
    private static final int MAX_THREADS = 200;

    @TempDir
    Path work;

    @Test
    void restControllerThatSleepsAndCallsDownstreamAnswersEveryRequest() throws Exception {
        Path report = work.resolve("spring-report.txt");
        ServerAppRun plain = serve(List.of());
        ServerAppRun greened = serve(List.of(ForkedLibraryApp.agent("include=com.acme.**", "include=org.springframework.**",
                "include=org.apache.tomcat.**", "include=org.apache.catalina.**", "include=org.apache.coyote.**",
                "exclude=com.acme.backend.**", TomcatIT.STALL_THRESHOLD, "report=" + report)));
        String reportText = Files.readString(report);
        System.out.println("[spring] plain: " + plain.line() + " peak-os-threads=" + plain.run().peakOsThreads());
        System.out.println("[spring] greened: " + greened.line() + " peak-os-threads=" + greened.run().peakOsThreads());
        System.out.println("[spring] report:\n" + reportText);
        assertAll(
                () -> assertEquals(List.of(), plain.wrong(), "every plain response right"),
                () -> assertEquals(List.of(), greened.wrong(), "every greened response right"),
                () -> assertEquals(Integer.toString(REQUESTS), field(greened.line(), "served")),
                () -> assertEquals("0", field(greened.line(), "downstream-failures")),
                () -> assertEquals(List.of(), greened.errorsBeyond(plain),
                        "nothing on stderr that plain Spring does not print:\n" + greened.run().errors()),
                () -> assertEquals(0, ForkedLibraryApp.greenThreadsAliveAtExit(reportText),
                        "no green thread left at exit:\n" + reportText),
                () -> assertTrue(reportText.contains("threads Thread.start"), reportText),
                () -> assertTrue(reportText.contains("sleeps Thread.sleep"), reportText),
                () -> assertTrue(greened.run().peakOsThreads() < MAX_GREENED_OS_THREADS,
                        "greened peak OS threads " + greened.run().peakOsThreads() + " with " + MAX_THREADS
                                + " Tomcat workers\n" + reportText),
                () -> assertTrue(plain.run().peakOsThreads() > MAX_GREENED_OS_THREADS,
                        "plain Tomcat grows its worker pool towards " + MAX_THREADS + " threads: peak OS threads "
                                + plain.run().peakOsThreads()));
    }

    private static ServerAppRun serve(List<String> jvmOptions) throws Exception {
        return ServerAppRun.serve("spring", "com.acme.springapp.SpringApp", List.of("0", Integer.toString(MAX_THREADS), "8"),
                jvmOptions, REQUESTS);
    }
}
