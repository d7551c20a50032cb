package io.greening.sync;

import io.greening.Green;
import io.greening.Timeout;
import io.greening.internal.Deadlines;

import java.io.Serial;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * A FIFO queue between green threads, eventlet's and gevent's {@code Queue}: {@code put} blocks while the queue
 * is full, {@code get} while it is empty, each green (other green threads run meanwhile). Waiters are served in
 * arrival order. {@code maxsize} below zero (the default) is unbounded; zero is a rendezvous channel, where
 * {@code put} waits until a getter has taken the item (eventlet's {@code Queue(0)}, gevent's {@code Channel}).
 *
 * <p>An item put while getters wait stays in the queue, kept for the first of them, until that getter runs and
 * takes it (as in gevent): a newcomer cannot take it first, and if that getter is killed meanwhile the item is
 * simply still there, in its place, for the next. On a channel, {@code put} hands its item to a waiting getter
 * and returns only once that getter has run, as both peers switch to the getter first.
 *
 * <p>Green threads of the hub that created the queue use it without any atomic or lock; other threads (platform
 * threads, other hubs) may use it too, under its lock. A waiter stopped by a kill, a {@link Timeout} or an
 * interrupt leaves the queue as if it never waited: what was kept for a getter stays for the next one; a putter
 * whose item was already taken in leaves it there. {@code null} items are refused. Also counts unfinished tasks
 * ({@link #taskDone()}, {@link #join()}).
 *
 * @param <T> the type of the items
 * @see LifoQueue
 * @see PriorityQueue
 */
public class Queue<T> extends GreenSync {
    /** Raised by a {@code get} that cannot return an item: {@link #getNowait()} or a timed-out {@link #get(Duration)}. */
    public static class Empty extends RuntimeException {
        @Serial
        private static final long serialVersionUID = 1L;

        /** With a message saying why. */
        public Empty(String message) {
            super(message);
        }
    }

    /** Raised by a {@code put} that cannot place its item: {@link #putNowait} or a timed-out {@link #put(Object, Duration)}. */
    public static class Full extends RuntimeException {
        @Serial
        private static final long serialVersionUID = 1L;

        /** With a message saying why. */
        public Full(String message) {
            super(message);
        }
    }

    /**
     * Raised by a {@code put} once the queue is {@linkplain #shutdown() shut down}, and by a {@code get} or
     * {@code peek} once it is shut down and empty: Python 3.13's and gevent's {@code ShutDown}.
     */
    public static class ShutDown extends RuntimeException {
        @Serial
        private static final long serialVersionUID = 1L;

        /** With a message saying why. */
        public ShutDown(String message) {
            super(message);
        }
    }

    private static final Object ACCEPTED = new Object();
    /** Handed to a waiter, or returned by an attempt, once the queue is shut down: it raises {@link ShutDown}. */
    private static final Object SHUT_DOWN = new Object();
    /** Handed to a getter: an item in the queue is kept for it, to take when it runs. */
    private static final Object KEPT = new Object();
    /** Handed to a channel's putter whose getter left before it took the item: put again. */
    private static final Object RETURNED = new Object();

    private final ArrayDeque<Waiter> getters = new ArrayDeque<>();
    private final ArrayDeque<Waiter> putters = new ArrayDeque<>();
    private final ArrayDeque<Waiter> peekers = new ArrayDeque<>();
    private final ArrayDeque<Waiter> joiners = new ArrayDeque<>();
    private final ArrayDeque<T> items = new ArrayDeque<>();
    private int maxsize;
    private int unfinished;
    /** How many of the items held are kept for getters that were woken and have not taken theirs yet. */
    private int kept;
    private boolean shutDown;

    /** A channel's item handed to a getter; its putter waits here until the getter has run and taken it. */
    private static final class Handoff {
        final Object item;
        final ArrayDeque<Waiter> putter = new ArrayDeque<>(1);
        Object outcome = NOT_YET;   // ACCEPTED once taken, RETURNED if the getter left without it

        Handoff(Object item) {
            this.item = item;
        }

        /** Tells the putter, on the state. */
        void settle(Object how) {
            outcome = how;
            wakeAll(putter, how);
        }
    }

    /** An unbounded queue. */
    public Queue() {
        this(-1);
    }

    /** A queue holding at most {@code maxsize} items; negative is unbounded, zero a rendezvous channel. */
    public Queue(int maxsize) {
        this.maxsize = maxsize;
    }

    // ---- storage order, which LifoQueue and PriorityQueue change; called on the state only ----

    void store(T item) {
        items.addLast(item);
    }

    T takeNext() {
        return items.pollFirst();
    }

    /** The item {@link #takeNext()} would return, left in place; {@code null} if none. */
    T peekNext() {
        return items.peekFirst();
    }

    int stored() {
        return items.size();
    }

    // ---- put ----

    /** Puts {@code item}, waiting while the queue is full (for a channel: until a getter takes it). */
    public void put(T item) {
        put(item, Deadlines.NO_DEADLINE, "");
    }

    /**
     * Puts {@code item}, waiting at most {@code timeout} while the queue is full.
     *
     * @throws Full if it is still full after {@code timeout}
     */
    public void put(T item, Duration timeout) {
        put(item, deadline(timeout), "after " + timeout);
    }

    /**
     * Puts {@code item} if that needs no waiting (for a channel: a getter is waiting). On a channel it returns once
     * that getter has run, except on a hub's carrier (a task of its loop), which cannot wait: there the item is kept
     * for the getter, as eventlet's {@code put_nowait} does from its hub.
     *
     * @throws Full if the queue is full
     */
    public void putNowait(T item) {
        put(item, NO_WAIT, "");
    }

    private void put(T item, long deadline, String after) {
        Objects.requireNonNull(item, "item");
        while (true) {
            Object outcome = await(putters, deadline, item, () -> offer(item), null);
            if (outcome == NOT_YET) {
                throw new Full("queue full" + (after.isEmpty() ? "" : " " + after));
            }
            if (outcome == SHUT_DOWN) {
                throw new ShutDown("put on a queue that was shut down");
            }
            if (!(outcome instanceof Handoff handoff)) {
                return;
            }
            // A channel's getter took the item: return once it has run, as both peers switch to it first.
            if (await(handoff.putter, Deadlines.NO_DEADLINE, null, () -> handoff.outcome, null) != RETURNED) {
                return;
            }
        }
    }

    /**
     * Places {@code item} now if it can. On a channel with a getter waiting, the putter then waits until that getter
     * has run, unless it is a hub's carrier (which runs that getter and cannot wait for it): then the item is kept
     * for the getter in the queue, as eventlet does from its hub.
     */
    private Object offer(T item) {
        if (shutDown) {
            return SHUT_DOWN;
        }
        if (maxsize == 0) {
            if (!getters.isEmpty() && onHubCarrier()) {   // asked only here: the one case it decides
                unfinished++;
                store(item);
                itemsArrived();
                return ACCEPTED;
            }
            if (!getters.isEmpty()) {
                unfinished++;
                Handoff handoff = new Handoff(item);
                wakeFirst(getters, handoff);
                return handoff;
            }
            wakeAll(peekers, item);   // it waits as a putter now; peekers wait only while no putter did
            return NOT_YET;
        }
        if (hasRoom()) {
            unfinished++;
            store(item);
            itemsArrived();
            return ACCEPTED;
        }
        return NOT_YET;
    }

    private boolean hasRoom() {
        return maxsize < 0 || stored() < maxsize;
    }

    /** Keeps an item for each waiting getter while there are items not kept yet, and shows peekers the next. */
    private void itemsArrived() {
        while (stored() > kept && !getters.isEmpty()) {
            kept++;
            wakeFirst(getters, KEPT);
        }
        if (stored() > 0 && !peekers.isEmpty()) {
            wakeAll(peekers, peekNext());
        }
    }

    // ---- get ----

    /** Removes and returns the next item, waiting while the queue is empty. */
    public T get() {
        return get(Deadlines.NO_DEADLINE, "");
    }

    /**
     * Removes and returns the next item, waiting at most {@code timeout} while the queue is empty.
     *
     * @throws Empty if it is still empty after {@code timeout}
     */
    public T get(Duration timeout) {
        return get(deadline(timeout), "after " + timeout);
    }

    /**
     * Removes and returns the next item if there is one (for a channel: a putter is waiting).
     *
     * @throws Empty if there is none
     */
    public T getNowait() {
        return get(NO_WAIT, "");
    }

    @SuppressWarnings("unchecked")
    private T get(long deadline, String after) {
        Object outcome = await(getters, deadline, null, this::poll, this::leftUnserved);
        if (outcome == NOT_YET) {
            throw new Empty("queue empty" + (after.isEmpty() ? "" : " " + after));
        }
        if (outcome == KEPT) {
            T item = guarded(this::takeKept);
            if (item != null) {
                return item;
            }
            outcome = SHUT_DOWN;   // shut down at once before it ran: what was kept for it was dropped
        }
        if (outcome == SHUT_DOWN) {
            throw new ShutDown("get from a queue that was shut down and is empty");
        }
        if (outcome instanceof Handoff handoff) {
            guarded(() -> {
                handoff.settle(ACCEPTED);
                return null;
            });
            return (T) handoff.item;
        }
        return (T) outcome;
    }

    @SuppressWarnings("unchecked")
    private Object poll() {
        if (stored() > kept) {
            T item = takeNext();
            admitPutters();
            return item;
        }
        if (shutDown) {
            return SHUT_DOWN;
        }
        if (maxsize != 0) {
            return NOT_YET;
        }
        Waiter putter = putters.pollFirst();   // a channel: take straight from the putter
        if (putter == null) {
            return NOT_YET;
        }
        unfinished++;
        T item = (T) putter.value;
        wake(putter, ACCEPTED);
        return item;
    }

    /** A woken getter takes the item kept for it: the next one, when it runs (as in gevent). */
    private T takeKept() {
        if (kept == 0) {
            return null;   // shutdown(true) dropped it
        }
        kept--;
        T item = takeNext();
        admitPutters();
        return item;
    }

    /** A getter that was served leaves by an exception without its item: the item goes to the next getter. */
    private void leftUnserved(Object served) {
        if (served == KEPT) {
            if (kept > 0) {   // else shutdown(true) dropped it
                kept--;
                itemsArrived();
            }
        } else if (served instanceof Handoff handoff) {
            if (!wakeFirst(getters, handoff)) {
                unfinished--;
                handoff.settle(RETURNED);   // its putter puts it again
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void admitPutters() {
        while (!putters.isEmpty() && hasRoom()) {
            Waiter putter = putters.pollFirst();
            unfinished++;
            store((T) putter.value);
            wake(putter, ACCEPTED);
        }
        itemsArrived();
    }

    // ---- peek ----

    /** Returns the next item without removing it, waiting while the queue is empty (gevent's {@code peek}). */
    public T peek() {
        return peek(Deadlines.NO_DEADLINE, "");
    }

    /**
     * Returns the next item without removing it, waiting at most {@code timeout} while the queue is empty.
     *
     * @throws Empty if it is still empty after {@code timeout}
     */
    public T peek(Duration timeout) {
        return peek(deadline(timeout), "after " + timeout);
    }

    /**
     * Returns the next item without removing it (for a channel: the first waiting putter's).
     *
     * @throws Empty if there is none
     */
    public T peekNowait() {
        return peek(NO_WAIT, "");
    }

    @SuppressWarnings("unchecked")
    private T peek(long deadline, String after) {
        Object outcome = await(peekers, deadline, null, this::peekNow, null);
        if (outcome == NOT_YET) {
            throw new Empty("queue empty" + (after.isEmpty() ? "" : " " + after));
        }
        if (outcome == SHUT_DOWN) {
            throw new ShutDown("peek at a queue that was shut down and is empty");
        }
        return (T) outcome;
    }

    private Object peekNow() {
        if (stored() > 0) {
            return peekNext();
        }
        Waiter putter = maxsize == 0 ? putters.peekFirst() : null;
        return putter != null ? putter.value : shutDown ? SHUT_DOWN : NOT_YET;
    }

    // ---- size ----

    /** How many items it holds (a channel holds none), counting those kept for getters that have not run yet. */
    public int qsize() {
        return guarded(this::stored);
    }

    /** Whether it holds no item. */
    public boolean isEmpty() {
        return qsize() == 0;
    }

    /**
     * Whether it holds {@link #maxsize()} items. A channel is always full, as in eventlet and gevent: its
     * {@code put} waits for a getter, and with one waiting completes once the getter ran ({@link #getting()}
     * tells whether one waits).
     */
    public boolean isFull() {
        return guarded(() -> !hasRoom());
    }

    /** Its capacity: negative when unbounded, zero for a channel. */
    public int maxsize() {
        return guarded(() -> maxsize);
    }

    /** Changes its capacity; waiting putters that now fit go in. Items already held beyond it stay. */
    public void resize(int maxsize) {
        guarded(() -> {
            this.maxsize = maxsize;
            admitPutters();
            return null;
        });
    }

    /** How many threads wait in {@code get} (eventlet's {@code getting()}). */
    public int getting() {
        return guarded(getters::size);
    }

    /** How many threads wait in {@code put} (eventlet's {@code putting()}). */
    public int putting() {
        return guarded(putters::size);
    }

    // ---- shutdown ----

    /** Shuts it down, keeping its items for getters: {@link #shutdown(boolean) shutdown(false)}. */
    public void shutdown() {
        shutdown(false);
    }

    /**
     * Shuts it down, as Python 3.13's and gevent's {@code shutdown(immediate)}: from now on {@code put} raises
     * {@link ShutDown}, and so do waiting putters; {@code get} still takes the items held, and raises
     * {@code ShutDown} once there are none (waiting getters raise it at once). With {@code immediate}, the items
     * held are dropped as well (each counted {@linkplain #taskDone() done}), so every getter raises it.
     */
    public void shutdown(boolean immediate) {
        guarded(() -> {
            shutDown = true;
            if (immediate) {
                while (stored() > 0) {
                    takeNext();
                    if (unfinished > 0) {
                        unfinished--;
                    }
                }
                kept = 0;   // getters woken for an item find none and raise ShutDown
                if (unfinished == 0) {
                    wakeAll(joiners, ACCEPTED);
                }
            }
            wakeAll(putters, SHUT_DOWN);
            wakeAll(peekers, SHUT_DOWN);
            wakeAll(getters, SHUT_DOWN);   // getters wait only while every item held is kept for another
            return null;
        });
    }

    /** Whether it was {@linkplain #shutdown(boolean) shut down}. */
    public boolean isShutDown() {
        return guarded(() -> shutDown);
    }

    // ---- tasks ----

    /**
     * Marks one item taken earlier as processed; once every item put has been, {@link #join()} returns.
     *
     * @throws IllegalStateException if called more times than items were put
     */
    public void taskDone() {
        guarded(() -> {
            if (unfinished <= 0) {
                throw new IllegalStateException("taskDone() called more times than there were items");
            }
            if (--unfinished == 0) {
                wakeAll(joiners, ACCEPTED);
            }
            return null;
        });
    }

    /**
     * How many items put (or, on a channel, taken from a putter) are not {@linkplain #taskDone() done} yet:
     * eventlet's and gevent's {@code unfinished_tasks}.
     */
    public int unfinishedTasks() {
        return guarded(() -> unfinished);
    }

    /** Waits until every item put has been marked {@linkplain #taskDone() done}. */
    public void join() {
        await(joiners, Deadlines.NO_DEADLINE, null, () -> unfinished == 0 ? ACCEPTED : NOT_YET, null);
    }

    /** Waits at most {@code timeout} for every item to be marked done; returns whether they were. */
    public boolean join(Duration timeout) {
        return await(joiners, deadline(timeout), null, () -> unfinished == 0 ? ACCEPTED : NOT_YET, null) != NOT_YET;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[maxsize=" + maxsize + "]";
    }
}
