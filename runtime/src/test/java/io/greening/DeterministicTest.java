package io.greening;

import io.greening.diagnostics.DeadlockReport;
import io.greening.testing.LogCapture;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import static org.junit.jupiter.api.Assertions.*;

@org.junit.jupiter.api.Timeout(60)
class DeterministicTest {

    /** Three threads increment a shared counter with a yield between read and write: updates get lost. */
    private static List<String> lostUpdateTrace(HubOptions options) {
        return Green.run(options, () -> {
            List<String> trace = new ArrayList<>();
            int[] counter = new int[1];
            List<GreenThread<Void>> threads = new ArrayList<>();
            for (String name : List.of("a", "b", "c")) {
                threads.add(Green.spawn(() -> {
                    for (int i = 0; i < 5; i++) {
                        int read = counter[0];
                        trace.add(name + " read " + read);
                        Green.cede();
                        counter[0] = read + 1;
                        trace.add(name + " wrote " + (read + 1));
                    }
                }));
            }
            for (GreenThread<Void> t : threads) {
                t.join();
            }
            trace.add("final " + counter[0]);
            return trace;
        });
    }

    @Test
    void theSameSeedGivesTheSameInterleavingEveryTime() {
        Set<List<String>> distinct = new HashSet<>();
        for (long seed = 1; seed <= 20; seed++) {
            HubOptions options = HubOptions.DEFAULT.withRandomSchedule(seed);
            List<String> first = lostUpdateTrace(options);
            for (int run = 0; run < 5; run++) {
                assertEquals(first, lostUpdateTrace(options), "seed " + seed + " run " + run);
            }
            distinct.add(first);
        }
        assertTrue(distinct.size() > 5, "seeds must lead to different interleavings, saw " + distinct.size());
    }

    /** Check-then-act on a map: both threads may insert, a bug only some interleavings show. */
    private static int insertions(HubOptions options) {
        return Green.run(options, () -> {
            Map<String, String> map = new HashMap<>();
            int[] inserted = new int[1];
            List<GreenThread<Void>> threads = new ArrayList<>();
            for (String id : List.of("x", "y")) {
                threads.add(Green.spawn(() -> {
                    Green.cede();
                    if (!map.containsKey("key")) {
                        Green.cede();
                        map.put("key", id);
                        inserted[0]++;
                    }
                }));
            }
            for (GreenThread<Void> t : threads) {
                t.join();
            }
            return inserted[0];
        });
    }

    @Test
    void aSeedThatExposesARaceExposesItAgainOnReplay() {
        Long exposing = null, hiding = null;
        for (long seed = 1; seed <= 200 && (exposing == null || hiding == null); seed++) {
            int n = insertions(HubOptions.DEFAULT.withRandomSchedule(seed));
            if (n == 2 && exposing == null) {
                exposing = seed;
            } else if (n == 1 && hiding == null) {
                hiding = seed;
            }
        }
        assertNotNull(exposing, "some seed exposes the check-then-act race");
        assertNotNull(hiding, "some seed hides it");
        for (int replay = 0; replay < 10; replay++) {
            assertEquals(2, insertions(HubOptions.DEFAULT.withRandomSchedule(exposing)));
            assertEquals(1, insertions(HubOptions.DEFAULT.withRandomSchedule(hiding)));
        }
    }

