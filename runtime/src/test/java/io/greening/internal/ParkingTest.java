package io.greening.internal;

import io.greening.Hub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class ParkingTest {

    /**
     * A waiter checks its condition, then parks; the unpark that says the condition holds may come while it adds its
     * deadline's timer, whose lock another carrier of a group holds (firing that hub's timers, or cancelling a moved
     * thread's). Taking that lock must not consume the unpark, or the wait lasts until its deadline: the lost wake-up
     * that left a keep-alive connection of the HTTP server on a group unanswered.
     */
    @Test
    @Timeout(60)
    void anUnparkWhileTheTimerLockIsTakenStillEndsTheWait() throws Exception {
        Hub hub = Hub.start("parking-timer-lock");
        try {
            TimerHeap timers = Access.greening().timers(hub);
            AtomicReference<Thread> waiter = new AtomicReference<>();
            AtomicBoolean lockTaken = new AtomicBoolean();
            CountDownLatch parkEnded = new CountDownLatch(1);
            hub.spawn(() -> {
                waiter.set(Thread.currentThread());
                // keeps the carrier until the lock is taken, so that the hub's own loop is not the one waiting for it
                spinUntil(lockTaken::get, "the test to take the timer lock");
                Parking.parkUntil(Deadlines.after(Duration.ofSeconds(50)));
                parkEnded.countDown();
            });
            spinUntil(() -> waiter.get() != null, "the waiter to start");
            timers.lock();   // held by another thread, as a hub of a group firing this hub's due timers
            try {
                lockTaken.set(true);
                spinUntil(() -> isAddingATimer(waiter.get()), "the waiter to add its timer");
                LockSupport.unpark(waiter.get());   // the wake-up its wait's condition was waiting for
            } finally {
                timers.unlock();
            }
            assertTrue(parkEnded.await(20, TimeUnit.SECONDS),
                    "the unpark sent while the waiter took the timer lock ended its park before the deadline");
        } finally {
            hub.close();
        }
    }

    private static boolean isAddingATimer(Thread thread) {
        return Arrays.stream(thread.getStackTrace())
                .anyMatch(frame -> frame.getClassName().equals(TimerHeap.class.getName()) && frame.getMethodName().equals("add"));
    }

    /** Spins (a wait that takes no park permit) until {@code condition} holds, failing after 20 s. */
    private static void spinUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting for " + what);
            }
            Thread.onSpinWait();
        }
    }
}
