package io.greening.sync;

import io.greening.Green;
import io.greening.GreenThread;
import io.greening.internal.Deadlines;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;

/**
 * Green threads whose results are read back in spawn order, eventlet's {@code GreenPile}: {@link #spawn} work
 * into it (through a {@link GreenPool}, so it waits while the pool is full), then iterate to get each result as
 * it becomes available, in the order spawned. Iteration ends when every spawned result was read. Iterate from
 * one thread at a time.
 *
 * @param <T> the type of the results
 */
public final class GreenPile<T> extends GreenSync implements Iterable<T> {
    private static final Object MORE = Boolean.TRUE;
    private static final Object END = Boolean.FALSE;
    private final GreenPool pool;
    private final ArrayDeque<GreenThread<? extends T>> threads = new ArrayDeque<>();
    private final ArrayDeque<Waiter> readers = new ArrayDeque<>();
    private boolean feeding;   // imap: a feeder will spawn more

    /** A pile on a pool of its own of 1000 threads. */
    public GreenPile() {
        this(new GreenPool());
    }

    /** A pile on a pool of its own of {@code size} threads. */
    public GreenPile(int size) {
        this(new GreenPool(size));
    }

    /** A pile whose threads run in {@code pool}. */
    public GreenPile(GreenPool pool) {
        this.pool = pool;
    }

    /** Spawns {@code body} in the pool (waiting for a slot) and queues its result. */
    public GreenThread<? extends T> spawn(Callable<? extends T> body) {
        GreenThread<? extends T> thread = pool.spawn(body);
        guarded(() -> {
            threads.addLast(thread);
            wakeFirst(readers, MORE);
            return null;
        });
        return thread;
    }

    void feeding(boolean more) {
        guarded(() -> {
            feeding = more;
            if (!more) {
                wakeAll(readers, END);
            }
            return null;
        });
    }

    /** The pool its threads run in. */
    public GreenPool pool() {
        return pool;
    }

    /** The results in spawn order, each waited for; {@link Iterator#next()} rethrows a failure as {@link GreenThread#get()}. */
    @Override
    public Iterator<T> iterator() {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return await(readers, Deadlines.NO_DEADLINE, null, GreenPile.this::state, null) == MORE;
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                GreenThread<? extends T> next = guarded(threads::pollFirst);
                return next.get();
            }
        };
    }

    private Object state() {
        if (!threads.isEmpty()) {
            return MORE;
        }
        return feeding ? NOT_YET : END;
    }
}
