package com.acme.agentapps;

import com.acme.apps.Peak;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Blocking on locks, plain Java: monitors with wait/notify, a lock with conditions, a semaphore, a latch, a queue. The
 * agent has no rows for them (a JDK 25 virtual thread unmounts when it blocks); its timed-waits group moves their
 * timeouts to hub timers.
 */
public final class LocksGroupApp {
    private static final Object MONITOR = new Object();
    private static int monitorCount;
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Condition TURN = LOCK.newCondition();
    private static int turn;
    private static int monitorSeen;

    public static void main(String[] args) throws Exception {
        int workers = 64;
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(workers);
        Semaphore permits = new Semaphore(3);
        BlockingQueue<Integer> queue = new ArrayBlockingQueue<>(4);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            int me = i;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    for (int k = 0; k < 100; k++) {
                        synchronized (MONITOR) {
                            monitorCount++;
                            MONITOR.notifyAll();
                        }
                    }
                    LOCK.lock();
                    try {
                        while (turn != me) {
                            TURN.await();
                        }
                        turn++;
                        TURN.signalAll();
                    } finally {
                        LOCK.unlock();
                    }
                    permits.acquire();
                    try {
                        queue.put(me);
                    } finally {
                        permits.release();
                    }
                    done.countDown();
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
            });
            threads.add(t);
            t.start();
        }
        Thread waiter = new Thread(() -> {
            synchronized (MONITOR) {
                while (monitorCount < workers * 100) {
                    try {
                        MONITOR.wait(10_000);
                    } catch (InterruptedException e) {
                        throw new RuntimeException(e);
                    }
                }
            }
            monitorSeen = monitorCount;
        });
        waiter.start();
        start.countDown();
        long sum = 0;
        for (int i = 0; i < workers; i++) {
            Integer taken = queue.poll(60, TimeUnit.SECONDS);
            sum += taken == null ? -1_000_000 : taken;
        }
        System.out.println("latch: all done=" + done.await(60, TimeUnit.SECONDS));
        waiter.join();
        System.out.println("monitor: count=" + monitorSeen);
        for (Thread t : threads) {
            t.join();
        }
        System.out.println("queue: sum=" + sum + " turns=" + turn + " permits=" + permits.availablePermits());
        ReentrantLock held = new ReentrantLock();
        held.lock();
        Thread tryer = new Thread(() -> {
            try {
                System.out.println("tryLock with timeout: " + held.tryLock(20, TimeUnit.MILLISECONDS));
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        tryer.start();
        tryer.join();
        held.unlock();
        Peak.print();
    }
}
