package io.greening.internal;

import io.greening.Hub;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Deadlines of greening's blocking calls: points on the caller's hub clock ({@link Hub#now()}: virtual time on a hub
 * that keeps it, else {@link System#nanoTime()}), which like {@code nanoTime} may wrap, so deadlines are compared by
 * subtraction ({@code deadline - now > 0}: still ahead). The one place where a deadline is computed. It saturates: a
 * wait too long to count in nanoseconds is the longest one there is (about 292 years), a deadline never lands in the
 * past however long the wait, and it is never the {@link #NO_DEADLINE} marker.
 */
public final class Deadlines {
    /** A deadline meaning "no deadline": wait until woken. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    private Deadlines() {}

    /**
     * The deadline {@code nanos} after {@code now}; a negative {@code nanos} counts as zero. The sum may wrap, as the
     * clock does: compared by subtraction it is still {@code nanos} ahead of {@code now}. It is never
     * {@link #NO_DEADLINE}: one nanosecond earlier instead, so that it stays a timer.
     */
    public static long after(long now, long nanos) {
        long deadline = now + Math.max(0, nanos);
        return deadline == NO_DEADLINE ? NO_DEADLINE - 1 : deadline;
    }

    /** The deadline {@code delay} from now on the caller's hub clock; a delay too long to count in nanoseconds saturates. */
    public static long after(Duration delay) {
        return after(Hub.now(), saturatedNanos(delay));
    }

    /**
     * The deadline of a socket timeout: {@code millis} from now on the caller's hub clock, or {@link #NO_DEADLINE} if
     * {@code millis} is 0 or less.
     */
    public static long afterTimeoutMillis(long millis) {
        return millis > 0 ? after(Hub.now(), TimeUnit.MILLISECONDS.toNanos(millis)) : NO_DEADLINE;
    }

    /** Whether {@code deadline} has passed on the caller's hub clock; never for {@link #NO_DEADLINE}. */
    public static boolean hasPassed(long deadline) {
        return deadline != NO_DEADLINE && deadline - Hub.now() <= 0;
    }

    /** Nanoseconds left until {@code deadline} on the caller's hub clock, at least 0; {@link Long#MAX_VALUE} for none. */
    public static long nanosLeft(long deadline) {
        return deadline == NO_DEADLINE ? Long.MAX_VALUE : Math.max(0, deadline - Hub.now());
    }

    /**
     * A wait of {@code nanos} as a {@code select} timeout in milliseconds: rounded up, so that a timer never fires
     * early, and at least 1, since {@code select(0)} means "no timeout".
     */
    public static long selectMillis(long nanos) {
        return Math.max(1, nanos / 1_000_000 + (nanos % 1_000_000 > 0 ? 1 : 0));
    }

    private static long saturatedNanos(Duration delay) {
        try {
            return delay.toNanos();
        } catch (ArithmeticException tooLong) {
            return delay.isNegative() ? 0 : Long.MAX_VALUE;
        }
    }
}
