package io.greening.libs;

import io.greening.forked.ForkedJvm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * pgJDBC against a real PostgreSQL ({@link PostgresServer}, binaries from Maven), greened with the driver selected:
 * {@code com.acme.jdbcapp.JdbcApp} runs 300 {@code new Thread}s through a small connection pool (connections opened
 * on demand with SCRAM-SHA-256), each in transactions taking a row lock contended across threads
 * ({@code SELECT ... FOR UPDATE}), sleeping on the server while holding it ({@code pg_sleep(0.05)}) and doing a
 * read-modify-write. Run plain and under {@code include=com.acme.**,include=org.postgresql.**} with the default hubs:
 * both right (every row equals the sum of its recorded updates), greened under the OS thread ceiling that plain
 * exceeds, no hub held for a second, no thread died, nothing on stderr that plain does not print, a clean exit.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class JdbcIT {
    private static final int THREADS = 300;
    private static final int ROUNDS = 3;
    private static final int ROWS = 10;
    private static final int POOL_SIZE = 16;
    /** The greened run's stall threshold: no green thread may keep a hub's carrier this long. */
    private static final String STALL = "1s";
    private static final String STALL_REPORT = "without yielding";

    @TempDir
    static Path work;
    private static PostgresServer postgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = PostgresServer.start(POOL_SIZE + 8);
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void threeHundredThreadsContendingForRowLocksThroughPgJdbc() throws Exception {
        ForkedJvm.Result plain = run(List.of());
        Path report = work.resolve("jdbc-report.txt");
        ForkedJvm.Result greened = run(List.of(ForkedLibraryApp.agent("include=com.acme.**",
                "include=org.postgresql.**", "stall=" + STALL, "report=" + report)));
        String reportText = Files.readString(report);
        String plainLine = summary(plain);
        String greenedLine = summary(greened);
        System.out.println("[jdbc] plain: " + plainLine + " peak-os-threads=" + plain.peakOsThreads() + " wall="
                + plain.wall().toMillis() + "ms");
        System.out.println("[jdbc] greened: " + greenedLine + " peak-os-threads=" + greened.peakOsThreads() + " wall="
                + greened.wall().toMillis() + "ms");
        assertAll(
                () -> assertRight(plainLine, plain),
                () -> assertRight(greenedLine, greened),
                () -> assertEquals(List.of(), ForkedLibraryApp.errorsOnlyIn(greened, plain),
                        "nothing on stderr that plain does not print"),
                () -> assertFalse(greened.errors().contains(STALL_REPORT), "no hub held for " + STALL),
                () -> assertFalse(greened.errors().contains("Exception in thread"), "no thread died"),
                () -> assertEquals(0, ForkedLibraryApp.greenThreadsAliveAtExit(reportText),
                        "no green thread left at exit:\n" + reportText),
                () -> assertTrue(reportText.contains("threads Thread.start"), reportText),
                () -> assertTrue(reportText.contains("dns new InetSocketAddress"),
                        "the driver's connect site (PGStream resolves through new InetSocketAddress) was rewritten:\n"
                                + reportText),
                () -> assertTrue(reportText.contains("  dns lookups offloaded: 0\n"),
                        "pgJDBC's 127.0.0.1 is parsed inline on every connect, not sent to the offload pool:\n"
                                + reportText),
                () -> assertTrue(reportText.contains("classes: selected") && reportText.contains(", failed 0"),
                        "every selected class of the driver transformed:\n" + reportText),
                () -> assertTrue(greened.peakOsThreads() < MAX_GREENED_OS_THREADS,
                        "greened peak OS threads " + greened.peakOsThreads() + " for " + THREADS + " app threads\n"
                                + reportText),
                () -> assertTrue(ForkedLibraryApp.peakPlatformThreads(reportText) < MAX_GREENED_OS_THREADS,
                        reportText),
                () -> assertTrue(plain.peakOsThreads() > MAX_GREENED_OS_THREADS,
                        "plain peak OS threads " + plain.peakOsThreads() + " for " + THREADS + " app threads"));
    }

    private static ForkedJvm.Result run(List<String> jvmOptions) throws Exception {
        ForkedJvm.Result run = ForkedJvm.run(ForkedLibraryApp.java(), jvmOptions, ForkedLibraryApp.classPath(),
                "com.acme.jdbcapp.JdbcApp", List.of(Integer.toString(postgres.port()), PostgresServer.USER,
                        PostgresServer.PASSWORD, Integer.toString(THREADS), Integer.toString(ROUNDS),
                        Integer.toString(ROWS), Integer.toString(POOL_SIZE)),
                Duration.ofMinutes(1));
        assertEquals(0, run.exitCode(), run::describe);
        return run;
    }

    private static String summary(ForkedJvm.Result run) {
        return run.output().stream().filter(l -> l.startsWith("jdbc: ")).findFirst()
                .orElseThrow(() -> new AssertionError(run.describe()));
    }

    private static void assertRight(String line, ForkedJvm.Result run) {
        assertAll(
                () -> assertEquals(Integer.toString(THREADS * ROUNDS), field(line, "commits"), run::describe),
                () -> assertEquals("0", field(line, "failures"), run::describe),
                () -> assertEquals(Integer.toString(ROWS), field(line, "rows"), run::describe),
                () -> assertEquals(Integer.toString(ROWS), field(line, "rows-right"),
                        "every row equals the sum of its recorded updates: " + line),
                () -> assertEquals(field(line, "expected-total"), field(line, "total"), line),
                () -> assertEquals(Integer.toString(THREADS * ROUNDS), field(line, "ledger"), line),
                () -> assertEquals("0", field(line, "alive-after-join"), line));
    }
}
