package io.greening.sync;

import io.greening.Green;
import io.greening.GreenThread;
import io.greening.GreenletExit;
import io.greening.Hub;
import io.greening.internal.Deadlines;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * A pool that runs at most {@code size} green threads at once, eventlet's {@code GreenPool} and gevent's
 * {@code Pool}: {@link #spawn} waits green while the pool is full, and waiters get slots in FIFO order. It is a
 * {@link Group}, so {@link #join()} ({@link #waitAll()}) and {@link #killAll()} apply to its threads. Same-hub
 * use has no atomic or lock; other threads use a slower path.
 */
public class GreenPool extends Group {
    private static final Object SLOT = Boolean.TRUE;
    private final ArrayDeque<Waiter> spawners = new ArrayDeque<>();
    private int size;
    private int taken;   // slots held by live members and by spawns under way

    /** A pool of 1000 threads, eventlet's default. */
    public GreenPool() {
        this(1000);
    }

    /**
     * A pool running at most {@code size} threads at once.
     *
     * @throws IllegalArgumentException if {@code size} is negative
     */
    public GreenPool(int size) {
        checkSize(size);
        this.size = size;
    }

    private static void checkSize(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("pool size must be >= 0: " + size);
        }
    }

    /** Spawns {@code body} once a slot is free, waiting green until then; returns the thread. */
    @Override
    public <T> GreenThread<T> spawn(Callable<T> body) {
        awaitSlot();
        try {
            return super.spawn(body);
        } catch (RuntimeException | Error e) {
            releaseSlot();
            throw e;
        }
    }

    /** Adds a thread spawned elsewhere once a slot is free (waiting green until then), as gevent's {@code Pool.add}. */
    @Override
    public void add(GreenThread<?> thread) {
        awaitSlot();
        addInTakenSlot(thread);
    }

    private void addInTakenSlot(GreenThread<?> thread) {
        try {
            addMember(thread);
        } catch (RuntimeException | Error e) {
            releaseSlot();
            throw e;
        }
    }

    /**
     * Adds a thread spawned elsewhere if a slot frees within {@code timeout} (gevent's {@code add(greenlet, timeout=...)};
     * {@link Duration#ZERO} is its {@code blocking=False}); returns whether it was added. gevent raises
     * {@code PoolFull} where this returns {@code false}.
     */
    public boolean add(GreenThread<?> thread, Duration timeout) {
        if (await(spawners, deadline(timeout), null, this::takeSlot, slot -> freeSlot()) == NOT_YET) {
            return false;
        }
        addInTakenSlot(thread);
        return true;
    }

    /**
     * Waits until a slot is free, without taking it, and returns how many are free then (gevent's
     * {@code wait_available()}). Waiting spawners that came first are served first.
     */
    public int waitAvailable() {
        return waitAvailableUntil(Deadlines.NO_DEADLINE);
    }

    /**
     * Waits at most {@code timeout} for a slot to be free, without taking it; returns how many are free then, which
     * is 0 or less if none freed in time (gevent's {@code wait_available(timeout)}).
     */
    public int waitAvailable(Duration timeout) {
        return waitAvailableUntil(deadline(timeout));
    }

    private int waitAvailableUntil(long deadline) {
        // Queue as a spawner would, so that spawners that came first keep their turn, and give the slot straight back.
        if (await(spawners, deadline, null, this::takeSlot, slot -> freeSlot()) != NOT_YET) {
            releaseSlot();
        }
        return free();
    }

    /** Whether no slot is free now, so that {@link #spawn} would wait (gevent's {@code full()}). */
    public boolean isFull() {
        return free() <= 0;
    }

    private void awaitSlot() {
        await(spawners, Deadlines.NO_DEADLINE, null, this::takeSlot, slot -> freeSlot());
    }

    private void releaseSlot() {
        guarded(() -> {
            freeSlot();
            return null;
        });
    }

    /** Spawns {@code body} once a slot is free, as {@link #spawn(Callable)}, for work whose result nobody reads. */
    public void spawnN(Runnable body) {
        spawn(body);
    }

    private Object takeSlot() {
        if (taken < size) {
            taken++;
            return SLOT;
        }
        return NOT_YET;
    }

    private void freeSlot() {
        taken--;
        while (taken < size && wakeFirst(spawners, SLOT)) {
            taken++;
        }
    }

    @Override
    void onLeave() {
        freeSlot();
    }

    /**
     * Waits until every thread of the pool has ended; eventlet's {@code waitall}.
     *
     * @throws IllegalStateException if called from one of the pool's own threads, which would wait for itself
     *         forever (eventlet raises an {@code AssertionError})
     */
    public void waitAll() {
        refuseOwnThread();
        join();
    }

    private void refuseOwnThread() {
        GreenThread<?> me = Green.current();
        if (me != null && contains(me)) {
            throw new IllegalStateException("waitAll() called from " + me.name() + ", one of the pool's own green "
                    + "threads, would wait for itself forever");
        }
    }

    @Override
    boolean wouldWait() {
        return guarded(() -> taken >= size);
    }

    /** How many threads run in the pool now (counting spawns under way). */
    public int running() {
        return guarded(() -> taken);
    }

    /** How many more threads it could run now without waiting (negative after shrinking below its running count). */
    public int free() {
        return guarded(() -> size - taken);
    }

    /** Its size. */
    public int size() {
        return guarded(() -> size);
    }

    /**
     * Changes its size; growing lets waiting spawns start, shrinking lets running threads finish (new spawns wait
     * until fewer than {@code size} run).
     */
    public void resize(int size) {
        checkSize(size);
        guarded(() -> {
            this.size = size;
            while (taken < this.size && wakeFirst(spawners, SLOT)) {
                taken++;
            }
            return null;
        });
    }

    /** How many callers wait in {@link #spawn} for a slot. */
    public int waiting() {
        return guarded(spawners::size);
    }

    /**
     * Applies {@code function} to each of {@code arguments} in its own pool thread and returns the results in the
     * order of the arguments, as eventlet's and gevent's {@code imap}: the threads are spawned by a feeder green
     * thread (so no more than the pool's size run at once) while the caller iterates. Iterating rethrows a failure as
     * {@link GreenThread#get()} does, and goes on with the next result. If iterating {@code arguments} throws, that
     * is rethrown after the results of the arguments before it, as gevent does.
     */
    public <A, R> Iterator<R> imap(Function<? super A, ? extends R> function, Iterable<? extends A> arguments) {
        return map(function, arguments, false);
    }

    /**
     * As {@link #imap}, but returns each result as soon as its thread ends, gevent's {@code imap_unordered}. If
     * iterating {@code arguments} throws, that is rethrown in its place among the results: after those that ended
     * before it failed.
     */
    public <A, R> Iterator<R> imapUnordered(Function<? super A, ? extends R> function,
                                            Iterable<? extends A> arguments) {
        return map(function, arguments, true);
    }

    private <A, R> Iterator<R> map(Function<? super A, ? extends R> function, Iterable<? extends A> arguments,
                                   boolean inCompletionOrder) {
        GreenPile<R> pile = new GreenPile<>(this, inCompletionOrder);
        pile.feeding(true);
        Hub hub = spawnHub();
        hub.spawn(() -> {
            try {
                for (A argument : arguments) {
                    pile.spawn(() -> function.apply(argument));
                }
            } catch (GreenletExit killed) {
                throw killed;
            } catch (RuntimeException | Error e) {
                pile.feederFailed(e);   // the reader gets it; the feeder itself ends quietly
            } finally {
                pile.feeding(false);
            }
        });
        return pile.iterator();
    }

    @Override
    public String toString() {
        return "GreenPool[size=" + size + "]";
    }

    /**
     * Waits at most {@code timeout} for every thread to end; returns whether they did.
     *
     * @throws IllegalStateException if called from one of the pool's own threads (see {@link #waitAll()})
     */
    public boolean waitAll(Duration timeout) {
        refuseOwnThread();
        return join(timeout);
    }
}
