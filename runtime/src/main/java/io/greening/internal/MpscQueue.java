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
     * Whether nothing was offered since the last element taken; consumer only. It reads the tail, which an offer
     * swaps with a volatile exchange before it links its node, so an offer in progress already counts (a
     * {@link #poll} right after may still return {@code null} until it is linked). A consumer that says it sleeps
     * (a volatile write) and then finds the queue empty here is ordered against every producer that offers (a
     * volatile exchange) and then looks whether it sleeps (a volatile read): one of them sees the other. Reading
     * the link instead, which the producer writes with release only, lets both miss (a store-load reordering) and
     * the consumer sleep on an element.
     */
    public boolean isEmpty() {
        return TAIL.getVolatile(this) == head;
    }
}
