package com.acme.agentapps;

import com.acme.apps.Peak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The sleeps group, plain Java: every sleep overload from many threads, never early; interrupts as the JDK's. */
public final class SleepGroupApp {
    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        AtomicInteger early = new AtomicInteger();
        AtomicInteger woke = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = i;
            Thread t = new Thread(() -> {
                long millis = 20 + n % 30;
                long start = System.nanoTime();
                try {
                    switch (n % 4) {
                        case 0 -> Thread.sleep(millis);
                        case 1 -> Thread.sleep(millis, 500);
                        case 2 -> Thread.sleep(Duration.ofMillis(millis));
                        default -> TimeUnit.MILLISECONDS.sleep(millis);
                    }
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
                if (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(millis)) {
                    early.incrementAndGet();
                }
                woke.incrementAndGet();
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        System.out.println("sleepers: woke=" + woke.get() + " early=" + early.get());

        Thread.currentThread().interrupt();
        try {
            Thread.sleep(1_000);
            System.out.println("pre-interrupted sleep: slept");
        } catch (InterruptedException e) {
            System.out.println("pre-interrupted sleep: " + e.getClass().getSimpleName() + " flag=" + Thread.currentThread().isInterrupted());
        }
        try {
            Thread.sleep(-1);
        } catch (IllegalArgumentException e) {
            System.out.println("negative sleep: " + e.getMessage());
        }
        TimeUnit.SECONDS.sleep(-1);
        Thread.sleep(Duration.ofMillis(-1));
        System.out.println("negative durations: returned");
        Peak.print();
    }
}
