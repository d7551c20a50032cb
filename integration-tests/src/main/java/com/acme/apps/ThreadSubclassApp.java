package com.acme.apps;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * An app built on {@code Thread} subclasses: workers that override {@code run}, a subclass handed a Runnable,
 * daemon and priority settings, {@code join}, {@code join(millis)}, {@code isAlive} and {@code interrupt} of a
 * sleeping thread.
 *
 * <pre>ThreadSubclassApp [workers]</pre>
 */
public final class ThreadSubclassApp {
    private ThreadSubclassApp() {}

    /** Sums the squares of its range, taking a short nap half-way. */
    static final class Worker extends Thread {
        private final int from;
        private final int to;
        private long result;

        Worker(int index, int from, int to) {
            super("worker-" + index);
            this.from = from;
            this.to = to;
            setDaemon(index % 2 == 0);
            setPriority(index % 3 == 0 ? MAX_PRIORITY : NORM_PRIORITY);
        }

        @Override
        public void run() {
            long sum = 0;
            for (int i = from; i < to; i++) {
                sum += (long) i * i;
                if (i == (from + to) / 2) {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
            result = sum;
        }

        long result() {
            return result;
        }
    }

    /** Sleeps "forever" until interrupted, and reports how it woke. */
    static final class Sleeper extends Thread {
        private final CountDownLatch sleeping = new CountDownLatch(1);
        private volatile String outcome = "not woken";

        Sleeper() {
            super("sleeper");
        }

        @Override
        public void run() {
            sleeping.countDown();
            try {
                Thread.sleep(600_000);
                outcome = "slept through";
            } catch (InterruptedException e) {
                outcome = "interrupted, flag cleared=" + !Thread.currentThread().isInterrupted();
            }
        }
    }

    /** A subclass that only names its thread and runs the Runnable it was given. */
    static final class Named extends Thread {
        Named(Runnable body, String name) {
            super(body, name);
        }
    }

    public static void main(String[] args) throws InterruptedException {
        int workers = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        List<Worker> started = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            Worker worker = new Worker(w, w * 1_000, (w + 1) * 1_000);
            worker.start();
            started.add(worker);
        }
        long total = 0;
        int aliveAfterJoin = 0;
        for (Worker worker : started) {
            worker.join();
            total += worker.result();
            aliveAfterJoin += worker.isAlive() ? 1 : 0;
        }
        System.out.println("workers: count=" + workers + " sum=" + total + " alive-after-join=" + aliveAfterJoin);

        Sleeper sleeper = new Sleeper();
        sleeper.start();
        sleeper.sleeping.await();
        sleeper.join(20);
        boolean aliveWhileSleeping = sleeper.isAlive();
        sleeper.interrupt();
        sleeper.join();
        System.out.println("sleeper: alive-while-sleeping=" + aliveWhileSleeping + " " + sleeper.outcome
                + " alive-after-join=" + sleeper.isAlive());

        long[] fromNamed = new long[1];
        Named named = new Named(() -> fromNamed[0] = Thread.currentThread().getName().length(), "named-thread");
        named.start();
        named.join();
        System.out.println("named: ran-as=" + named.getName() + " saw-name-length=" + fromNamed[0]);
        Peak.print();
    }
}
