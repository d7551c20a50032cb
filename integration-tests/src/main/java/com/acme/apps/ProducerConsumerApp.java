package com.acme.apps;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Producers and consumers over two hand-written bounded buffers: one guarded by a {@link ReentrantLock} with
 * two {@link Condition}s, one by {@code synchronized} with {@code wait}/{@code notifyAll}. Consumers use timed
 * waits too. Each consumer stops at its poison pill.
 *
 * <pre>ProducerConsumerApp [producers] [consumers] [itemsPerProducer] [capacity]</pre>
 */
public final class ProducerConsumerApp {
    private static final long POISON = -1;

    private ProducerConsumerApp() {}

    /** The operations both buffers offer. */
    private interface Buffer {
        void put(long item) throws InterruptedException;

        long take() throws InterruptedException;
    }

    /** Guarded by a ReentrantLock and its conditions; {@code take} waits with a timeout in a loop. */
    private static final class LockBuffer implements Buffer {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition notFull = lock.newCondition();
        private final Condition notEmpty = lock.newCondition();
        private final ArrayDeque<Long> items = new ArrayDeque<>();
        private final int capacity;

        LockBuffer(int capacity) {
            this.capacity = capacity;
        }

        @Override
        public void put(long item) throws InterruptedException {
            lock.lock();
            try {
                while (items.size() == capacity) {
                    notFull.await();
                }
                items.addLast(item);
                notEmpty.signal();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public long take() throws InterruptedException {
            lock.lock();
            try {
                while (items.isEmpty()) {
                    notEmpty.await(5, TimeUnit.MILLISECONDS);
                }
                long item = items.removeFirst();
                notFull.signal();
                return item;
            } finally {
                lock.unlock();
            }
        }
    }

    /** Guarded by its monitor; {@code take} uses a timed {@code wait}. */
    private static final class MonitorBuffer implements Buffer {
        private final ArrayDeque<Long> items = new ArrayDeque<>();
        private final int capacity;

        MonitorBuffer(int capacity) {
            this.capacity = capacity;
        }

        @Override
        public synchronized void put(long item) throws InterruptedException {
            while (items.size() == capacity) {
                wait();
            }
            items.addLast(item);
            notifyAll();
        }

        @Override
        public long take() throws InterruptedException {
            synchronized (this) {
                while (items.isEmpty()) {
                    wait(5);
                }
                long item = items.removeFirst();
                notifyAll();
                return item;
            }
        }
    }

    public static void main(String[] args) throws InterruptedException {
        int producers = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int consumers = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int itemsPerProducer = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        int capacity = args.length > 3 ? Integer.parseInt(args[3]) : 16;
        long began = System.nanoTime();
        System.out.println(run("lock-condition", new LockBuffer(capacity), producers, consumers, itemsPerProducer));
        System.out.println(run("synchronized-wait", new MonitorBuffer(capacity), producers, consumers,
                itemsPerProducer));
        System.out.println("# elapsed-ms=" + (System.nanoTime() - began) / 1_000_000);
        Peak.print();
    }

    private static String run(String name, Buffer buffer, int producers, int consumers, int itemsPerProducer)
            throws InterruptedException {
        AtomicLong consumed = new AtomicLong();
        AtomicLong sum = new AtomicLong();
        AtomicLong xor = new AtomicLong();
        List<Thread> producerThreads = new ArrayList<>();
        List<Thread> consumerThreads = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            Thread consumer = new Thread(() -> {
                try {
                    for (long item; (item = buffer.take()) != POISON; ) {
                        consumed.incrementAndGet();
                        sum.addAndGet(item);
                        long mixed = item * 0x9E3779B97F4A7C15L;
                        xor.accumulateAndGet(mixed, (a, b) -> a ^ b);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, name + "-consumer-" + c);
            consumer.start();
            consumerThreads.add(consumer);
        }
        for (int p = 0; p < producers; p++) {
            long base = (long) p * 1_000_000;
            Thread producer = new Thread(() -> {
                try {
                    for (int i = 0; i < itemsPerProducer; i++) {
                        buffer.put(base + i);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, name + "-producer-" + p);
            producer.start();
            producerThreads.add(producer);
        }
        for (Thread producer : producerThreads) {
            producer.join();
        }
        for (int c = 0; c < consumers; c++) {
            buffer.put(POISON);
        }
        for (Thread consumer : consumerThreads) {
            consumer.join();
        }
        return name + ": producers=" + producers + " consumers=" + consumers + " consumed=" + consumed.get()
                + " sum=" + sum.get() + " xor=" + Long.toHexString(xor.get());
    }
}
