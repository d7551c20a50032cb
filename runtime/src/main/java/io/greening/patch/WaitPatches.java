package io.greening.patch;

import io.greening.internal.JdkWaits;
import io.greening.internal.ThreadRecord;

import java.util.Date;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Exchanger;
import java.util.concurrent.Future;
import java.util.concurrent.Phaser;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.AbstractQueuedLongSynchronizer;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The {@code waits} group: the blocking calls of {@code java.util.concurrent} and {@code Object.wait}, made blocking
 * points of green threads, so that a kill or {@code Timeout} raises {@code GreenletExit} / {@code GreenTimeout} there
 * as an interrupt raises {@code InterruptedException} (on JDK 25 the green thread already gives its hub's carrier
 * back while it blocks in them; these rows are about kill and timeout only).
 *
 * <p>Each method makes the JDK call. On a green thread it first raises what is pending for the thread, and an
 * {@code InterruptedException} that a kill or timeout caused becomes that kill or timeout ({@link JdkWaits}). Calls
 * that ignore interrupts ({@code lock()}, {@code acquireUninterruptibly}, {@code awaitUninterruptibly},
 * {@code CompletableFuture.join}, {@code Phaser.awaitAdvance}) wait through their interruptible counterpart, on the
 * JDK's own classes only, and keep the JDK's behaviour for the application's interrupts: they wait on, and set the
 * interrupt status again when they return. A subclass or another implementation keeps its own method; what is pending
 * is raised before it. Everything is exactly the JDK call on any other thread.
 */
public final class WaitPatches {
    private WaitPatches() {}

    /** A JDK wait that an interrupt ends, and that may fail in up to two more ways of its own. */
    @FunctionalInterface
    interface Interruptible<T, X extends Exception, Y extends Exception> {
        T call() throws InterruptedException, X, Y;
    }

    /** A JDK wait that an interrupt ends, with no result. */
    @FunctionalInterface
    interface InterruptibleVoid {
        void run() throws InterruptedException;
    }

    /** {@code wait} as a blocking point: a kill or timeout that interrupts it is raised in place of the interrupt. */
    static <T, X extends Exception, Y extends Exception> T interruptibly(Interruptible<T, X, Y> wait)
            throws InterruptedException, X, Y {
        ThreadRecord me = JdkWaits.enter();
        if (me == null) {
            return wait.call();
        }
        try {
            return wait.call();
        } catch (InterruptedException e) {
            throw JdkWaits.interrupted(me, e);
        } finally {
            JdkWaits.leave(me);
        }
    }

    static void interruptiblyVoid(InterruptibleVoid wait) throws InterruptedException {
        interruptibly(() -> {
            wait.run();
            return null;
        });
    }

