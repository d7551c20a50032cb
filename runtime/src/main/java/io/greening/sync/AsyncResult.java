package io.greening.sync;

import io.greening.GreenThread;
import io.greening.internal.Deadlines;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A value or an exception that arrives once and that any number of threads wait for: gevent's
 * {@code AsyncResult}, and eventlet's {@code Event} ({@code send} is {@link #set}, {@code send_exception} is
 * {@link #setException}, {@code wait} is {@link #get()}). Same-hub use has no atomic or lock; other threads use a
 * slower path.
 *
 * @param <T> the type of the value
 */
public final class AsyncResult<T> extends GreenSync implements Consumer<GreenThread<? extends T>> {
    /** What was set, handed to the waiters it wakes: they return it even if {@link #reset()} comes before they run. */
    private record Settled(Object value, Throwable failure) {
    }

    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    /** What was set, or {@code null} while unset. */
    private Settled settled;

    /** A result not set yet. */
    public AsyncResult() {
    }

    /**
     * Sets the value and wakes every waiter.
     *
     * @throws IllegalStateException if it was already set (and not {@linkplain #reset() reset} since)
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
            if (settled != null) {
                throw new IllegalStateException("AsyncResult already set");
            }
            settled = new Settled(v, f);
            wakeAll(waiters, settled);
            return null;
        });
    }

    /**
     * Sets it from a dead green thread, so that an {@code AsyncResult} can be given to {@link GreenThread#link} as
     * gevent's can ({@code g.link(result)}): the thread's value if it returned, else what it died of, which
     * {@link #get()} then throws as {@link GreenThread#get()} would (a killed thread's {@link io.greening.GreenletExit}
     * too; gevent sets the {@code GreenletExit} as the value).
     *
     * @throws IllegalStateException if {@code thread} is still alive, or this result was already set
     */
    @Override
    public void accept(GreenThread<? extends T> thread) {
        if (!thread.isDead()) {
            throw new IllegalStateException("an AsyncResult is set from a dead green thread: " + thread);
        }
        T value;
        try {
            value = thread.get();
        } catch (RuntimeException | Error failure) {
            // get() wraps a checked failure in a CompletionException; exception() has the original
            setException(thread.exception() != null ? thread.exception() : failure);
            return;
        }
        set(value);
    }

    /**
     * Makes it unset again, so that it can be set anew (eventlet's {@code Event.reset}); later waits wait for the
     * next value.
     *
     * @throws IllegalStateException if it is not set (eventlet raises an {@code AssertionError})
     */
    public void reset() {
        guarded(() -> {
            if (settled == null) {
                throw new IllegalStateException("reset() of an AsyncResult that was not set");
            }
            settled = null;
            return null;
        });
    }

    /** Whether a value or an exception was set. */
    public boolean isReady() {
        return guarded(() -> settled != null);
    }

    /** Whether a value (not an exception) was set. */
    public boolean isSuccessful() {
        return guarded(() -> settled != null && settled.failure == null);
    }

    /** The exception set, or {@code null}. */
    public Throwable exception() {
        return guarded(() -> settled == null ? null : settled.failure);
    }

    /**
     * Waits for the result and returns the value, or throws the exception: a {@link RuntimeException} or
     * {@link Error} as it is, a checked exception wrapped in a {@link CompletionException}.
     */
    public T get() {
        return outcome(await(waiters, Deadlines.NO_DEADLINE, null, this::check, null));
    }

    /**
     * Waits at most {@code timeout} for the result; see {@link #get()}.
     *
     * @throws TimeoutException if it was not set in time
     */
    public T get(Duration timeout) throws TimeoutException {
        Object settled = await(waiters, deadline(timeout), null, this::check, null);
        if (settled == NOT_YET) {
            throw new TimeoutException("no result after " + timeout);
        }
        return outcome(settled);
    }

    /** Waits at most {@code timeout} for the result without taking it; returns whether it is ready. */
    public boolean await(Duration timeout) {
        return await(waiters, deadline(timeout), null, this::check, null) != NOT_YET;
    }

    private Object check() {
        return settled != null ? settled : NOT_YET;
    }

    @SuppressWarnings("unchecked")
    private T outcome(Object settled) {
        Settled outcome = (Settled) settled;
        Throwable f = outcome.failure;
        if (f == null) {
            return (T) outcome.value;
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
