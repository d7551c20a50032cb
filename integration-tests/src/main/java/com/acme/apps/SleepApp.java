package com.acme.apps;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A sleep-heavy "scheduler": thousands of threads, all alive at once, each running a few rounds of a job that
 * sleeps a different time through a different sleep overload, and checking it never woke early.
 *
 * <pre>SleepApp [threads] [rounds]</pre>
 */
public final class SleepApp {
    private static final int MAX_SLEEP_MILLIS = 40;

    private SleepApp() {}

    public static void main(String[] args) throws InterruptedException {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        CountDownLatch start = new CountDownLatch(1);
        AtomicLong wakeups = new AtomicLong();
        AtomicLong sleptMillis = new AtomicLong();
        AtomicInteger early = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        List<Thread> sleepers = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            int id = i;
            Thread sleeper = new Thread(() -> {
                try {
                    start.await();
                    for (int round = 0; round < rounds; round++) {
                        long millis = (id * 7L + round * 13L) % MAX_SLEEP_MILLIS;
                        long began = System.nanoTime();
                        switch ((id + round) % 4) {
                            case 0 -> Thread.sleep(millis);
                            case 1 -> Thread.sleep(millis, 500);
                            case 2 -> Thread.sleep(Duration.ofMillis(millis));
                            default -> TimeUnit.MILLISECONDS.sleep(millis);
                        }
                        if (System.nanoTime() - began < TimeUnit.MILLISECONDS.toNanos(millis)) {
                            early.incrementAndGet();
                        }
                        wakeups.incrementAndGet();
                        sleptMillis.addAndGet(millis);
                    }
                } catch (InterruptedException e) {
                    failures.incrementAndGet();
                }
            }, "sleeper-" + i);
            sleeper.start();
            sleepers.add(sleeper);
        }
        start.countDown();
        for (Thread sleeper : sleepers) {
            sleeper.join();
        }
        System.out.println("sleepers: threads=" + threads + " rounds=" + rounds + " wakeups=" + wakeups.get()
                + " slept-ms=" + sleptMillis.get() + " early-wakeups=" + early.get() + " failures=" + failures.get());
        Peak.print();
    }
}
