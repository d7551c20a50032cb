package io.greening.patch;

import io.greening.GreenInterruptedException;
import io.greening.Hub;
import io.greening.internal.Deadlines;
import io.greening.internal.Parking;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The {@code sleeps} group: on a green thread, {@code Thread.sleep} and {@code TimeUnit.sleep} wait on a hub timer;
 * argument checks, interrupts ({@code InterruptedException}, status cleared) and zero sleeps behave as the JDK's.
 */
public final class SleepPatches {
    private SleepPatches() {}

    /** {@code Thread.sleep(millis)}. */
    public static void sleep(long millis) throws InterruptedException {
        if (Hub.current() == null) {
            Thread.sleep(millis);
            return;
        }
        if (millis < 0) {
            throw new IllegalArgumentException("timeout value is negative");
        }
        sleepNanos(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    /** {@code Thread.sleep(millis, nanos)}. */
    public static void sleep(long millis, int nanos) throws InterruptedException {
        if (Hub.current() == null) {
            Thread.sleep(millis, nanos);
            return;
        }
        if (millis < 0) {
            throw new IllegalArgumentException("timeout value is negative");
        }
        if (nanos < 0 || nanos > 999_999) {
            throw new IllegalArgumentException("nanosecond timeout value out of range");
        }
        long total = TimeUnit.MILLISECONDS.toNanos(millis);
        sleepNanos(total + nanos < 0 ? Long.MAX_VALUE : total + nanos);
    }

    /** {@code Thread.sleep(duration)}. */
    public static void sleep(Duration duration) throws InterruptedException {
        if (Hub.current() == null) {
            Thread.sleep(duration);
            return;
        }
        long nanos = TimeUnit.NANOSECONDS.convert(duration);   // saturates, and throws NPE for null as the JDK does
        if (nanos < 0) {
            return;
        }
        sleepNanos(nanos);
    }

    /** {@code unit.sleep(timeout)}. */
    public static void sleep(TimeUnit unit, long timeout) throws InterruptedException {
        if (Hub.current() == null) {
            unit.sleep(timeout);
            return;
        }
        if (timeout > 0) {
            sleepNanos(unit.toNanos(timeout));
        }
    }

    private static void sleepNanos(long nanos) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("sleep interrupted");
        }
        if (nanos == 0) {
            Thread.yield();
            return;
        }
        long deadline = Deadlines.after(Hub.now(), nanos);
        long millis = TimeUnit.NANOSECONDS.toMillis(nanos);
        GreenThreads.waitingOn(new SleepUntil(millis, System.currentTimeMillis() + millis));
        try {
            while (!Deadlines.hasPassed(deadline)) {
                Parking.parkUntil(deadline);
            }
        } catch (GreenInterruptedException e) {
            throw new InterruptedException("sleep interrupted");
        } finally {
            GreenThreads.waitingOn(null);
        }
    }

    /** A sleep as a thread dump shows it; formatted only then, as most sleeps end unseen. */
    private record SleepUntil(long millis, long endEpochMillis) {
        @Override
        public String toString() {
            return "sleep " + millis + " ms until " + Instant.ofEpochMilli(endEpochMillis);
        }
    }
}
