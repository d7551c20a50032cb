package io.greening.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * What greening knows of one live green thread, however it was made: a {@code GreenThread} spawned through the API,
 * an agent's stand-in for a platform thread or pool worker, the agent's green {@code main}. Kept in its hub's
 * {@link ThreadRegistry}, which quiet and deadlock detection, the stall monitor and the thread dump read.
 *
 * <p>It also holds what greening's blocking points check on every wait, so that the check is a field read: what is
 * pending for the thread to raise (a kill, a timeout; only a {@code GreenThread} has any, and it says by overriding
 * {@link #toRaise} what each becomes), and where the thread waits now, which tells {@link #deliver} how to reach it:
 *
 * <ul>
 *   <li>parked at greening's own blocking point ({@link Parking#parkUntil}): an unpark is enough;</li>
 *   <li>in a JDK blocking call the agent rewrote ({@link JdkWaits}): an interrupt ends the call, and the rewritten call
 *       raises what is pending in place of the {@code InterruptedException};</li>
 *   <li>anywhere else (running, or in a JDK call nobody rewrote): a kill interrupts, since that is the only way to stop
 *       such a call; a timeout does not (an interrupt closes a JDK socket, for one), and waits for the next blocking
 *       point.</li>
 * </ul>
 *
 * An interrupt that {@link #deliver} sent is taken back when what it delivered is raised or withdrawn, so the
 * application never sees it; what it delivered stays pending until raised, so an interrupt the application swallows
 * loses nothing.
 */
public class ThreadRecord {
    private static final VarHandle PENDING =
            VarHandles.field(MethodHandles.lookup(), ThreadRecord.class, "pending", Object.class);
    private static final VarHandle DELIVERING =
            VarHandles.field(MethodHandles.lookup(), ThreadRecord.class, "delivering", int.class);
    /** Pending once the thread's body has ended: nothing is delivered any more. */
    private static final Object ENDED = new Object();

    private final Thread thread;
    private final Thread identity;
    private final String kind;
    /** What a patch noted; its {@code toString} is the text, formatted only when a dump asks. */
    private volatile Object waitingOn;
    private volatile Object pending;
    /** Deliveries under way: the thread waits them out before it takes back an interrupt one of them sent. */
    private volatile int delivering;
    /** Whether an interrupt that {@link #deliver} sent is still to be taken back. */
    private volatile boolean interruptSent;
    /** Whether the thread is parked at greening's blocking point. */
    private volatile boolean atGreeningPoint;
    /** How many rewritten JDK blocking calls the thread is in (they may nest, rarely). */
    private volatile int inJdkWaits;
    /** Whether the thread waits on real I/O in the JDK's poller: the timeout of its timed park is an I/O timeout. */
    private volatile boolean inJdkIo;
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
        Object what = waitingOn;
        return what == null ? null : what.toString();
    }

    /**
     * Notes what the thread is about to wait on, or clears it with {@code null}. Called on the thread; {@code what}'s
     * {@code toString} is called only when a thread dump or stall report shows the wait, so a wait on a hot path
     * (every sleep) costs no formatting.
     */
    public final void noteWaitingOn(Object what) {
        waitingOn = what;
    }

    /** Whether it is in a registry now (from its start to its end). */
    public final boolean isRegistered() {
        return registry != null;
    }

    /** What the thread is to raise at its next blocking point, or {@code null}. */
    public final Object pending() {
        Object what = pending;
        return what == ENDED ? null : what;
    }

    /**
     * Leaves {@code what} for the thread to raise at its next blocking point (see {@link #toRaise}) and reaches it where
     * it waits (see the class comment). A kill replaces whatever is pending; a timeout is left only if nothing is.
     * Safe from any thread.
     *
     * @param isKill whether {@code what} ends the thread (a kill) rather than a scope of it (a timeout)
     * @return whether it was left: false if the thread's body has ended, or for a timeout if something else is pending
     */
    public final boolean deliver(Object what, boolean isKill) {
        DELIVERING.getAndAdd(this, 1);
        try {
            Object current;
            do {
                current = pending;
                if (current == ENDED || !isKill && current != null) {
                    return false;
                }
            } while (!PENDING.compareAndSet(this, current, what));
            // pending is written before where the thread waits is read, and the thread writes where it waits before it
            // reads pending (JdkWaits.enter): one of the two sees the other
            if (thread != Thread.currentThread() && !atGreeningPoint && (isKill || inJdkWaits > 0)) {
                interruptSent = true;
                thread.interrupt();
            }
            LockSupport.unpark(thread);
            return true;
        } finally {
            DELIVERING.getAndAdd(this, -1);
        }
    }

    /**
     * Clears what is pending if it is still {@code what}, and takes back the interrupt sent for it. Called on the
     * thread (a timeout's scope closing).
     */
    public final void withdrawPending(Object what) {
        if (PENDING.compareAndSet(this, what, null)) {
            takeBackInterrupt();
        }
    }

    /** Raises, once, what is pending for the thread. Called on the thread, by the blocking points before and after a wait. */
    public final void raisePending() {
        Object what = pending;
        if (what == null || what == ENDED) {
            return;
        }
        what = PENDING.getAndSet(this, null);
        takeBackInterrupt();
        Throwable raised = toRaise(what);
        if (raised instanceof RuntimeException e) {
            throw e;
        }
        throw (Error) raised;
    }

    /**
     * Ends deliveries: called on the thread once its body has returned or thrown. Returns what was pending and never
     * raised (a kill the body never reached a blocking point for), or {@code null}.
     */
    public final Object end() {
        Object what = PENDING.getAndSet(this, ENDED);
        takeBackInterrupt();
        return what;
    }

    /**
     * Clears the interrupt a delivery sent, unless a newer delivery is pending that still needs it. Waits out
     * deliveries under way, which never block: at most the moment between a delivery's decision and its interrupt.
     */
    private void takeBackInterrupt() {
        while (delivering != 0) {
            Thread.onSpinWait();
        }
        Object what = pending;
        if (interruptSent && (what == null || what == ENDED)) {
            interruptSent = false;
            Thread.interrupted();
        }
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
        atGreeningPoint = parked;
    }

    /** Whether the thread is parked at greening's blocking point now. */
    public final boolean isParkedAtBlockingPoint() {
        return atGreeningPoint;
    }

    /**
     * Says the thread enters a JDK blocking call that an interrupt ends and that raises what is pending in place of the
     * {@code InterruptedException} (see {@link JdkWaits}); then raises what is pending already. Called on the thread.
     */
    final void enterJdkWait() {
        inJdkWaits++;   // volatile: written before pending is read below
        try {
            raisePending();
        } catch (RuntimeException | Error e) {
            inJdkWaits--;
            throw e;
        }
    }

    /** Says the thread left the JDK blocking call it entered with {@link #enterJdkWait}. */
    final void leaveJdkWait() {
        inJdkWaits--;
    }

    /** Says whether the thread waits on real I/O in the JDK's poller now. Called on the thread. */
    public final void inJdkIo(boolean waiting) {
        inJdkIo = waiting;
    }

    /** Whether the thread waits on real I/O in the JDK's poller now. */
    public final boolean isInJdkIo() {
        return inJdkIo;
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
