package io.greening.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Timeout(60)
class ThreadCpuTest {
    private static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(20);

    @Test
    void aSpinningThreadGainsCpuTimeAndDoesNotWaitInTheKernelWhileASleepingOneDoes() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/thread-self")), "Linux only");
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<ThreadCpu> spinnerCpu = new CompletableFuture<>();
        CompletableFuture<ThreadCpu> sleeperCpu = new CompletableFuture<>();
        CountDownLatch never = new CountDownLatch(1);
        Thread spinner = Thread.ofPlatform().daemon().start(() -> {
            try (ThreadCpu mine = ThreadCpu.ofCurrentThread()) {
                spinnerCpu.complete(mine);
                while (!stop.get()) {
                    Thread.onSpinWait();
                }
            }
        });
        Thread sleeper = Thread.ofPlatform().daemon().start(() -> {
            try (ThreadCpu mine = ThreadCpu.ofCurrentThread()) {
                sleeperCpu.complete(mine);
                never.await();   // a futex wait in the kernel
            } catch (InterruptedException ended) {
                // the test ends
            }
        });
        try {
            ThreadCpu spinning = spinnerCpu.get();
            ThreadCpu sleeping = sleeperCpu.get();
            long start = spinning.cpuNanos();
            assertTrue(start >= 0, "the spinner's CPU time is known: " + start);
            long deadline = System.nanoTime() + PATIENCE_NANOS;
            while (spinning.cpuNanos() - start < TimeUnit.MILLISECONDS.toNanos(20) && System.nanoTime() - deadline < 0) {
                Thread.sleep(1);
            }
            assertTrue(spinning.cpuNanos() - start >= TimeUnit.MILLISECONDS.toNanos(20), "the spinner's CPU time grew");
            assertFalse(spinning.waitsInKernel(), "a spinning thread runs or waits for a core, not in the kernel");
            while (!sleeping.waitsInKernel() && System.nanoTime() - deadline < 0) {
                Thread.sleep(1);
            }
            assertTrue(sleeping.waitsInKernel(), "a thread that awaits a latch waits in the kernel");
        } finally {
            stop.set(true);
            sleeper.interrupt();
            spinner.join();
            sleeper.join();
        }
        assertEquals(-1, spinnerCpu.get().cpuNanos(), "closed: unknown");
        assertFalse(sleeperCpu.get().waitsInKernel(), "closed: unknown");
    }

    @Test
    void anUnknownThreadSaysNothing() {
        assertEquals(-1, ThreadCpu.unknown().cpuNanos());
        assertFalse(ThreadCpu.unknown().waitsInKernel());
    }
}
