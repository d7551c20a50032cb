package io.greening.sync;

import io.greening.Green;
import io.greening.Hub;
import io.greening.Timeout;
import io.greening.internal.Deadlines;
import io.greening.internal.HubCarrier;
import io.greening.internal.Parking;
import io.greening.internal.VarHandles;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The base of greening's synchronization primitives (queues, events, semaphores, locks, pools).
 *
 * <p>A primitive belongs to the hub of the thread that created it, its <em>owner</em>. Green threads of the owner
 * run one at a time on its carrier, so as long as only they use the primitive they read and change its state
 * directly: no atomic, no lock, waiters in plain deques (the fast path). The first time any other thread (a
 * platform thread, a JDK virtual thread, a green thread of another hub) uses it, the primitive switches for good
 * to its monitor lock (the slow path): the switch is run on the owner's carrier, between two fast-path
 * operations, so none is under way while it happens; from then on every operation, the owner's included, runs
 * under the lock. A primitive created off any hub, or on a hub of a {@link io.greening.HubGroup}, uses the lock from
 * the start.
 *
 * <p>Waiting always happens on the caller's thread, through {@link Parking#parkUntil}, so a kill, a {@link Timeout}
 * or an interrupt stops any wait; a waiter that leaves that way is removed, or what it was handed is given back,
 * so the primitive stays consistent. Wakers hand over to waiters directly (FIFO) and {@link LockSupport#unpark}
 * them.
 */
abstract class GreenSync {
    /** What an attempt returns when the operation cannot complete now. */
    static final Object NOT_YET = new Object();
    /** A deadline meaning "do not wait at all" for {@link #await}. */
    static final long NO_WAIT = Long.MIN_VALUE;

    private static final VarHandle DONE = VarHandles.field(MethodHandles.lookup(), Waiter.class, "done", boolean.class);
    private static final VarHandle CALL_STATE =
            VarHandles.field(MethodHandles.lookup(), Switch.class, "state", int.class);

    private final Hub owner;
    /** Whether the lock guards the state; set once, never cleared. Volatile: a plain load on the fast path. */
    private volatile boolean shared;

    GreenSync() {
        this.owner = Hub.current();
        // a group's threads run in parallel and move between its hubs: no fast path there
        this.shared = owner == null || owner.group() != null;
    }

    /** A thread waiting in one of a primitive's deques, and what it is handed when it is woken. */
    static final class Waiter {
        final Thread thread;
        Object value;
        @SuppressWarnings("unused")
        private boolean done;   // release/acquire through DONE: plain moves on the fast path

        Waiter(Thread thread, Object value) {
            this.thread = thread;
            this.value = value;
        }

        boolean isDone() {
            return (boolean) DONE.getAcquire(this);
        }
    }

    /** An operation on the state that completes now with a result, or returns {@link #NOT_YET}. */
    @FunctionalInterface
    interface Attempt {
        Object tryNow();
    }

    /** Whether the calling thread may change the state without the lock: a green thread of the owner, never shared. */
    final boolean onFastPath() {
        return !shared && Hub.current() == owner;
    }

    /**
     * Whether the calling code runs on a hub's carrier itself (a task of its loop, not a green thread), where it
     * must not wait: the carrier runs the green threads it would wait for.
     */
    final boolean onHubCarrier() {
        Thread me = Thread.currentThread();
        return !me.isVirtual() && (me instanceof HubCarrier || owner != null && me == owner.carrier());
    }

    /** Whether it switched to the lock (for tests and diagnostics). */
    final boolean isShared() {
        return shared;
    }

    /** Runs {@code action} on the state: directly on the fast path, else under the lock. */
    final <R> R guarded(Supplier<R> action) {
        if (onFastPath()) {
            return action.get();
        }
        if (!shared) {
            share();
        }
        synchronized (this) {
            return action.get();
        }
    }

    /** Switches to the lock for good, on the owner's carrier so that no fast-path operation is under way. */
    private void share() {
        Hub o = owner;
        if (Thread.currentThread() == o.carrier()) {
            shared = true;   // a task on the carrier itself: no green thread runs beside it
            return;
        }
        Switch toLock = new Switch(Thread.currentThread());
        try {
            o.execute(toLock);
        } catch (RejectedExecutionException closed) {
            toLock.runHere();
            return;
        }
        toLock.awaitCompletion(o);
    }

    /** The switch to the lock, handed to the owner's carrier; whoever claims it first (carrier, or caller once the hub is gone) runs it. */
    private final class Switch implements Runnable {
        private final Thread caller;
        @SuppressWarnings("unused")
        private volatile int state;   // 0 new, 1 claimed, 2 done

        Switch(Thread caller) {
            this.caller = caller;
        }

        @Override
        public void run() {
            if (CALL_STATE.compareAndSet(this, 0, 1)) {
                shared = true;
                state = 2;
                LockSupport.unpark(caller);
            }
        }

        void runHere() {
            if (CALL_STATE.compareAndSet(this, 0, 1)) {
                shared = true;
                state = 2;
            }
        }

        /** Waits, uninterruptibly (it is short and must be accounted for), for the carrier to run it. */
        void awaitCompletion(Hub o) {
            boolean interrupted = false;
            while (state != 2) {
                if (o.isClosing() && hubRefusesWork(o)) {
                    runHere();   // the hub closed without running it (or is running it now: then this waits)
                    continue;
                }
                LockSupport.parkNanos(this, o.isClosing() ? TimeUnit.MILLISECONDS.toNanos(10) : Long.MAX_VALUE);
                if (Thread.interrupted()) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean hubRefusesWork(Hub o) {
        try {
            o.execute(() -> { });
            return false;
        } catch (RejectedExecutionException closed) {
            return true;
        }
    }

    /**
     * Completes an operation: tries it now, and unless {@code deadline} is {@link #NO_WAIT}, waits in {@code queue}
     * (FIFO) until a waker {@linkplain #wake hands it} a value, or the deadline passes.
     *
     * @param value  what the waiter carries while it waits (a put's item), or {@code null}
     * @param undo   given the handed value, gives it back when the waiter leaves by an exception after being served
     * @return the attempt's result or the handed value; {@link #NOT_YET} if the deadline passed first
     */
    final Object await(ArrayDeque<Waiter> queue, long deadline, Object value, Attempt attempt, Consumer<Object> undo) {
        if (onFastPath()) {
            Object now = attempt.tryNow();
            if (now != NOT_YET || deadline == NO_WAIT) {
                return now;
            }
            Waiter w = new Waiter(Thread.currentThread(), value);
            queue.addLast(w);
            return waitServed(queue, deadline, w, undo);
        }
        Waiter w = deadline == NO_WAIT ? null : new Waiter(Thread.currentThread(), value);
        Object now = guarded(() -> {
            Object got = attempt.tryNow();
            if (got == NOT_YET && w != null) {
                queue.addLast(w);
            }
            return got;
        });
        if (now != NOT_YET || w == null) {
            return now;
        }
        return waitServed(queue, deadline, w, undo);
    }

    private Object waitServed(ArrayDeque<Waiter> queue, long deadline, Waiter w, Consumer<Object> undo) {
        try {
            while (!w.isDone()) {
                if (Deadlines.hasPassed(deadline)) {
                    if (guarded(() -> withdraw(queue, w))) {
                        return NOT_YET;
                    }
                    break;   // served just as time ran out: take it
                }
                Parking.parkUntil(deadline);
            }
        } catch (RuntimeException | Error leaving) {   // kill, Timeout, interrupt: as if it never waited
            if (!guarded(() -> withdraw(queue, w)) && undo != null) {
                guarded(() -> {
                    undo.accept(w.value);
                    return null;
                });
            }
            throw leaving;
        }
        return w.value;
    }

    /** Removes a waiter not served yet; returns whether it was still waiting. */
    private static boolean withdraw(ArrayDeque<Waiter> queue, Waiter w) {
        if (w.isDone()) {
            return false;
        }
        queue.remove(w);
        return true;
    }

    /** Serves the first waiter of {@code queue} with {@code value}; returns whether there was one. Call on the state. */
    static boolean wakeFirst(ArrayDeque<Waiter> queue, Object value) {
        Waiter w = queue.pollFirst();
        if (w == null) {
            return false;
        }
        wake(w, value);
        return true;
    }

    /** Serves every waiter of {@code queue} with {@code value}. Call on the state. */
    static void wakeAll(ArrayDeque<Waiter> queue, Object value) {
        Waiter w;
        while ((w = queue.pollFirst()) != null) {
            wake(w, value);
        }
    }

    /** Hands {@code value} to a waiter already taken off its deque and unparks it. Call on the state. */
    static void wake(Waiter w, Object value) {
        w.value = value;
        DONE.setRelease(w, true);
        LockSupport.unpark(w.thread);
    }

    /** The deadline for a wait of {@code timeout}; a zero or negative timeout still tries once. */
    static long deadline(java.time.Duration timeout) {
        return Deadlines.after(timeout);
    }
}
