package io.greening.sync;

import io.greening.Timeout;
import io.greening.internal.Deadlines;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * A counting semaphore for green threads, eventlet's and gevent's {@code Semaphore}: {@link #acquire()} takes a
 * permit, waiting green while there is none; {@link #release()} gives one back, straight to the longest waiter
 * (FIFO, no barging). Same-hub use has no atomic or lock; other threads use a slower path. A waiter stopped by a
 * kill, {@link Timeout} or interrupt takes no permit with it. Releasing more than acquired is allowed (as in
 * Python); {@link BoundedSemaphore} refuses it.
 */
public class Semaphore extends GreenSync {
    private static final Object PERMIT = Boolean.TRUE;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private int permits;

    /** A semaphore with one permit, Python's default {@code Semaphore()}. */
    public Semaphore() {
        this(1);
    }

    /**
     * A semaphore with {@code permits} permits.
     *
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public Semaphore(int permits) {
        if (permits < 0) {
            throw new IllegalArgumentException("permits must be >= 0: " + permits);
        }
        this.permits = permits;
    }

    /** Takes a permit, waiting until one is free. */
    public void acquire() {
        await(waiters, Deadlines.NO_DEADLINE, null, this::take, this::giveBack);
    }

    /** Takes a permit, waiting at most {@code timeout}; returns whether it got one. */
    public boolean acquire(Duration timeout) {
        return await(waiters, deadline(timeout), null, this::take, this::giveBack) != NOT_YET;
    }

    /** Takes a permit if one is free now (Python's {@code acquire(blocking=False)}); returns whether it did. */
    public boolean tryAcquire() {
        return await(waiters, NO_WAIT, null, this::take, null) != NOT_YET;
    }

    private Object take() {
        if (permits > 0) {
            permits--;
            return PERMIT;
        }
        return NOT_YET;
    }

    private void giveBack(Object permit) {
        releaseOnState();
    }

    /** Gives a permit back, to the longest waiter if any. */
    public void release() {
        guarded(() -> {
            checkRelease(permits);
            releaseOnState();
            return null;
        });
    }

    private void releaseOnState() {
        if (!wakeFirst(waiters, PERMIT)) {
            permits++;
        }
    }

    /** Called on the state before a release; {@link BoundedSemaphore} refuses one too many. */
    void checkRelease(int freePermits) {
    }

    /** How many permits are free now (Python's {@code counter}; waiters never coexist with free permits). */
    public int available() {
        return guarded(() -> permits);
    }

    /** Whether an {@link #acquire()} would wait now. */
    public boolean isLocked() {
        return available() == 0;
    }

    /** How many threads wait for a permit. */
    public int waiting() {
        return guarded(waiters::size);
    }
}
