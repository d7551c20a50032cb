package io.greening.sync;

import io.greening.internal.Deadlines;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * A flag that green threads wait on, gevent's {@code Event}: {@link #set()} wakes every waiter and lets later
 * {@link #await()}s pass until {@link #clear()}. For a one-shot value or exception, use {@link AsyncResult}
 * (eventlet's {@code Event}). Same-hub use has no atomic or lock; other threads use a slower path.
 */
public final class Event extends GreenSync {
    private static final Object SET = Boolean.TRUE;
    /** Handed to the waiters {@link #set()} wakes: each tells {@link #ran()} once it runs. */
    private static final Object WOKEN = new Object();
    /** What {@link #check()} returns to a newcomer while waiters that {@link #set()} woke have not run yet. */
    private static final Object BEHIND_WOKEN = new Object();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    /** Newcomers that found the flag set while woken waiters had not run yet; they go once those have. */
    private final ArrayDeque<Waiter> latecomers = new ArrayDeque<>();
    private boolean flag;
    private int wokenNotRun;

    /** A cleared event. */
    public Event() {
    }

    /** Sets the flag and wakes every waiter; they run before any thread that waits on it from now on. */
    public void set() {
        guarded(() -> {
            flag = true;
            wokenNotRun += waiters.size();
            wakeAll(waiters, WOKEN);
            return null;
        });
    }

    /**
     * Clears the flag: later waits block until the next {@link #set()}. Waiters that a {@code set()} woke before
     * still return (as in gevent, they were woken while it was set).
     */
    public void clear() {
        guarded(() -> flag = false);
    }

    /** Whether the flag is set. */
    public boolean isSet() {
        return guarded(() -> flag);
    }

    /**
     * Waits until the flag is set. If it is set already, returns at once, unless waiters that {@link #set()} woke
     * have not run yet: then it waits for them, so it never runs ahead of them (gevent #1520).
     */
    public void await() {
        awaitUntil(Deadlines.NO_DEADLINE);
    }

    /**
     * Waits at most {@code timeout} for the flag; returns whether it was set. As {@link #await()}, it lets woken
     * waiters run first, for at most {@code timeout}.
     */
    public boolean await(Duration timeout) {
        return awaitUntil(deadline(timeout));
    }

    private boolean awaitUntil(long deadline) {
        Object outcome = await(waiters, deadline, null, this::check, woken -> ranNow());
        if (outcome == WOKEN) {
            ran();
        } else if (outcome == BEHIND_WOKEN) {
            await(latecomers, deadline, null, () -> wokenNotRun == 0 ? SET : NOT_YET, null);
        }
        return outcome != NOT_YET;
    }

    private Object check() {
        if (!flag) {
            return NOT_YET;
        }
        return wokenNotRun > 0 ? BEHIND_WOKEN : SET;
    }

    /** A waiter that set() woke has run (or left, killed): once all have, latecomers go. */
    private void ran() {
        guarded(this::ranNow);
    }

    private Object ranNow() {
        if (--wokenNotRun == 0) {
            wakeAll(latecomers, SET);
        }
        return null;
    }
}
