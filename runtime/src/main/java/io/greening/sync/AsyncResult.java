package io.greening.sync;

import io.greening.internal.Deadlines;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * A value or an exception that arrives once and that any number of threads wait for: gevent's
 * {@code AsyncResult}, and eventlet's {@code Event} ({@code send} is {@link #set}, {@code send_exception} is
 * {@link #setException}, {@code wait} is {@link #get()}). Same-hub use has no atomic or lock; other threads use a
 * slower path.
 *
 * @param <T> the type of the value
 */
public final class AsyncResult<T> extends GreenSync {
    private static final Object READY = Boolean.TRUE;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private boolean ready;
    private T value;
    private Throwable failure;

    /** A result not set yet. */
    public AsyncResult() {
    }

    /**
     * Sets the value and wakes every waiter.
     *
     * @throws IllegalStateException if it was already set
     */
    public void set(T value) {
        complete(value, null);
    }

    /**
     * Sets an exception that {@link #get()} will throw, and wakes every waiter.
     *
     * @throws IllegalStateException if it was already set
     */
    public void setException(Throwable failure) {
        complete(null, java.util.Objects.requireNonNull(failure, "failure"));
    }

    private void complete(T v, Throwable f) {
        guarded(() -> {
            if (ready) {
                throw new IllegalStateException("AsyncResult already set");
            }
            value = v;
            failure = f;
            ready = true;
            wakeAll(waiters, READY);
            return null;
        });
    }

    /** Whether a value or an exception was set. */
    public boolean isReady() {
        return guarded(() -> ready);
    }

    /** Whether a value (not an exception) was set. */
    public boolean isSuccessful() {
        return guarded(() -> ready && failure == null);
    }

    /** The exception set, or {@code null}. */
    public Throwable exception() {
        return guarded(() -> failure);
    }

    /**
     * Waits for the result and returns the value, or throws the exception: a {@link RuntimeException} or
     * {@link Error} as it is, a checked exception wrapped in a {@link CompletionException}.
     */
    public T get() {
        await(waiters, Deadlines.NO_DEADLINE, null, this::check, null);
        return outcome();
    }

    /**
     * Waits at most {@code timeout} for the result; see {@link #get()}.
     *
     * @throws TimeoutException if it was not set in time
     */
    public T get(Duration timeout) throws TimeoutException {
        if (await(waiters, deadline(timeout), null, this::check, null) == NOT_YET) {
            throw new TimeoutException("no result after " + timeout);
        }
        return outcome();
    }

    /** Waits at most {@code timeout} for the result without taking it; returns whether it is ready. */
    public boolean await(Duration timeout) {
        return await(waiters, deadline(timeout), null, this::check, null) != NOT_YET;
    }

    private Object check() {
        return ready ? READY : NOT_YET;
    }

    private T outcome() {
        Throwable f = guarded(() -> failure);
        if (f == null) {
            return guarded(() -> value);
        }
        if (f instanceof RuntimeException e) {
            throw e;
        }
        if (f instanceof Error e) {
            throw e;
        }
        throw new CompletionException(f);
    }
}
