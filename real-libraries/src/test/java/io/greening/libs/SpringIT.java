package io.greening.libs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Spring MVC 7 (a {@code DispatcherServlet}, an annotated {@code @RestController}, a CGLIB-enhanced
 * {@code @Configuration}, class-path scanning) in embedded Tomcat 11, greened with Spring and Tomcat selected: the
 * context refreshes as Tomcat starts, every request runs on a green Tomcat worker, and the
 * controller, after a sleep and a blocking downstream call, still finds its own request in Spring's
 * {@code RequestContextHolder} ThreadLocal. The same requests are served plain first; the greened run stays under the
 * OS thread ceiling that plain exceeds and prints nothing on stderr that the plain run does not
 * ({@link TomcatIT#assertServedRightAndGreen}).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SpringIT {
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
        TomcatIT.assertServedRightAndGreen("Spring", plain, greened, reportText);
    }

    private static ServerAppRun serve(List<String> jvmOptions) throws Exception {
        return ServerAppRun.serve("spring", "com.acme.springapp.SpringApp", List.of("0", Integer.toString(TomcatIT.MAX_THREADS), "8"),
                jvmOptions, TomcatIT.REQUESTS);
    }
}
