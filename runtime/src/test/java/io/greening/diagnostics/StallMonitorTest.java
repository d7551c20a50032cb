package io.greening.diagnostics;

import io.greening.Green;
import io.greening.GreenThread;
import io.greening.HubGroup;
import io.greening.internal.Settings;
import io.greening.testing.LogCapture;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.*;

@org.junit.jupiter.api.Timeout(30)
class StallMonitorTest {

    @Test
    void aThreadThatKeepsTheCarrierIsReportedOnceWithItsStack() {
        List<LogRecord> records;
        Duration before = StallMonitor.threshold();
        StallMonitor.setThreshold(Duration.ofMillis(50));
        try (LogCapture log = LogCapture.of("io.greening.stall")) {
            records = log.records();
            Green.run(() -> {
                Green.spawn(() -> spinUntilReportedThenLonger(log.records())).join();
                return null;
            });
        } finally {
            StallMonitor.setThreshold(before);
        }
        assertEquals(1, records.size(), "one stall, one report: " + records);
        LogRecord r = records.get(0);
        assertTrue(r.getMessage().contains("green-"), r.getMessage());
        boolean spinnerOnStack = false;
        for (StackTraceElement frame : r.getThrown().getStackTrace()) {
            spinnerOnStack |= frame.getMethodName().equals("spinUntilReportedThenLonger");
        }
        assertTrue(spinnerOnStack, "the report carries the stalling thread's stack");
    }

    /**
     * While the hubs of a group keep running short tasks (a new one at every look), the monitor looks once per handoff
     * period, not every half period: half the wake-ups, which cost a busy echo server 3-4% of a core
     * (benchmarks/results/echo-i13-keys/monitor-cpu-*.txt). Oversleeping lowers the count; a carrier the OS keeps off
     * its core for a whole look shows the same task twice and brings looks at half a period until a hub moves on,
     * for which the bound leaves a quarter.
     */
    @Test
    void busyHubsThatKeepRunningNewTasksAreLookedAtOncePerHandoffPeriod() {
        long handoff = Settings.get(Settings.HANDOFF).toNanos();
        assertTrue(handoff > 0, "hand-offs are on by default; this test needs them");
        try (HubGroup group = HubGroup.start("short-tasks", 2)) {
            AtomicBoolean stop = new AtomicBoolean();
            List<GreenThread<Void>> workers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {   // more than the hubs: each hub always has a next task
                workers.add(group.spawn(() -> {
                    while (!stop.get()) {
                        long until = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(100);
                        while (System.nanoTime() - until < 0) {
                            Thread.onSpinWait();
                        }
                        Green.cede();
                    }
                }));
            }
            long window = TimeUnit.MILLISECONDS.toNanos(400);
            long looksInWindow;
            try {
                parkFor(TimeUnit.MILLISECONDS.toNanos(50));   // the workers under way on both hubs
                long first = StallMonitor.looks();
                parkFor(window);   // parked, not spinning: the two carriers keep the two cores of a small machine
                looksInWindow = StallMonitor.looks() - first;
            } finally {
                stop.set(true);
            }
            for (GreenThread<Void> worker : workers) {
                assertTrue(worker.join(Duration.ofSeconds(10)));
            }
            long perHandoff = window / handoff;   // 80 at the default 5 ms; looking every half handoff gives 160
            assertTrue(looksInWindow <= perHandoff + perHandoff / 4 + 2, looksInWindow
                    + " looks in 400 ms; at most about one per handoff period (" + perHandoff + ") expected");
        }
    }

    /** Parks for at least {@code nanos}: the window the monitor's looks are counted in (a longer one only lowers it). */
    private static void parkFor(long nanos) {
        long end = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    static void spinUntilReportedThenLonger(List<LogRecord> reported) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (reported.isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        // Keep stalling for several more thresholds: still one report for this one stall.
        long more = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        while (System.nanoTime() < more) {
            Thread.onSpinWait();
        }
    }

    @Test
    void offMeansOff() {
        Duration before = StallMonitor.threshold();
        StallMonitor.setThreshold(Duration.ZERO);
        try (LogCapture log = LogCapture.of("io.greening.stall")) {
            Green.run(() -> {
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                return null;
            });
            assertEquals(List.of(), log.records());
        } finally {
            StallMonitor.setThreshold(before);
        }
    }
}
