package com.acme.agentapps;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;

/** Threads parked in a sleep, on a latch and on a lock until the file named by its argument appears. */
public final class DumpApp {
    public static void main(String[] args) throws Exception {
        CountDownLatch latch = new CountDownLatch(1);
        ReentrantLock lock = new ReentrantLock();
        Thread sleeper = new Thread(() -> {
            try {
                Thread.sleep(600_000);
            } catch (InterruptedException e) {
                System.out.println("sleeper interrupted");
            }
        }, "sleeper-1");
        Thread waiter = new Thread(() -> {
            try {
                latch.await();
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        }, "waiter-1");
        Thread locker = new Thread(() -> {
            lock.lock();
            lock.unlock();
        }, "locker-1");
        lock.lock();
        sleeper.start();
        waiter.start();
        locker.start();
        System.out.println("ready");
        Path go = Path.of(args[0]);
        while (!Files.exists(go)) {
            Thread.sleep(5);
        }
        sleeper.interrupt();
        latch.countDown();
        lock.unlock();
        sleeper.join();
        waiter.join();
        locker.join();
        System.out.println("done");
    }
}
