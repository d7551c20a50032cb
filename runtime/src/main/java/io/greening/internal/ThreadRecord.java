package io.greening.internal;

import io.greening.GreenThread;

/**
 * What greening knows of one live green thread, however it was made: a {@code GreenThread} spawned through the API,
 * an agent's stand-in for a platform thread or pool worker, the agent's green {@code main}. Kept in its hub's
 * {@link ThreadRegistry}, which quiet and deadlock detection, the stall monitor and the thread dump read.
 *
 * <p>The two hooks are greening's blocking point talking to the thread's owner: {@link Parking#parkUntil} calls
 * {@link #raisePending()} before and after it parks, and {@link #parkedAtBlockingPoint} around the park. A
 * {@code GreenThread} overrides them to raise a kill or a timeout; a record of a thread the agent made keeps them empty.
 */
public class ThreadRecord {
    private final Thread thread;
    private final String kind;
    private volatile String waitingOn;
    /** The registry it is in, or {@code null}: written by the registry, read by anyone. */
    volatile ThreadRegistry registry;

    /**
     * A record of {@code thread}.
     *
     * @param kind how it was made, as the thread dump shows it ({@code spawned}, {@code thread}, {@code pool worker},
     *             {@code main})
     */
    public ThreadRecord(Thread thread, String kind) {
        this.thread = thread;
        this.kind = kind;
    }

    /** The green thread. */
    public final Thread thread() {
        return thread;
    }

    /** How it was made: {@code spawned}, {@code thread}, {@code pool worker} or {@code main}. */
    public final String kind() {
        return kind;
    }

    /** What a patch noted the thread waits on (e.g. {@code sleep 100 ms until ...}), or {@code null}. */
    public final String waitingOn() {
        return waitingOn;
    }

    /** Notes what the thread is about to wait on, or clears it with {@code null}. Called on the thread. */
    public final void noteWaitingOn(String what) {
        waitingOn = what;
    }

    /** Whether it is in a registry now (from its start to its end). */
    public final boolean isRegistered() {
        return registry != null;
    }

    /** Raises what was left for the thread to raise at its next blocking point (a kill, a timeout). Called on the thread. */
    public void raisePending() {
    }

    /** Says whether the thread is parked at greening's blocking point, where a kill needs no interrupt to reach it. */
    public void parkedAtBlockingPoint(boolean parked) {
    }

    /** The record of the current thread, or {@code null} if it is not a registered green thread. */
    public static ThreadRecord current() {
        return ThreadRegistry.lookupCurrent();
    }

    @Override
    public String toString() {
        return "ThreadRecord[" + thread.getName() + ", " + kind + "]";
    }
}
