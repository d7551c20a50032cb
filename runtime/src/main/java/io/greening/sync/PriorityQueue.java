package io.greening.sync;

import java.util.Comparator;

/**
 * A {@link Queue} that hands out its least item first (by natural order or a comparator), eventlet's and gevent's
 * {@code PriorityQueue}. Put {@code (priority, value)} pairs as records with a comparator, as in Python.
 *
 * @param <T> the type of the items
 */
public class PriorityQueue<T> extends Queue<T> {
    private final java.util.PriorityQueue<T> heap;

    /** An unbounded priority queue of {@link Comparable} items. */
    public PriorityQueue() {
        this(-1, null);
    }

    /** A priority queue of {@link Comparable} items holding at most {@code maxsize}; negative is unbounded. */
    public PriorityQueue(int maxsize) {
        this(maxsize, null);
    }

    /**
     * A priority queue ordered by {@code comparator} ({@code null}: natural order) holding at most {@code maxsize}
     * items; negative is unbounded, zero a rendezvous channel.
     */
    public PriorityQueue(int maxsize, Comparator<? super T> comparator) {
        super(maxsize);
        this.heap = new java.util.PriorityQueue<>(comparator);
    }

    @Override
    void store(T item) {
        heap.add(item);
    }

    @Override
    T takeNext() {
        return heap.poll();
    }

    @Override
    T peekNext() {
        return heap.peek();
    }

    @Override
    int stored() {
        return heap.size();
    }
}
