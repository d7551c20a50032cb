package com.acme.agentapps;

import com.acme.apps.Peak;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The threads group, plain Java: threads, a Thread subclass, builders, pools, join/isAlive/interrupt, uncaught. */
public final class ThreadsGroupApp {
    static final class Summer extends Thread {
        private final int from;
        long sum;

        Summer(int from) {
            super("summer-" + from);
            this.from = from;
        }

        @Override
        public void run() {
            for (int i = from; i < from + 1000; i++) {
                sum += i;
            }
        }
    }

    public static void main(String[] args) throws Exception {
        AtomicLong total = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch allStarted = new CountDownLatch(1);   // all 200 live at once
        for (int i = 0; i < 200; i++) {
            int n = i;
            Thread t = new Thread(() -> {
                try {
                    allStarted.await();
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
                total.addAndGet(n);
            }, "adder-" + i);
            t.setDaemon(false);
            t.setPriority(Thread.NORM_PRIORITY + 1);
            threads.add(t);
            t.start();
        }
        allStarted.countDown();
        for (Thread t : threads) {
            t.join();
        }
        System.out.println("threads: total=" + total.get() + " any-alive=" + threads.stream().anyMatch(Thread::isAlive));

        List<Summer> summers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Summer s = new Summer(i * 1000);
            summers.add(s);
            s.start();
        }
        long sum = 0;
        for (Summer s : summers) {
            s.join();
            sum += s.sum;
        }
        System.out.println("subclasses: sum=" + sum + " state=" + summers.getFirst().getState());

        Thread built = Thread.ofPlatform().name("built").start(() -> total.addAndGet(1_000_000));
        built.join();
        System.out.println("builder: total=" + total.get() + " name=" + built.getName());

        Thread sleeper = new Thread(() -> {
            try {
                Thread.sleep(60_000);
                System.out.println("sleeper: slept");
            } catch (InterruptedException e) {
                System.out.println("sleeper: interrupted, flag=" + Thread.currentThread().isInterrupted());
            }
        });
        sleeper.start();
        while (sleeper.getState() != Thread.State.TIMED_WAITING && sleeper.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        sleeper.interrupt();
        sleeper.join();
        System.out.println("sleeper: alive after join=" + sleeper.isAlive());

        Thread failing = new Thread(() -> {
            throw new IllegalStateException("boom");
        }, "failing");
        failing.setUncaughtExceptionHandler((t, e) -> System.out.println("handler: " + t.getName() + " " + e.getMessage()));
        failing.start();
        failing.join();

        ExecutorService fixed = Executors.newFixedThreadPool(4);
        List<Future<Integer>> squares = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int n = i;
            squares.add(fixed.submit(() -> n * n));
        }
        int squareSum = 0;
        for (Future<Integer> f : squares) {
            squareSum += f.get();
        }
        fixed.shutdown();
        System.out.println("fixed pool: sum of squares=" + squareSum + " terminated=" + fixed.awaitTermination(1, TimeUnit.MINUTES));

        ThreadPoolExecutor tpe = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        System.out.println("executor: " + tpe.submit(() -> "done").get() + " largest pool=" + waitLargest(tpe));
        tpe.shutdown();

        ExecutorService cached = Executors.newCachedThreadPool();
        System.out.println("cached: " + cached.submit(() -> 6 * 7).get());
        cached.shutdown();

        // a pool left running with work in flight: the JVM must wait for it, as for platform workers
        ExecutorService single = Executors.newSingleThreadExecutor();
        single.submit(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
            System.out.println("single: last task ran");
        });
        single.shutdown();
        System.out.println("main: done");
        Peak.print();
    }

    private static int waitLargest(ThreadPoolExecutor tpe) {
        return tpe.getLargestPoolSize();
    }
}
