package io.greening;

import io.greening.internal.Deadlines;
import io.greening.internal.TimerHeap;
import io.greening.internal.TimerHeap.Timer;

import java.time.Duration;

/**
 * A deadline for the green thread that opens it, as gevent's {@code Timeout}: once it expires, a
 * {@link GreenTimeout} is raised in that thread at its next blocking point. Use it as a scope:
 *
 * <pre>{@code
 * try (Timeout t = Timeout.of(Duration.ofSeconds(5))) {
 *     reply = queue.take();
 * } catch (GreenTimeout e) {
 *     if (!e.isFrom(t)) throw e;   // an enclosing timeout: not ours to handle
 * }
 * }</pre>
 *
 * Timeouts nest; a timeout that was closed never fires, even if it expired while its thread was busy.
 */
public final class Timeout implements AutoCloseable {
    private final Duration duration;
    private final GreenThread<?> owner;
    /** What to raise instead of a {@link GreenTimeout}, or {@code null}. */
    private final RuntimeException exception;
    /** The timers of the hub it was opened on (in a group, the hub the owner ran on then), which wakes the owner. */
    private TimerHeap timers;
    private Timer timer;
    private volatile boolean expired;   // written where its timer fires (in a group, maybe another carrier)

    private Timeout(Duration duration, GreenThread<?> owner, RuntimeException exception) {
        this.duration = duration;
        this.owner = owner;
        this.exception = exception;
    }

    /**
     * Starts a timeout of {@code duration} for the current green thread; {@code null} is a timeout that never
     * fires (gevent's and eventlet's {@code Timeout(None)}), so that code taking an optional limit needs no branch.
     *
     * @throws IllegalStateException if the current thread is not a green thread spawned by greening
     */
    public static Timeout of(Duration duration) {
        return start(duration, null);
    }

    /**
     * Starts a timeout of {@code duration} for the current green thread that raises {@code exception} instead of a
     * {@link GreenTimeout}, as gevent's {@code Timeout(seconds, exception)}: catch your own exception to handle it.
     * A {@code null} duration never fires, as in {@link #of(Duration)}.
     *
     * @throws IllegalStateException if the current thread is not a green thread spawned by greening
     */
    public static Timeout of(Duration duration, RuntimeException exception) {
        return start(duration, java.util.Objects.requireNonNull(exception, "exception"));
    }

    private static Timeout start(Duration duration, RuntimeException exception) {
        GreenThread<?> owner = GreenThread.current();
        if (owner == null) {
            throw new IllegalStateException("Timeout works on green threads only; " + Thread.currentThread() + " is not one");
        }
        Timeout timeout = new Timeout(duration, owner, exception);
        if (duration == null) {
            return timeout;   // never fires: no timer, and close() has nothing to cancel
        }
        timeout.timers = Hub.current().timers;   // the running hub's loop sees the new deadline before it next waits
        timeout.timer = timeout.timers.add(Deadlines.after(duration), (Runnable) timeout::expire);
        return timeout;
    }

    /** How long it was set for; {@code null} for one that never fires. */
    public Duration duration() {
        return duration;
    }

    private void expire() {
        expired = true;
        owner.timeoutExpired(this);
    }

    /** What it raises once expired: the caller's exception given to {@link #of(Duration, RuntimeException)}, else a new {@link GreenTimeout}. */
    Throwable toRaise() {
        return exception != null ? exception : new GreenTimeout(this);
    }

    /** Whether it expired before it was closed (whether or not its {@link GreenTimeout} was raised yet). */
    public boolean isExpired() {
        return expired;
    }

    /**
     * Cancels it: it will not fire, and if it expired without being raised yet, it will not be raised.
     *
     * @throws IllegalStateException if called from another thread than the one that opened it
     */
    @Override
    public void close() {
        if (timer == null) {
            return;
        }
        if (Thread.currentThread() != owner.thread()) {
            throw new IllegalStateException("a Timeout is closed by the green thread that opened it");
        }
        timers.cancel(timer);
        owner.withdrawTimeout(this);
        timer = null;
    }

    @Override
    public String toString() {
        return "Timeout[" + (duration == null ? "never" : duration) + "]";
    }
}
