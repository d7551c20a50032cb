package com.acme.agentapps;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Timed waits from many threads, timing out and not: results, never-early timeouts, and whether the JDK had to start
 * its timer threads ({@code VirtualThread-unparker}) for them.
 */
public final class TimedWaitsApp {
    private static final Object MONITOR = new Object();

    public static void main(String[] args) throws Exception {
        ReentrantLock held = new ReentrantLock();
        held.lock();
        Condition never = held.newCondition();
        Semaphore none = new Semaphore(0);
        ArrayBlockingQueue<String> empty = new ArrayBlockingQueue<>(1);
        ArrayBlockingQueue<String> filled = new ArrayBlockingQueue<>(64);
        List<String> results = java.util.Collections.synchronizedList(new ArrayList<>());
        int[] early = new int[1];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            int n = i;
            Thread t = new Thread(() -> {
                long start = System.nanoTime();
                String r;
                try {
                    r = switch (n % 6) {
                        case 0 -> "tryLock=" + held.tryLock(15, TimeUnit.MILLISECONDS);
                        case 1 -> "tryAcquire=" + none.tryAcquire(15, TimeUnit.MILLISECONDS);
                        case 2 -> "poll=" + empty.poll(15, TimeUnit.MILLISECONDS);
                        case 3 -> "await=" + new CountDownLatch(1).await(15, TimeUnit.MILLISECONDS);
                        case 4 -> {
                            synchronized (MONITOR) {
                                MONITOR.wait(15);
                            }
                            yield "wait";
                        }
                        default -> {
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(15));
                            yield "parkNanos";
                        }
                    };
                } catch (InterruptedException e) {
                    r = "interrupted";
                }
                if (n % 6 < 4 && System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(15)) {
                    synchronized (early) {
                        early[0]++;
                    }
                }
                results.add(r);
                String got;
                try {
                    got = filled.poll(60, TimeUnit.SECONDS);   // satisfied long before its timeout: the timer is cancelled
                } catch (InterruptedException e) {
                    got = null;
                }
                results.add("got=" + got);
            });
            threads.add(t);
            t.start();
        }
        for (int i = 0; i < 64; i++) {
            filled.put("x");
        }
        for (Thread t : threads) {
            t.join();
        }
        held.unlock();
        java.util.Map<String, Long> counts = new java.util.TreeMap<>();
        for (String r : results) {
            counts.merge(r, 1L, Long::sum);
        }
        System.out.println("results: " + counts);
        System.out.println("early timeouts: " + early[0]);
        System.out.println("JDK timer threads: " + Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("VirtualThread-unparker")).count());
    }
}
