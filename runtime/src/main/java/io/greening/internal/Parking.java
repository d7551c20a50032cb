package io.greening.internal;

import io.greening.GreenInterruptedException;
import io.greening.Hub;
import io.greening.internal.TimerHeap.Timer;

import java.nio.channels.SelectableChannel;
import java.util.concurrent.locks.LockSupport;

/**
 * Greening's blocking point, where its primitives (queues, locks, channels, patched JDK calls) wait: they record the
 * waiter, park here in a loop, and {@link LockSupport#unpark} it when their condition may hold.
 */
public final class Parking {
    private Parking() {}

    /** {@link #parkUntil(long, Object)} with no blocker. */
    public static void parkUntil(long deadline) {
        parkUntil(deadline, null);
    }

    /**
     * Parks the current thread until it is unparked or {@code deadline} ({@link Hub#now()}, or
     * {@link Deadlines#NO_DEADLINE}) passes, recording {@code blocker} as what it waits on (see
     * {@link LockSupport#getBlocker}) for thread dumps and deadlock reports. May return spuriously, so callers loop
     * on their condition. On a green thread the deadline is a timer of its hub, and a pending kill or timeout of a
     * registered thread is raised before and after; on any thread an interrupt raises
     * {@link GreenInterruptedException}.
     */
    public static void parkUntil(long deadline, Object blocker) {
        Thread me = Thread.currentThread();
        Hub hub = Hub.of(me);
        if (hub == null) {
            checkInterrupt();
            if (deadline == Deadlines.NO_DEADLINE) {
                LockSupport.park(blocker);
            } else {
                LockSupport.parkNanos(blocker, deadline - System.nanoTime());
            }
            checkInterrupt();
            return;
        }
        GreeningAccess access = Access.greening();
        ThreadRecord record = access.registry(hub).lookup(me);
        if (record != null) {
            record.raisePending();
        }
        checkInterrupt();
        TimerHeap timers = null;
        Timer timer = null;
        if (deadline != Deadlines.NO_DEADLINE) {
            timers = access.timers(hub);
            timer = timers.add(deadline, me, blocker instanceof SelectableChannel);   // a channel's wait: real I/O
        }
        if (record != null) {
            record.parkedAtBlockingPoint(true);
        }
        try {
            LockSupport.park(blocker);
        } finally {
            if (record != null) {
                record.parkedAtBlockingPoint(false);
            }
            if (timer != null) {
                timers.cancel(timer);
            }
        }
        if (record != null) {
            record.raisePending();
        }
        checkInterrupt();
    }

    private static void checkInterrupt() {
        if (Thread.interrupted()) {
            throw new GreenInterruptedException();
        }
    }
}
