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
        // A waiter that spins on its pending interrupt is RUNNABLE nearly always; a parked one is WAITING every time.
        awaitParked(waiter, setUp);
        for (int look = 0; look < 200; look++) {
            assertEquals(Thread.State.WAITING, waiter.getState(), "the interrupted waiter spins instead of parking");
            Thread.onSpinWait();
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
