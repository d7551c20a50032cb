package io.greening.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import io.greening.GreenThread;

/**
 * What greening knows of one live green thread, however it was made: a {@code GreenThread} spawned through the API,
 * an agent's stand-in for a platform thread or pool worker, the agent's green {@code main}. Kept in its hub's
 * {@link ThreadRegistry}, which quiet and deadlock detection, the stall monitor and the thread dump read.
 *
 * <p>It also holds what greening's blocking point ({@link Parking#parkUntil}) checks on every park, so that the check
 * is a field read: what is pending for the thread to raise there (a kill, a timeout; only a {@code GreenThread} has
 * any, and it says by overriding {@link #toRaise} what each becomes), and whether it is parked there now.
 */
public class ThreadRecord {
    private static final VarHandle AT_BLOCKING_POINT =
            VarHandles.field(MethodHandles.lookup(), ThreadRecord.class, "atBlockingPoint", boolean.class);

    private final Thread thread;
    private final Thread identity;
    private final String kind;
    private volatile String waitingOn;
    private volatile Object pending;
    @SuppressWarnings("unused")
    private boolean atBlockingPoint;   // release/acquire through AT_BLOCKING_POINT
    /** The registry it is in, or {@code null}: written by the registry, read by anyone. */
    volatile ThreadRegistry registry;

    /**
     * A record of {@code thread}.
     *
     * @param kind how it was made, as the thread dump shows it ({@code spawned}, {@code thread}, {@code pool worker},
     *             {@code main})
     */
    public ThreadRecord(Thread thread, String kind) {
        this(thread, kind, thread);
    }

    /**
     * A record of {@code thread}, which runs for {@code identity}: the {@code Thread} object the application made and
     * started (or its thread factory made), which the agent's {@code Thread.currentThread()} returns on it.
     */
    public ThreadRecord(Thread thread, String kind, Thread identity) {
        this.thread = thread;
        this.kind = kind;
        this.identity = identity;
    }

    /** The green thread. */
    public final Thread thread() {
        return thread;
    }

    /**
     * The {@code Thread} the application sees as this green thread: the object it started for an agent's stand-in,
     * else the green thread itself.
     */
    public final Thread identity() {
        return identity;
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

    /** What the thread is to raise at its next blocking point, or {@code null}. */
    public final Object pending() {
        return pending;
    }

    /** Leaves {@code what} for the thread to raise at its next blocking point (see {@link #toRaise}). */
    public final void setPending(Object what) {
        pending = what;
    }

    /** Clears what is pending if it is still {@code what}. */
    public final void withdrawPending(Object what) {
        if (pending == what) {
            pending = null;
        }
    }

    /** Raises, once, what is pending for the thread. Called on the thread, by the blocking point before and after a park. */
    public final void raisePending() {
        Object what = pending;
        if (what == null) {
            return;
        }
        pending = null;
        Throwable raised = toRaise(what);
        if (raised instanceof RuntimeException e) {
            throw e;
        }
        throw (Error) raised;
    }

    /**
     * What raising {@code what} throws: {@code what} itself by default, which must then be a {@link RuntimeException} or
     * an {@link Error}. A {@code GreenThread} turns its kill and timeout markers into fresh exceptions here.
     */
    protected Throwable toRaise(Object what) {
        return (Throwable) what;
    }

    /** Says whether the thread is parked at greening's blocking point, where a kill needs no interrupt to reach it. */
    public final void parkedAtBlockingPoint(boolean parked) {
        AT_BLOCKING_POINT.setRelease(this, parked);
    }

    /** Whether the thread is parked at greening's blocking point now. */
    public final boolean isParkedAtBlockingPoint() {
        return (boolean) AT_BLOCKING_POINT.getAcquire(this);
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
