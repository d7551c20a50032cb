package io.greening.bench;

import io.greening.Hub;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps the benchmark bodies and harnesses working as the runtime changes: each runs once, tiny, and must finish
 * with a well-formed result. Measures nothing (the benchmarks do that, never the build).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class HarnessSmokeTest {
    /** How many echo round trips the smoke run of the echo harness waits for, per server. */
    private static final int ROUND_TRIPS = 100;
    private static Hub hub;

    @BeforeAll
    static void startHub() {
        hub = Hub.start("smoke-hub");
    }

    @AfterAll
    static void closeHub() {
        hub.close();
    }

    @Test
    void pingPongRunsOnTheSystemItNames() throws InterruptedException {
        // Each comparison is only as good as its players: green ones on the hub, the others off any hub.
        assertPlayers("green threads of the hub", PingPong.onHub(hub, 1_000, false).players(), t -> Hub.of(t) == hub);
        assertPlayers("green threads of the hub", PingPong.onHub(hub, 1_000, true).players(), t -> Hub.of(t) == hub);
        assertPlayers("green threads of the hub", PingPong.cedeOnHub(hub, 1_000), t -> Hub.of(t) == hub);
        assertPlayers("JDK virtual threads", PingPong.onThreads(Thread.ofVirtual().factory(), 1_000).players(),
                t -> t.isVirtual() && Hub.of(t) == null);
        assertPlayers("platform threads", PingPong.onThreads(Thread.ofPlatform().factory(), 100).players(),
                t -> !t.isVirtual());
    }

    private static void assertPlayers(String expected, List<Thread> players, Predicate<Thread> ranWhereExpected) {
        assertEquals(2, players.size());
        assertTrue(players.get(0) != players.get(1), "two players");
        for (Thread player : players) {
            assertTrue(ranWhereExpected.test(player), player + " is not one of the " + expected);
        }
    }

    @Test
    void memoryHarnessParksAndReleasesEveryThread() throws Exception {
        for (String system : new String[] {"green", "virtual"}) {
            String[] row = MemoryHarness.measure(system, 2_000).split(",", -1);
            assertEquals(MemoryHarness.HEADER.split(",").length, row.length, String.join(",", row));
            assertEquals(system, row[0]);
            assertEquals("2000", row[1], "every thread was created and parked");
            assertEquals("", row[5], "no failure note");
        }
    }

    @Test
    void sleepersHarnessReportsEverySleep() throws Exception {
        String[] row = SleepersHarness.measure("green", 100).split(",", -1);
        assertEquals(SleepersHarness.HEADER.split(",").length, row.length, String.join(",", row));
        assertTrue(Long.parseLong(row[2]) > 0, "wall time");
        assertTrue(Integer.parseInt(row[3]) >= 0, "median lateness: a green sleep does not end before its time");
    }

    @Test
    void echoHarnessRunsTheLoadAgainstForkedServers(@TempDir Path results) throws Exception {
        // virtual and netty only: the platform and greened servers need the integration-tests classes and the
        // agent jar, which this module's build does not depend on. The load counts on past its 0.3 s window until it
        // has ROUND_TRIPS (at most a minute more), so a busy machine makes it slower, never empty.
        EchoC10k.main(new String[] {"..", results.toString(), "20", "0.2", "0.3", "virtual,netty", Integer.toString(ROUND_TRIPS)});
        List<String> rows = Files.readAllLines(results.resolve("echo-c10k.csv"));
        assertEquals(3, rows.size(), String.join("\n", rows));
        for (String line : rows.subList(1, rows.size())) {
            String[] row = line.split(",");
            assertEquals("20", row[1], line);
            assertTrue(Long.parseLong(row[2]) >= ROUND_TRIPS, "round trips were measured: " + line);
            assertEquals("0", row[6], "no echo errors: " + line);
        }
    }
}
