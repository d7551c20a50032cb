package com.acme.races;

import java.util.ArrayList;
import java.util.List;

/**
 * Plain threads with a lost-update race: each reads a shared counter, sleeps, and writes it back plus one. Prints
 * the order of the writes and the final count, which depend on the interleaving. Then sleeps through a simulated
 * hour in many steps (instant under a virtual clock).
 */
public final class LostUpdateApp {
    private static int counter;
    private static final List<String> writes = new ArrayList<>();

    private LostUpdateApp() {}

    public static void main(String[] args) throws InterruptedException {
        System.out.println("main on a virtual thread: " + Thread.currentThread().isVirtual());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            String name = "t" + t;
            threads.add(new Thread(() -> {
                for (int i = 0; i < 10; i++) {
                    int read;
                    synchronized (writes) {
                        read = counter;
                    }
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                    synchronized (writes) {
                        counter = read + 1;
                        writes.add(name);
                    }
                }
            }));
        }
        threads.forEach(Thread::start);   // a method reference: the agent rewrites these too
        for (Thread t : threads) {
            t.join();
        }
        System.out.println("writes=" + String.join("", writes));
        System.out.println("counter=" + counter);
        if (args.length > 0 && args[0].equals("hour")) {
            long start = System.nanoTime();
            java.time.Instant startInstant = java.time.Instant.now();
            for (int minute = 0; minute < 60; minute++) {
                Thread.sleep(60_000);
            }
            // a timed wait inside the JDK (a latch nobody counts down): its timeout is on the hub's clock too
            boolean counted = new java.util.concurrent.CountDownLatch(1).await(30, java.util.concurrent.TimeUnit.MINUTES);
            System.out.println("slept an hour, then waited on a latch (counted down: " + counted + "): nanoTime says " + (System.nanoTime() - start) / 60_000_000_000L
                    + " min, Instant.now says " + java.time.Duration.between(startInstant, java.time.Instant.now()).toMinutes() + " min");
        }
    }
}
