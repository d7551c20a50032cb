package io.greening.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * How far the start's set-up thread has come, for the threads that load classes meanwhile: they wait for a stage
 * ({@link #await}) and the set-up thread reaches it ({@link #reach}). Stages only go up, and {@link #FAILED} is above
 * them all, so that a failure releases every waiter. The set-up begins only when first awaited ({@link #awaitRequest}):
 * a program none of whose classes needs the rows or the runtime never pays for them (a trivial {@code main} exits
 * first). Parks rather than waits on a monitor: {@code Object.wait}'s
 * {@code InterruptedException} is a class outside the CDS archive, which its handler would load before {@code main}.
 */
final class SetUpWait {
    /** The rows are built. */
    static final int ROWS = 1;
    /** The runtime is defined and configured. */
    static final int DONE = 2;
    /** The set-up stopped; nothing more comes. */
    static final int FAILED = 3;

    private volatile int stage;
    private volatile boolean requested;
    /** The set-up thread, once it waits for a request. */
    private volatile Thread worker;
    /** The parked threads; guarded by this. */
    private final List<Thread> waiting = new ArrayList<>();

    /**
     * Waits until {@code wanted} or a failure; returns false on a failure. An interrupt does not end the wait (the
     * loading class needs the stage): it is cleared while the thread waits, so that {@code park} does not return at
     * once in a spin, and set again after.
     */
    boolean await(int wanted) {
        if (stage < wanted) {
            request();
            Thread self = Thread.currentThread();
            synchronized (this) {
                waiting.add(self);
            }
            boolean interrupted = false;
            try {
                while (stage < wanted) {
                    LockSupport.park(this);
                    interrupted |= Thread.interrupted();
                }
            } finally {
                synchronized (this) {
                    waiting.remove(self);
                }
                if (interrupted) {
                    self.interrupt();
                }
            }
        }
        return stage != FAILED;
    }

    /** Asks for the set-up (from a thread that will wait for it, or one that wants it done without waiting). */
    void request() {
        if (!requested) {
            requested = true;
            Thread waiting = worker;
            if (waiting != null) {
                LockSupport.unpark(waiting);
            }
        }
    }

    /** The set-up thread: waits until the set-up is asked for ({@link #await} or {@link #request}). */
    void awaitRequest() {
        worker = Thread.currentThread();
        while (!requested) {
            LockSupport.park(this);
        }
    }

    /** Whether the set-up has been asked for. */
    boolean requested() {
        return requested;
    }

    /** Whether the set-up failed. */
    boolean failed() {
        return stage == FAILED;
    }

    /** Reaches {@code next} (no step back) and wakes the waiting threads. */
    void reach(int next) {
        Thread[] wake;
        synchronized (this) {
            if (next > stage) {
                stage = next;
            }
            wake = waiting.toArray(new Thread[0]);
        }
        for (Thread thread : wake) {
            LockSupport.unpark(thread);
        }
    }
}
