package io.greening.junit;

import io.greening.Green;
import io.greening.GreenThread;
import io.greening.Hub;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

@org.junit.jupiter.api.Timeout(60)
class GreenedExtensionTest {

    @Test
    @Greened
    void theBodyRunsAsAGreenThread() {
        assertTrue(Green.isGreen());
        assertNotNull(Green.current());
    }

    @Test
    @Greened(virtualTime = true)
    void anHourOfVirtualSleepTakesNoRealHour() {
        long start = Hub.now();
        Green.sleep(Duration.ofHours(1));   // real time: bounded by the class's @Timeout(60), which fails a real hour
        assertTrue(Hub.now() - start >= Duration.ofHours(1).toNanos());
    }

    /** A racy test, run by the test kit below and not directly (the engine filter excludes nested classes here). */
    static class RacyCounter {
        @Test
        @Greened(schedule = Greened.Schedule.RANDOM, seed = 1, repeat = 50)
        void counterIsExact() {
            int[] counter = new int[1];
            List<GreenThread<Void>> threads = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                threads.add(Green.spawn(() -> {
                    int read = counter[0];
                    Green.cede();
                    counter[0] = read + 1;
                }));
            }
            threads.forEach(GreenThread::join);
            assertEquals(2, counter[0]);
        }
    }

    /** The same race under PCT, run by the test kit below. */
    static class RacyCounterUnderPct {
        @Test
        @Greened(schedule = Greened.Schedule.PCT, seed = 1, repeat = 50, pctDepth = 2, pctSteps = 10)
        void counterIsExact() {
            new RacyCounter().counterIsExact();
        }
    }

    @Test
    void pctFindsTheRaceAndNamesItsSeed() {
        Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(RacyCounterUnderPct.class)).execute().testEvents();
        tests.assertStatistics(stats -> stats.started(1).failed(1));
        Throwable thrown = tests.failed().stream().findFirst().orElseThrow()
                .getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
        assertTrue(thrown.getMessage().contains("schedule=pct:"), thrown.getMessage());
        assertTrue(thrown.getMessage().contains("replay with @Greened(schedule = PCT, seed = "), thrown.getMessage());
    }

    @Test
    void aFailingRepetitionNamesTheSeedThatReplaysIt() {
        Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(RacyCounter.class)).execute().testEvents();
        tests.assertStatistics(stats -> stats.started(1).failed(1));
        Event failed = tests.failed().stream().findFirst().orElseThrow();
        Throwable thrown = failed.getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
        assertTrue(thrown.getMessage().contains("schedule=random:"), thrown.getMessage());
        assertTrue(thrown.getMessage().contains("replay with @Greened(schedule = RANDOM, seed = "), thrown.getMessage());
    }
}
