package io.greening.internal;

import java.time.Instant;

/**
 * A hub's clock: real ({@link System#nanoTime()}, the system's wall clock) or virtual. A virtual clock stands still
 * while green threads run and jumps to the next timer when nothing else can happen (the hub's loop decides when);
 * its wall-clock time is the wall time it started at plus the virtual time elapsed since, at full nanosecond
 * precision. Read from any thread; advanced by the hub's carrier only.
 */
public final class HubClock {
    private final boolean virtual;
    private final long startNanos;
    /** The wall-clock time the clock started at, in nanoseconds since the epoch. */
    private final long startEpochNanos;
    private volatile long virtualNow;

    /** A real clock, or a virtual one starting at the current time. */
    public HubClock(boolean virtual) {
        this.virtual = virtual;
        Instant start = Instant.now();
        this.startNanos = System.nanoTime();
        this.startEpochNanos = start.getEpochSecond() * 1_000_000_000L + start.getNano();
        this.virtualNow = startNanos;
    }

    /** Whether time is virtual. */
    public boolean isVirtual() {
        return virtual;
    }

    /** The time in nanoseconds, as {@link System#nanoTime()} counts it: virtual or real. */
    public long now() {
        return virtual ? virtualNow : System.nanoTime();
    }

    /** The wall-clock time in milliseconds: {@link System#currentTimeMillis()} unless virtual. */
    public long currentTimeMillis() {
        return virtual ? Math.floorDiv(virtualEpochNanos(), 1_000_000) : System.currentTimeMillis();
    }

    /** The wall-clock instant: {@link Instant#now()} (the system clock's precision) unless virtual. */
    public Instant instant() {
        return virtual ? Instant.ofEpochSecond(0, virtualEpochNanos()) : Instant.now();
    }

    private long virtualEpochNanos() {
        return startEpochNanos + (virtualNow - startNanos);
    }

    /** Moves virtual time forward to {@code time}, never back. Carrier only. */
    public void advanceTo(long time) {
        if (time - virtualNow > 0) {
            virtualNow = time;
        }
    }
}
