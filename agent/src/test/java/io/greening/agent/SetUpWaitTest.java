package io.greening.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;

/** A class loader waiting for the start's set-up ({@link SetUpWait}) keeps waiting, parked, when interrupted. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SetUpWaitTest {
    @Test
    void anInterruptedWaiterStaysParkedUntilTheStageAndKeepsItsInterrupt() throws InterruptedException {
        SetUpWait setUp = new SetUpWait();
        AtomicBoolean reached = new AtomicBoolean();
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        Thread waiter = new Thread(() -> {
            reached.set(setUp.await(SetUpWait.ROWS));
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        }, "waiting for the rows");
        waiter.start();
        awaitParked(waiter, setUp);
        waiter.interrupt();
        // The interrupt wakes the waiter once. A waiter that parks again holds the interrupt aside (to set it again
        // when it leaves) and is then WAITING at every look; one that spins on its pending interrupt keeps it pending.
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (waiter.isInterrupted()) {
            assertTrue(System.nanoTime() < giveUp, "the interrupted waiter spins on its pending interrupt");
            Thread.onSpinWait();
        }
        awaitParked(waiter, setUp);
        for (int look = 0; look < 1_000; look++) {
            assertEquals(Thread.State.WAITING, waiter.getState(), "the interrupted waiter does not stay parked");
        }
        setUp.reach(SetUpWait.ROWS);
        waiter.join();
        assertTrue(reached.get());
        assertTrue(interruptedAfter.get(), "the interrupt is lost");
    }

    private static void awaitParked(Thread thread, SetUpWait setUp) {
        while (thread.getState() != Thread.State.WAITING || LockSupport.getBlocker(thread) != setUp) {
            Thread.onSpinWait();
        }
    }
}
