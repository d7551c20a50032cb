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
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private boolean flag;

    /** A cleared event. */
    public Event() {
    }

    /** Sets the flag and wakes every waiter. */
    public void set() {
        guarded(() -> {
            flag = true;
            wakeAll(waiters, SET);
            return null;
        });
    }

    /** Clears the flag: later waits block until the next {@link #set()}. */
    public void clear() {
        guarded(() -> flag = false);
    }

    /** Whether the flag is set. */
    public boolean isSet() {
        return guarded(() -> flag);
    }

    /** Waits until the flag is set (at once if it is). */
    public void await() {
        await(waiters, Deadlines.NO_DEADLINE, null, this::check, null);
    }

    /** Waits at most {@code timeout} for the flag; returns whether it was set. */
    public boolean await(Duration timeout) {
        return await(waiters, deadline(timeout), null, this::check, null) != NOT_YET;
    }

    private Object check() {
        return flag ? SET : NOT_YET;
    }
}
