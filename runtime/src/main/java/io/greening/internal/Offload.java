package io.greening.internal;

import io.greening.Green;
import io.greening.GreenInterruptedException;
import io.greening.Hub;

import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/** The pool of real threads behind {@code Green.offload}, eventlet's {@code tpool}. */
public final class Offload {
    /** Pool size: the setting {@code offload.threads}, default 20 as eventlet's {@code EVENTLET_THREADPOOL_SIZE}. */
    public static final int THREADS = Settings.get(Settings.OFFLOAD_THREADS);

    private static final ThreadPoolExecutor POOL = newPool();

    private Offload() {}

    private static ThreadPoolExecutor newPool() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                Thread.ofPlatform().daemon().name("greening-offload-", 1).factory());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private static final class Job<T> implements Runnable {
        private final Callable<T> work;
        private final Thread waiter;
        volatile boolean done;
        T value;          // published by done
        Throwable failure;

        Job(Callable<T> work, Thread waiter) {
            this.work = work;
            this.waiter = waiter;
        }

        @Override
        public void run() {
            try {
                value = work.call();
            } catch (Throwable t) {
                failure = t;
            }
            done = true;
            LockSupport.unpark(waiter);
        }
    }

    /**
     * Runs {@code work} on the pool while the calling green thread waits green. If {@code interruptible} is false the
     * wait ignores interrupts, as the JDK's file I/O and DNS calls do, and the interrupt status is set again at the
     * end; a kill still ends the wait. Called off any hub, it runs {@code work} in place.
     */
    public static <T> T call(Callable<T> work, boolean interruptible) throws Exception {
        Hub hub = Hub.current();
        if (hub == null) {
            return work.call();
        }
        Job<T> job = new Job<>(work, Thread.currentThread());
        AtomicInteger inFlight = Access.greening().offloadsInFlight(hub);
        inFlight.incrementAndGet();
        Future<?> future = POOL.submit(job);
        boolean interrupted = false;
        try {
            while (!job.done) {
                try {
                    Parking.parkUntil(Deadlines.NO_DEADLINE, job);
                } catch (GreenInterruptedException e) {
                    if (interruptible) {
                        throw e;
                    }
                    interrupted = true;
                }
            }
        } catch (RuntimeException | Error killedOrInterrupted) {
            future.cancel(true);
            throw killedOrInterrupted;
        } finally {
            inFlight.decrementAndGet();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        Throwable failure = job.failure;
        if (failure == null) {
            return job.value;
        }
        if (failure instanceof Exception e) {
            throw e;
        }
        throw (Error) failure;
    }
}
