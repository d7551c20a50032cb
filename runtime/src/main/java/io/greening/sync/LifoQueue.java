package io.greening.sync;

import java.util.ArrayDeque;

/**
 * A {@link Queue} that hands out the most recently put item first, eventlet's and gevent's {@code LifoQueue}.
 *
 * @param <T> the type of the items
 */
public class LifoQueue<T> extends Queue<T> {
    private final ArrayDeque<T> stack = new ArrayDeque<>();

    /** An unbounded LIFO queue. */
    public LifoQueue() {
        this(-1);
    }

    /** A LIFO queue holding at most {@code maxsize} items; negative is unbounded, zero a rendezvous channel. */
    public LifoQueue(int maxsize) {
        super(maxsize);
    }

    @Override
    void store(T item) {
        stack.addLast(item);
    }

    @Override
    T takeNext() {
        return stack.pollLast();
    }

    @Override
    T peekNext() {
        return stack.peekLast();
    }

    @Override
    int stored() {
        return stack.size();
    }
}
