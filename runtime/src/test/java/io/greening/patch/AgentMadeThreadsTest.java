package io.greening.patch;

import io.greening.GreenThread;
import io.greening.Hub;
import io.greening.diagnostics.StallMonitor;
import io.greening.diagnostics.ThreadDump;
import io.greening.testing.LogCapture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.LogRecord;

import static io.greening.testing.Conditions.waitUntil;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The diagnostics see the green threads the agent makes (stand-ins of started {@code Thread}s), not only those spawned
 * through the API: they are in the same registry. Each stand-in runs on a hub of the test's own, so that nothing
 * another test left on the shared hub keeps it from being quiet.
 */
@Timeout(30)
class AgentMadeThreadsTest {

    @Test
    void aStandInThatKeepsTheCarrierIsNamedWithItsStack() {
        Duration before = StallMonitor.threshold();
        StallMonitor.setThreshold(Duration.ZERO);   // off until the stand-in spins: its start (class loading) is no stall of its own
        AtomicBoolean spinning = new AtomicBoolean();
        List<LogRecord> records;
        try (LogCapture log = LogCapture.of("io.greening.stall"); Hub hub = Hub.start("stall-standin-hub")) {
            records = log.records();
            Thread busy = new Thread(() -> spinUntil(spinning, records), "busy-standin");
            busy.setDaemon(true);
            GreenThreads.startStandIn(busy, hub);
            waitUntil(spinning::get);
            StallMonitor.setThreshold(Duration.ofMillis(50));
            waitUntil(() -> !records.isEmpty());
            ThreadPatchesJoin.join(busy);
        } finally {
            StallMonitor.setThreshold(before);
        }
        LogRecord r = records.get(0);
        assertTrue(r.getMessage().contains("green thread busy-standin (thread)"), r.getMessage());
        boolean spinnerOnStack = false;
        for (StackTraceElement frame : r.getThrown().getStackTrace()) {
            spinnerOnStack |= frame.getMethodName().equals("spinUntil");
        }
        assertTrue(spinnerOnStack, "the report carries the stand-in's own stack, not its carrier's");
    }

    /** Keeps the carrier (no blocking call) until the stall was reported. */
    private static void spinUntil(AtomicBoolean spinning, List<LogRecord> reported) {
        spinning.set(true);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (reported.isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    @Test
    void twoStandInsDeadlockedOnTwoLocksAreReportedAsACycleWhenTheHubIsQuiet() {
        ReentrantLock first = new ReentrantLock();
        ReentrantLock second = new ReentrantLock();
        CountDownLatch bothHoldOne = new CountDownLatch(2);
        Thread a = lockingInOrder("locks-first-then-second", first, second, bothHoldOne);
        Thread b = lockingInOrder("locks-second-then-first", second, first, bothHoldOne);
        List<LogRecord> records;
        try (LogCapture log = LogCapture.of("io.greening.deadlock"); Hub hub = Hub.start("deadlock-standin-hub")) {
            records = log.records();
            GreenThreads.startStandIn(a, hub);
            GreenThreads.startStandIn(b, hub);
            waitUntil(() -> records.stream().anyMatch(r -> r.getMessage().contains("cycle:")));
            ThreadPatches.interrupt(a);   // lockInterruptibly: the interrupt ends the deadlock
            ThreadPatches.interrupt(b);
            ThreadPatchesJoin.join(a);
            ThreadPatchesJoin.join(b);
        }
        String report = records.stream().map(LogRecord::getMessage).filter(m -> m.contains("cycle:")).findFirst().orElseThrow();
        assertTrue(report.contains("hub deadlock-standin-hub: 2 green threads blocked, 1 wait-for cycle(s)"), report);
        assertTrue(report.matches("(?s).*cycle: locks-(first-then-second|second-then-first) -> locks-.*"), report);
        assertTrue(report.contains("\"locks-first-then-second\" thread WAITING waiting on lock java.util.concurrent.locks.ReentrantLock"), report);
        assertTrue(report.contains("held by locks-second-then-first"), report);
        assertTrue(report.contains("held by locks-first-then-second"), report);
    }

    private static Thread lockingInOrder(String name, ReentrantLock one, ReentrantLock two, CountDownLatch bothHoldOne) {
        Thread t = new Thread(() -> {
            try {
                one.lockInterruptibly();
                bothHoldOne.countDown();
                bothHoldOne.await();
                two.lockInterruptibly();
            } catch (InterruptedException expected) {
                // the test ends the deadlock
            }
        }, name);
        t.setDaemon(true);
        return t;
    }

    @Test
    void theDumpListsSpawnedAndAgentMadeThreads() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (Hub hub = Hub.start("dump-hub")) {
            GreenThread<Void> spawned = hub.spawn(() -> {
                Thread.currentThread().setName("dump-spawned");
                release.await();
                return null;
            });
            Thread made = new Thread(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, "dump-agent-made");
            made.setDaemon(true);
            GreenThreads.startStandIn(made, hub);
            String[] dump = new String[1];
            waitUntil(() -> {
                dump[0] = ThreadDump.text();
                return dump[0].contains("\"dump-spawned\" spawned WAITING") && dump[0].contains("\"dump-agent-made\" thread WAITING");
            });
            assertTrue(dump[0].matches("(?s).*\"dump-spawned\" spawned WAITING waiting on lock java.util.concurrent.CountDownLatch\\$Sync@.*"), dump[0]);
            assertTrue(dump[0].matches("(?s).*\"dump-agent-made\" thread WAITING waiting on lock java.util.concurrent.CountDownLatch\\$Sync@.*"), dump[0]);
            release.countDown();
            spawned.join();
            ThreadPatchesJoin.join(made);
        }
    }

    /** Joins through the stand-in, as code the agent greened does; a test thread is never interrupted. */
    private static final class ThreadPatchesJoin {
        static void join(Thread original) {
            try {
                ThreadPatches.join(original);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
