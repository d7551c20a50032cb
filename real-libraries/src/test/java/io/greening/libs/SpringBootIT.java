package io.greening.libs;

import com.acme.backend.Backend;
import io.greening.forked.ForkedJvm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.greening.libs.ForkedLibraryApp.MAX_GREENED_OS_THREADS;
import static io.greening.libs.ForkedLibraryApp.field;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Spring Boot 4 fat jar ({@code real-libraries/spring-boot-app}: web on embedded Tomcat, JdbcTemplate over HikariCP
 * to a real PostgreSQL, Spring's RestClient to a downstream service, Logback), started as users start one:
 * {@code java -javaagent:greening.jar=include=com.acme.**,... -jar app.jar}. Boot's launcher then loads the app and
 * every library from jars nested in the fat jar, through its own {@code LaunchedClassLoader}. The same burst of
 * requests (each a sleep, a query through a pool of 8 connections, a downstream call) is served plain, greened with
 * the app's package only and greened with {@code include=**}; every answer must be right, nothing may appear on
 * stderr beyond the plain run's, and the JVM must end by itself once the context is closed.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class SpringBootIT {
    private static final int REQUESTS = 400;
    /**
     * Boot starts in seconds on an idle machine, but its start (some 8,000 classes, 4,000 of them rewritten under
     * {@code include=**}) took 40-60 s on the 2-core machine at a load average of 30.
     */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    /** The pool Boot's application.properties sets: far fewer connections than concurrent requests. */
    private static final int POOL_SIZE = 8;

    @TempDir
    static Path work;
    private static PostgresServer postgres;
    private static Backend downstream;
    private static ServerAppRun plain;

    @BeforeAll
    static void startServersAndServePlain() throws Exception {
        postgres = PostgresServer.start(POOL_SIZE * 2 + 4);
        downstream = Backend.start(32);
        plain = serve(List.of());
        System.out.println("[boot] plain: " + plain.line() + " peak-os-threads=" + plain.run().peakOsThreads());
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (downstream != null) {
            downstream.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    /**
     * What a user gets from the documented one-liner: the app's classes, loaded from {@code BOOT-INF/classes} by
     * Boot's class loader, are rewritten, and nothing else changes. Their sleep runs on Tomcat's platform workers
     * (Tomcat is not selected), so the threads stay as many as plain.
     */
    @Test
    void appPackageOnlyIsRewrittenAndServesAsPlain() throws Exception {
        Greened greened = serveGreened("app-only", "include=com.acme.**");
        assertAll(
                () -> greened.assertRightAndClean(),
                () -> assertTrue(greened.report().contains("sleeps Thread.sleep"),
                        "the controller's sleep, in a class Boot's LaunchedClassLoader loaded, was rewritten:\n"
                                + greened.report()),
                () -> assertFalse(greened.report().contains("include selected no class"), greened.report()));
    }

    /**
     * {@code include=**}: Spring, Tomcat, HikariCP, pgJDBC and Logback from the nested jars are selected and rewritten
     * too, so Tomcat's workers are green and wait green for Hikari's connections: every answer right, under the OS
     * thread ceiling that plain exceeds.
     */
    @Test
    void everythingSelectedServesGreenUnderTheThreadCeiling() throws Exception {
        Greened greened = serveGreened("everything", "include=**");
        int peakOsThreads = greened.run().run().peakOsThreads();
        assertAll(
                () -> greened.assertRightAndClean(),
                () -> assertTrue(greened.report().contains("threads Thread.start"),
                        "Tomcat's and Hikari's thread starts, in nested jars, were rewritten:\n" + greened.report()),
                () -> assertTrue(peakOsThreads < MAX_GREENED_OS_THREADS,
                        "greened peak OS threads " + peakOsThreads + "\n" + greened.report()),
                () -> assertTrue(ForkedLibraryApp.peakPlatformThreads(greened.report()) < MAX_GREENED_OS_THREADS,
                        greened.report()),
                () -> assertTrue(plain.run().peakOsThreads() > MAX_GREENED_OS_THREADS,
                        "plain Boot grows Tomcat's worker pool: peak OS threads " + plain.run().peakOsThreads()));
    }

    /** A greened run and the agent's exit report. */
    private record Greened(ServerAppRun run, String report) {
        /**
         * What every greened mode must show: each answer right, no failed query or downstream call, nothing on stderr
         * beyond the plain run's, no class that failed to transform, no green thread left at exit.
         */
        void assertRightAndClean() {
            assertAll(
                    () -> assertEquals(List.of(), plain.wrong(), "every plain response right"),
                    () -> assertEquals(List.of(), run.wrong(), "every greened response right"),
                    () -> assertEquals(Integer.toString(REQUESTS), field(run.line(), "served")),
                    () -> assertEquals("0", field(run.line(), "downstream-failures")),
                    () -> assertEquals("0", field(run.line(), "db-failures")),
                    () -> assertEquals(List.of(), run.errorsBeyond(plain),
                            "nothing on stderr that plain Boot does not print:\n" + run.run().errors()),
                    () -> assertTrue(report.contains(", failed 0"), report),
                    () -> assertEquals(0, ForkedLibraryApp.greenThreadsAliveAtExit(report), report));
        }
    }

    /**
     * Serves the requests under the agent with {@code include} and the stall threshold, and reads its report (kept in
     * {@code <mode>-report.txt}).
     */
    private static Greened serveGreened(String mode, String include) throws Exception {
        Path report = work.resolve(mode + "-report.txt");
        ServerAppRun greened = serve(List.of(ForkedLibraryApp.agent(include, TomcatIT.STALL_THRESHOLD,
                "report=" + report)));
        String reportText = Files.readString(report);
        System.out.println("[boot] " + include + ": " + greened.line() + " peak-os-threads="
                + greened.run().peakOsThreads());
        System.out.println("[boot] report:\n" + reportText);
        return new Greened(greened, reportText);
    }

    private static ServerAppRun serve(List<String> jvmOptions) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ForkedLibraryApp.java().toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", bootJar().toString(), "--server.port=0",
                "--spring.datasource.url=jdbc:postgresql://127.0.0.1:" + postgres.port() + "/postgres",
                "--spring.datasource.username=" + PostgresServer.USER,
                "--spring.datasource.password=" + PostgresServer.PASSWORD,
                "--downstream.url=http://127.0.0.1:" + downstream.port()));
        return ServerAppRun.serve("boot", ForkedJvm.command(command), START_TIMEOUT, REQUESTS);
    }

    /** The fat jar the module {@code real-libraries/spring-boot-app} built in this reactor. */
    private static Path bootJar() {
        Path jar = Path.of(System.getProperty("greening.boot.jar", "spring-boot-app/target/greening-spring-boot-app.jar"));
        assertTrue(Files.isRegularFile(jar), () -> "the Boot fat jar is built before this runs (add"
                + " real-libraries/spring-boot-app to -pl), but " + jar + " is not there");
        return jar;
    }
}