    /**
     * An uninterruptible JDK wait, made through its interruptible counterpart {@code wait} by the thread {@code me}
     * entered ({@link JdkWaits#enter}): a kill or timeout is raised; the application's interrupt is held back until
     * the wait is over, then set again, as the uninterruptible call does.
     */
    private static <T> T uninterruptibly(ThreadRecord me, Interruptible<T, RuntimeException, RuntimeException> wait) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return wait.call();
                } catch (InterruptedException e) {
                    JdkWaits.interrupted(me, e);
                    interrupted = true;
                }
            }
        } finally {
            JdkWaits.leave(me);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void uninterruptiblyVoid(ThreadRecord me, InterruptibleVoid wait) {
        uninterruptibly(me, () -> {
            wait.run();
            return null;
        });
    }

    // ---- Object.wait ----

    /** {@code monitor.wait()}. */
    public static void waitOn(Object monitor) throws InterruptedException {
        interruptiblyVoid(monitor::wait);
    }

    /** {@code monitor.wait(millis)}. */
    public static void waitOn(Object monitor, long millis) throws InterruptedException {
        interruptiblyVoid(() -> monitor.wait(millis));
    }

    /** {@code monitor.wait(millis, nanos)}. */
    public static void waitOn(Object monitor, long millis, int nanos) throws InterruptedException {
        interruptiblyVoid(() -> monitor.wait(millis, nanos));
    }

    /**
     * Called in selected code right after a {@code synchronized} block or method has entered its monitor, inside the
     * block (so the monitor is released as the exception leaves it): raises a kill or timeout that is pending, for
     * instance one that came while the thread waited for the monitor, which no kill can interrupt.
     */
    public static void monitorEntered() {
        JdkWaits.raisePending();
    }

    // ---- locks ----

    private static boolean isJdkLock(Lock lock) {
        Class<?> type = lock.getClass();
        return type == ReentrantLock.class || type == ReentrantReadWriteLock.ReadLock.class
                || type == ReentrantReadWriteLock.WriteLock.class;
    }

    /** {@code lock.lock()}: on the JDK's locks, through {@code lockInterruptibly}, holding back plain interrupts. */
    public static void lock(Lock lock) {
        if (!isJdkLock(lock)) {
            JdkWaits.raisePending();
            lock.lock();
            return;
        }
        ThreadRecord me = JdkWaits.enter();
        if (me == null) {
            lock.lock();
            return;
        }
        uninterruptiblyVoid(me, lock::lockInterruptibly);
    }

    /** {@code lock.lockInterruptibly()}. */
    public static void lockInterruptibly(Lock lock) throws InterruptedException {
        interruptiblyVoid(lock::lockInterruptibly);
    }

    /** {@code lock.tryLock(time, unit)}. */
    public static boolean tryLock(Lock lock, long time, TimeUnit unit) throws InterruptedException {
        return interruptibly(() -> lock.tryLock(time, unit));
    }

    // ---- conditions ----

    /** {@code condition.await()}. */
    public static void await(Condition condition) throws InterruptedException {
        interruptiblyVoid(condition::await);
    }

    /** {@code condition.await(time, unit)}. */
    public static boolean await(Condition condition, long time, TimeUnit unit) throws InterruptedException {
        return interruptibly(() -> condition.await(time, unit));
    }

    /** {@code condition.awaitNanos(nanos)}. */
    public static long awaitNanos(Condition condition, long nanos) throws InterruptedException {
        return interruptibly(() -> condition.awaitNanos(nanos));
    }

    /** {@code condition.awaitUntil(deadline)}. */
    public static boolean awaitUntil(Condition condition, Date deadline) throws InterruptedException {
        return interruptibly(() -> condition.awaitUntil(deadline));
    }

    /**
     * {@code condition.awaitUninterruptibly()}: on the JDK's conditions, through {@code await()}, which an interrupt
     * ends only before a signal (so no signal is lost), waiting again after a plain interrupt.
     */
    public static void awaitUninterruptibly(Condition condition) {
        Class<?> type = condition.getClass();
        if (type != AbstractQueuedSynchronizer.ConditionObject.class
                && type != AbstractQueuedLongSynchronizer.ConditionObject.class) {
            JdkWaits.raisePending();
            condition.awaitUninterruptibly();
            return;
        }
        ThreadRecord me = JdkWaits.enter();
        if (me == null) {
            condition.awaitUninterruptibly();
            return;
        }
        uninterruptiblyVoid(me, condition::await);
    }

    // ---- blocking queues ----

    /** {@code queue.put(e)}. */
    public static <E> void put(BlockingQueue<E> queue, E e) throws InterruptedException {
        interruptiblyVoid(() -> queue.put(e));
    }

    /** {@code queue.take()}. */
    public static <E> E take(BlockingQueue<E> queue) throws InterruptedException {
        return interruptibly(queue::take);
    }

    /** {@code queue.offer(e, timeout, unit)}. */
    public static <E> boolean offer(BlockingQueue<E> queue, E e, long timeout, TimeUnit unit) throws InterruptedException {
        return interruptibly(() -> queue.offer(e, timeout, unit));
    }

    /** {@code queue.poll(timeout, unit)}. */
    public static <E> E poll(BlockingQueue<E> queue, long timeout, TimeUnit unit) throws InterruptedException {
        return interruptibly(() -> queue.poll(timeout, unit));
    }

    // ---- semaphores, latches, barriers, phasers, exchangers ----

    /** {@code semaphore.acquire()}. */
    public static void acquire(Semaphore semaphore) throws InterruptedException {
        interruptiblyVoid(semaphore::acquire);
    }

    /** {@code semaphore.acquire(permits)}. */
    public static void acquire(Semaphore semaphore, int permits) throws InterruptedException {
        interruptiblyVoid(() -> semaphore.acquire(permits));
    }

    /** {@code semaphore.acquireUninterruptibly()}: on a {@code Semaphore} itself, through {@code acquire()}. */
    public static void acquireUninterruptibly(Semaphore semaphore) {
        acquireUninterruptibly(semaphore, 1);
    }

    /** {@code semaphore.acquireUninterruptibly(permits)}: on a {@code Semaphore} itself, through {@code acquire(permits)}. */
    public static void acquireUninterruptibly(Semaphore semaphore, int permits) {
        if (semaphore.getClass() != Semaphore.class) {
            JdkWaits.raisePending();
            semaphore.acquireUninterruptibly(permits);
            return;
        }
        ThreadRecord me = JdkWaits.enter();
        if (me == null) {
            semaphore.acquireUninterruptibly(permits);
            return;
        }
        uninterruptiblyVoid(me, () -> semaphore.acquire(permits));
    }

    /** {@code semaphore.tryAcquire(timeout, unit)}. */
    public static boolean tryAcquire(Semaphore semaphore, long timeout, TimeUnit unit) throws InterruptedException {
        return interruptibly(() -> semaphore.tryAcquire(timeout, unit));
    }

    /** {@code semaphore.tryAcquire(permits, timeout, unit)}. */
    public static boolean tryAcquire(Semaphore semaphore, int permits, long timeout, TimeUnit unit) throws InterruptedException {
        return interruptibly(() -> semaphore.tryAcquire(permits, timeout, unit));
    }

    /** {@code latch.await()}. */
    public static void await(CountDownLatch latch) throws InterruptedException {
        interruptiblyVoid(latch::await);
    }

    /** {@code latch.await(timeout, unit)}. */
    public static boolean await(CountDownLatch latch, long timeout, TimeUnit unit) throws InterruptedException {
        return interruptibly(() -> latch.await(timeout, unit));
    }

    /** {@code barrier.await()}: a kill breaks the barrier for the other parties, as an interrupt does. */
    public static int await(CyclicBarrier barrier) throws InterruptedException, BrokenBarrierException {
        return interruptibly(barrier::await);
    }

    /** {@code barrier.await(timeout, unit)}. */
    public static int await(CyclicBarrier barrier, long timeout, TimeUnit unit)
            throws InterruptedException, BrokenBarrierException, TimeoutException {
        return WaitPatches.<Integer, BrokenBarrierException, TimeoutException>interruptibly(() -> barrier.await(timeout, unit));
    }

    /** {@code phaser.awaitAdvance(phase)}: on a {@code Phaser} itself, through {@code awaitAdvanceInterruptibly}. */
    public static int awaitAdvance(Phaser phaser, int phase) {
        if (phaser.getClass() != Phaser.class) {
            JdkWaits.raisePending();
            return phaser.awaitAdvance(phase);
        }
        ThreadRecord me = JdkWaits.enter();
        if (me == null) {
            return phaser.awaitAdvance(phase);
        }
        return uninterruptibly(me, () -> phaser.awaitAdvanceInterruptibly(phase));
    }

    /** {@code phaser.awaitAdvanceInterruptibly(phase)}. */
    public static int awaitAdvanceInterruptibly(Phaser phaser, int phase) throws InterruptedException {
        return interruptibly(() -> phaser.awaitAdvanceInterruptibly(phase));
    }

    /** {@code phaser.awaitAdvanceInterruptibly(phase, timeout, unit)}. */
    public static int awaitAdvanceInterruptibly(Phaser phaser, int phase, long timeout, TimeUnit unit)
            throws InterruptedException, TimeoutException {
        return interruptibly(() -> phaser.awaitAdvanceInterruptibly(phase, timeout, unit));
    }

    /**
     * {@code phaser.arriveAndAwaitAdvance()}: on a green thread and a {@code Phaser} itself,
     * {@code awaitAdvance(arrive())}, which its Javadoc says it is equivalent to.
     */
    public static int arriveAndAwaitAdvance(Phaser phaser) {
        if (phaser.getClass() != Phaser.class || ThreadRecord.current() == null) {
            JdkWaits.raisePending();
            return phaser.arriveAndAwaitAdvance();
        }
        return awaitAdvance(phaser, phaser.arrive());
    }

    /** {@code exchanger.exchange(x)}. */
    public static <V> V exchange(Exchanger<V> exchanger, V x) throws InterruptedException {
        return interruptibly(() -> exchanger.exchange(x));
    }

    /** {@code exchanger.exchange(x, timeout, unit)}. */
    public static <V> V exchange(Exchanger<V> exchanger, V x, long timeout, TimeUnit unit)
            throws InterruptedException, TimeoutException {
        return interruptibly(() -> exchanger.exchange(x, timeout, unit));
    }

    // ---- futures ----

    /** {@code future.get()}. */
    public static <V> V get(Future<V> future) throws InterruptedException, ExecutionException {
        return interruptibly(future::get);
    }

    /** {@code future.get(timeout, unit)}. */
    public static <V> V get(Future<V> future, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        return WaitPatches.<V, ExecutionException, TimeoutException>interruptibly(() -> future.get(timeout, unit));
    }

    /**
     * {@code future.join()}: on a {@code CompletableFuture} itself, waits for it to complete through {@code get()},
     * then returns {@code join()}, which no longer waits.
     */
    public static <T> T join(CompletableFuture<T> future) {
        if (future.getClass() != CompletableFuture.class) {
            JdkWaits.raisePending();
            return future.join();
        }
        ThreadRecord me = JdkWaits.enter();
        if (me == null) {
            return future.join();
        }
        uninterruptibly(me, () -> {
            try {
                return future.get();
            } catch (ExecutionException | CancellationException completed) {
                return null;   // completed: join reports it below, as it would have
            }
        });
        return future.join();
    }
}
