package io.greening.sync;

import io.greening.internal.Deadlines;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * A reentrant lock for green threads, eventlet's and gevent's {@code RLock}: its owner may acquire it again and
 * must release it as many times; others wait green, in FIFO order (a release hands the lock straight to the
 * longest waiter). Same-hub use has no atomic or lock; other threads use a slower path. Usable in
 * try-with-resources through {@link #lock()}.
 */
public final class RLock extends GreenSync {
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private Thread owner;
    private int holds;

    /** An unlocked lock. */
    public RLock() {
    }

    /** What {@link #lock()} returns: releases the lock once when closed. */
    public interface Held extends AutoCloseable {
        /** Releases the lock once. */
        @Override
        void close();
    }

    /** Acquires the lock, waiting while another thread holds it. */
    public void acquire() {
        Thread me = Thread.currentThread();
        await(waiters, Deadlines.NO_DEADLINE, me, () -> take(me), this::giveBack);
    }

    /** Acquires the lock, waiting at most {@code timeout}; returns whether it did. */
    public boolean acquire(Duration timeout) {
        Thread me = Thread.currentThread();
        return await(waiters, deadline(timeout), me, () -> take(me), this::giveBack) != NOT_YET;
    }

    /** Acquires the lock if that needs no waiting; returns whether it did. */
    public boolean tryAcquire() {
        Thread me = Thread.currentThread();
        return await(waiters, NO_WAIT, me, () -> take(me), null) != NOT_YET;
    }

    /** Acquires the lock and returns a handle that releases it: {@code try (var held = lock.lock()) { ... }}. */
    public Held lock() {
        acquire();
        return this::release;
    }

    private Object take(Thread me) {
        if (owner == null) {
            owner = me;
            holds = 1;
            return me;
        }
        if (owner == me) {
            holds++;
            return me;
        }
        return NOT_YET;
    }

    /** A waiter that was handed the lock but left by an exception: pass it on. */
    private void giveBack(Object handedTo) {
        holds = 0;
        owner = null;
        handOn();
    }

    /**
     * Releases the lock once; the last release hands it to the longest waiter.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold it
     */
    public void release() {
        Thread me = Thread.currentThread();
        guarded(() -> {
            if (owner != me) {
                throw new IllegalMonitorStateException("RLock released by " + me + ", which does not hold it");
            }
            if (--holds == 0) {
                owner = null;
                handOn();
            }
            return null;
        });
    }

    private void handOn() {
        Waiter next = waiters.pollFirst();
        if (next != null) {
            owner = (Thread) next.value;   // a waiter carries its own thread
            holds = 1;
            wake(next, owner);
        }
    }

    /** Whether the calling thread holds the lock. */
    public boolean isHeldByCurrentThread() {
        Thread me = Thread.currentThread();
        return guarded(() -> owner == me);
    }

    /** Whether any thread holds the lock. */
    public boolean isLocked() {
        return guarded(() -> owner != null);
    }
}
