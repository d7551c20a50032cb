package io.greening.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Unbounded lock-free multi-producer single-consumer queue (Dmitry Vyukov's design): one atomic exchange per
 * {@link #offer}, no atomics in {@link #poll}. Any thread may offer; only the owning consumer may poll.
 */
public final class MpscQueue<E> {
    private static final class Node<E> {
        E value;
        volatile Node<E> next;

        Node(E value) {
            this.value = value;
        }
    }

    private static final VarHandle TAIL = VarHandles.field(MethodHandles.lookup(), MpscQueue.class, "tail", Node.class);
    private static final VarHandle NEXT = VarHandles.field(MethodHandles.lookup(), Node.class, "next", Node.class);

    private Node<E> head;              // consumer only; a stub whose successor is the first element
    @SuppressWarnings("unused")
    private volatile Node<E> tail;     // producers swap themselves in here

    /** An empty queue. */
    public MpscQueue() {
        Node<E> stub = new Node<>(null);
        head = stub;
        tail = stub;
    }

    /** Adds {@code value}; safe from any thread. */
    public void offer(E value) {
        Node<E> node = new Node<>(value);
        @SuppressWarnings("unchecked")
        Node<E> previous = (Node<E>) TAIL.getAndSet(this, node);
        NEXT.setRelease(previous, node);
    }

    /** Removes the oldest element, or returns {@code null}; consumer only. */
    public E poll() {
        @SuppressWarnings("unchecked")
        Node<E> next = (Node<E>) NEXT.getAcquire(head);
        if (next == null) {
            return null;
        }
        E value = next.value;
        next.value = null;
        head = next;
        return value;
    }

    /**
     * Whether no element is linked yet; consumer only. An offer in progress may be missed, so a consumer that
     * goes to sleep on this answer must be woken by the producer after its offer completes.
     */
    public boolean isEmpty() {
        return NEXT.getAcquire(head) == null;
    }
}
