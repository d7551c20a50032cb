package io.greening.sync;

import io.greening.GreenThread;
import io.greening.internal.Deadlines;
import io.greening.internal.Rethrow;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;

/**
 * Green threads whose results are read back in spawn order, eventlet's {@code GreenPile}: {@link #spawn} work
 * into it (through a {@link GreenPool}, so it waits while the pool is full), then iterate to get each result as
 * it becomes available, in the order spawned. Iteration ends when every spawned result was read; a spawn still
 * waiting for a slot counts already, as in eventlet, so iteration waits for it. Iterate from one thread at a time.
 *
 * @param <T> the type of the results
 */
public final class GreenPile<T> extends GreenSync implements Iterable<T> {
    private static final Object MORE = Boolean.TRUE;
    private static final Object END = Boolean.FALSE;
    private final GreenPool pool;
    /** Whether results come in the order the threads end (imapUnordered) rather than the order spawned. */
    private final boolean inCompletionOrder;
    /** What iteration hands out next, in order: green threads, and a {@link Failure} of the feeder. */
    private final ArrayDeque<Object> results = new ArrayDeque<>();
    private final ArrayDeque<Waiter> readers = new ArrayDeque<>();
    /** Spawns whose thread is not in {@link #results} yet: waiting for a slot, or, in completion order, running. */
    private int outstanding;
    private boolean feeding;   // imap: a feeder will spawn more

    /** What ended an imap's feeder, raised to the reader where it happened in the sequence of results. */
    private record Failure(Throwable exception) {
    }

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
        this(pool, false);
    }

    GreenPile(GreenPool pool, boolean inCompletionOrder) {
        this.pool = pool;
        this.inCompletionOrder = inCompletionOrder;
    }

    /** Spawns {@code body} in the pool (waiting for a slot) and queues its result. */
    public GreenThread<? extends T> spawn(Callable<? extends T> body) {
        guarded(() -> outstanding++);   // counted before it waits for a slot, as eventlet does
        GreenThread<? extends T> thread;
        try {
            thread = pool.spawn(body);
        } catch (RuntimeException | Error e) {
            arrived(null);
            throw e;
        }
        if (inCompletionOrder) {
            thread.link(this::arrived);
        } else {
            arrived(thread);
        }
        return thread;
    }

    /** An outstanding spawn's thread is ready to be read ({@code null}: the spawn failed, there is none). */
    private void arrived(Object thread) {
        guarded(() -> {
            outstanding--;
            if (thread != null) {
                results.addLast(thread);
            }
            wakeAll(readers, MORE);   // readers look again: a result, or perhaps the end
            return null;
        });
    }

    void feeding(boolean more) {
        guarded(() -> {
            feeding = more;
            if (!more) {
                wakeAll(readers, MORE);   // readers look again: the end, unless spawns are still outstanding
            }
            return null;
        });
    }

    /** The feeder failed: its exception comes after the results it spawned before (in completion order: at once). */
    void feederFailed(Throwable exception) {
        guarded(() -> {
            results.addLast(new Failure(exception));
            wakeAll(readers, MORE);
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
                while (true) {
                    Object state = await(readers, Deadlines.NO_DEADLINE, null, GreenPile.this::state, null);
                    if (state == END) {
                        return false;
                    }
                    if (guarded(() -> !results.isEmpty())) {
                        return true;
                    }
                    // woken for a spawn that failed: look again
                }
            }

            @Override
            @SuppressWarnings("unchecked")
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Object next = guarded(results::pollFirst);
                if (next instanceof Failure failure) {
                    throw Rethrow.unchecked(failure.exception);
                }
                return ((GreenThread<? extends T>) next).get();
            }
        };
    }

    private Object state() {
        if (!results.isEmpty()) {
            return MORE;
        }
        return outstanding > 0 || feeding ? NOT_YET : END;
    }
}