    @Test
    void pctSchedulesReplayBySeedAndVaryAcrossSeeds() {
        Set<List<String>> distinct = new HashSet<>();
        for (long seed = 1; seed <= 20; seed++) {
            HubOptions options = HubOptions.DEFAULT.withPctSchedule(seed, 3, 50);
            List<String> first = lostUpdateTrace(options);
            for (int run = 0; run < 3; run++) {
                assertEquals(first, lostUpdateTrace(options), "pct seed " + seed + " run " + run);
            }
            distinct.add(first);
        }
        assertTrue(distinct.size() > 5, "seeds must lead to different interleavings, saw " + distinct.size());
        assertEquals("pct:4:3:50", HubOptions.parse("pct:4:3:50", "real").schedule());
        assertEquals(HubOptions.DEFAULT.withPctSchedule(4, 3, 1000), HubOptions.parse("pct:4:3", "real"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> HubOptions.parse("pct:4", "real"));
        assertTrue(bad.getMessage().contains("pct:SEED:DEPTH"), bad.getMessage());
    }

    @Test
    void pctOfDepthOneRunsTheHighestPriorityThreadUntilItBlocks() {
        // No change points: a thread that only cedes stays the highest-priority ready one, so each runs its whole
        // loop alone and no update is lost, whatever the seed. (A uniformly random schedule loses updates.)
        for (long seed = 1; seed <= 10; seed++) {
            List<String> trace = lostUpdateTrace(HubOptions.DEFAULT.withPctSchedule(seed, 1, 100));
            assertEquals("final 15", trace.getLast(), "seed " + seed + ": " + trace);
        }
        assertNotEquals("final 15", lostUpdateTrace(HubOptions.DEFAULT.withRandomSchedule(1)).getLast());
    }

    @Test
    void pctFindsTheCheckThenActRaceAndItsSeedReplaysIt() {
        Long exposing = null;
        for (long seed = 1; seed <= 200 && exposing == null; seed++) {
            if (insertions(HubOptions.DEFAULT.withPctSchedule(seed, 2, 20)) == 2) {
                exposing = seed;
            }
        }
        assertNotNull(exposing, "a depth-2 schedule exposes the check-then-act race");
        for (int replay = 0; replay < 5; replay++) {
            assertEquals(2, insertions(HubOptions.DEFAULT.withPctSchedule(exposing, 2, 20)));
        }
    }

    @Test
    void aFailureUnderARandomScheduleNamesTheSeedToReplay() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Green.run(HubOptions.DEFAULT.withRandomSchedule(7), () -> { throw new IllegalStateException("bug"); }));
        assertEquals(1, e.getSuppressed().length);
        assertTrue(e.getSuppressed()[0].getMessage().contains("-Dgreening.schedule=random:7"), e.getSuppressed()[0].getMessage());
    }

    @Test
    void virtualTimeJumpsToTheNextTimer() {
        HubOptions virtual = HubOptions.DEFAULT.withVirtualClock(true);
        List<String> log = Green.run(virtual, () -> {
            List<String> events = new ArrayList<>();
            long start = Hub.now();
            GreenThread<Void> hourly = Green.spawn(() -> {
                for (int h = 1; h <= 3; h++) {
                    Green.sleep(Duration.ofHours(1));
                    events.add("hour " + h + " at " + TimeUnit.NANOSECONDS.toMinutes(Hub.now() - start) + " min");
                }
            });
            Green.spawn(() -> {
                Green.sleep(Duration.ofMinutes(90));
                events.add("half past at " + TimeUnit.NANOSECONDS.toMinutes(Hub.now() - start) + " min");
            });
            try (Timeout t = Timeout.of(Duration.ofHours(2))) {
                hourly.join();
                events.add("not reached");
            } catch (GreenTimeout e) {
                events.add("timeout at " + TimeUnit.NANOSECONDS.toMinutes(Hub.now() - start) + " min");
            }
            hourly.join();
            return events;
        });
        assertEquals(List.of("hour 1 at 60 min", "half past at 90 min", "timeout at 120 min", "hour 2 at 120 min",
                "hour 3 at 180 min"), log);
        // Three simulated hours in real time: the class-level @Timeout(60) is what fails a clock that does not jump.
    }

    @Test
    void joinCycleIsReportedAndFailsADeterministicRun() {
        GreenDeadlockException e = assertThrows(GreenDeadlockException.class, () ->
                Green.run(HubOptions.DEFAULT.withVirtualClock(true), () -> {
                    @SuppressWarnings("unchecked")
                    GreenThread<Void>[] pair = new GreenThread[2];
                    pair[0] = Green.spawn(() -> { Green.cede(); pair[1].join(); });
                    pair[1] = Green.spawn(() -> { Green.cede(); pair[0].join(); });
                    pair[0].join();
                    return null;
                }));
        assertTrue(e.report().isDeadlocked(), e.getMessage());
        assertEquals(2, e.report().cycles().get(0).size(), e.getMessage());
    }

    @Test
    void workHandedInFromOutsideASeededHubIsReportedOnce() throws Exception {
        try (LogCapture log = LogCapture.of("io.greening.hub");
             Hub hub = Hub.start("seeded-hub", HubOptions.DEFAULT.withRandomSchedule(5))) {
            var records = log.records();
            hub.spawn(() -> { }).join();   // the work that starts a program comes from outside: not reported
            assertEquals(List.of(), records);
            hub.spawn(() -> { }).join();   // later work from this platform thread: outside the hub, reported
            hub.spawn(() -> { }).join();   // once
            assertEquals(1, records.size(), records.toString());
            assertTrue(records.get(0).getMessage().contains("random:5"), records.get(0).getMessage());
            assertTrue(records.get(0).getMessage().contains(Thread.currentThread().getName()), records.get(0).getMessage());
        }
    }

    @Test
    void lockOrderInversionIsFoundOnDemand() throws Exception {
        ReentrantLock first = new ReentrantLock();
        ReentrantLock second = new ReentrantLock();
        try (Hub hub = Hub.start("deadlock-hub")) {
            // lockInterruptibly, so that closing the hub (kill -> interrupt) can end the deadlocked threads
            hub.spawn(() -> { first.lockInterruptibly(); Green.sleep(20); second.lockInterruptibly(); return null; });
            hub.spawn(() -> { second.lockInterruptibly(); Green.sleep(20); first.lockInterruptibly(); return null; });
            DeadlockReport report = hub.findDeadlocks();
            while (!report.isDeadlocked()) {
                Green.sleep(10);
                report = hub.findDeadlocks();
            }
            String text = report.toString();
            assertTrue(text.contains("cycle: deadlock-hub-green-"), text);
            assertTrue(text.contains("ReentrantLock"), text);
        }
    }
}
