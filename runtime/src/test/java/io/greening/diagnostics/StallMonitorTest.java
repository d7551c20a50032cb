package io.greening.diagnostics;

import io.greening.Green;
import io.greening.GreenThread;
import io.greening.Hub;
import io.greening.HubGroup;
import io.greening.internal.Access;
import io.greening.internal.HubCarrier;
import io.greening.internal.MonitorSleep;
import io.greening.internal.Settings;
import io.greening.internal.ThreadCpu;
import io.greening.testing.LogCapture;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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

    /**
     * On a machine with more runnable threads than cores the OS keeps a group hub's carrier off its core for long
     * stretches in the middle of a task. That is no green thread's doing, and the report goes by the time the task
     * held its carrier, as the hand-off does (greened Tomcat's workers were reported at 500 ms of wall time at a load
     * average of 24 on 2 cores): a task that spins for 2.5 thresholds of wall time but got less than a threshold of
     * CPU is not reported, one that keeps computing still is. The competitors are other processes, as in
     * {@code HubGroupTest}: spinning threads of this JVM would hold up its safepoints, a wait in the kernel.
     */
    /** How many times, each with more spinning processes, a case tries to have the OS keep a carrier off its core. */
    private static final int PREEMPTION_ATTEMPTS = 4;

    @Test
    void aGroupHubsTaskThatTheOsKeptOffItsCoreIsNotReportedButOneThatComputesIs() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/thread-self")), "Linux only");
        Duration before = StallMonitor.threshold();
        long threshold = TimeUnit.MILLISECONDS.toNanos(100);
        StallMonitor.setThreshold(Duration.ofNanos(threshold));
        List<Process> spinners = new ArrayList<>();
        try (HubGroup group = HubGroup.start("preempted-report", 1); LogCapture log = LogCapture.of("io.greening.stall")) {
            group.spawn(() -> spinFor(TimeUnit.MILLISECONDS.toNanos(1))).join();   // classes loaded first
            ThreadCpu carrier = ((HubCarrier) group.hubs().getFirst().carrier()).cpu();
            long cpu = Long.MAX_VALUE;
            // the case needs a carrier kept off its core: more competitors until the OS does so (a scheduler can
            // favour a thread that just woke for a while), never a skip
            for (int attempt = 1; attempt <= PREEMPTION_ATTEMPTS && cpu >= threshold * 3 / 4; attempt++) {
                while (spinners.size() < 8 * attempt * Runtime.getRuntime().availableProcessors()) {
                    spinners.add(new ProcessBuilder("sh", "-c", "while :; do :; done").start());
                }
                log.records().clear();   // only the attempt that was kept off its core is judged
                long cpuBefore = carrier.cpuNanos();
                group.spawn(() -> spinFor(threshold * 5 / 2)).join();
                cpu = carrier.cpuNanos() - cpuBefore;
            }
            assertTrue(cpu < threshold * 3 / 4, "the OS never kept the carrier off its core: " + cpu / 1_000_000
                    + " ms of CPU in 250 ms with " + spinners.size() + " spinning processes");
            assertEquals(List.of(), log.records().stream().map(LogRecord::getMessage).toList(),
                    "a task that got " + cpu / 1_000_000 + " ms of CPU in 250 ms is not reported");
            for (Process spinner : spinners) {
                spinner.destroyForcibly().waitFor();
            }
            group.spawn(() -> spinUntilReportedThenLonger(log.records())).join();
            assertEquals(1, log.records().size(), "a task that kept computing is reported: " + log.records());
        } finally {
            StallMonitor.setThreshold(before);
            for (Process spinner : spinners) {
                spinner.destroyForcibly().waitFor();
            }
        }
    }

    private static void spinFor(long nanos) {
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() - until < 0) {
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

    /**
     * Go's sysmon sleeps while nothing runs; so does the monitor: once every hub is idle it stops looking, where it
     * used to back off to a look every 25 ms (40 a second of an idle application's wake-ups). A group that ran and
     * then idles leaves the monitor asleep, its looks flat.
     */
    @Test
    void anIdleGroupLeavesTheMonitorAsleepWithoutLooking() {
        try (HubGroup group = HubGroup.start("idle", 2)) {
            group.spawn(() -> spinFor(TimeUnit.MILLISECONDS.toNanos(1))).join();
            awaitMonitorAsleep();
            long sleepsBefore = StallMonitor.sleeps();
            long looksBefore = StallMonitor.looks();
            parkFor(TimeUnit.MILLISECONDS.toNanos(300));   // twelve looks at the old 25 ms back-off
            assertEquals(looksBefore, StallMonitor.looks(), "no look while every hub is idle");
            assertEquals(sleepsBefore, StallMonitor.sleeps(), "one sleep, not woken meanwhile");
            assertTrue(MonitorSleep.isAsleep());
        }
    }

    /**
     * A hub that becomes busy after the monitor fell asleep wakes it: a driven hub (as {@code Green.run}'s), made
     * while the monitor was awake and driven by its carrier only once the monitor sleeps, that then stalls is still
     * reported.
     */
    @Test
    void aDrivenHubThatStallsAfterTheMonitorFellAsleepIsStillReported() {
        Duration before = StallMonitor.threshold();
        StallMonitor.setThreshold(Duration.ofMillis(50));
        List<LogRecord> records;
        try (LogCapture log = LogCapture.of("io.greening.stall")) {
            records = log.records();
            Hub hub = Access.greening().driven("driven-after-sleep");
            GreenThread<Void> staller = hub.spawn(() -> spinUntilReportedThenLonger(log.records()));
            awaitMonitorAsleep();
            Access.greening().driveUntil(hub, staller::isDead);   // left idle and watched, as HubHandoffTest's
        } finally {
            StallMonitor.setThreshold(before);
        }
        assertEquals(1, records.size(), "the stall after the monitor slept is reported: " + records);
    }

    /** Waits until the monitor sleeps (every hub of the JVM idle), bounded by a deadline. */
    static void awaitMonitorAsleep() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!MonitorSleep.isAsleep()) {
            assertTrue(System.nanoTime() - deadline < 0, "the monitor never slept with every hub idle");
            parkFor(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
