package io.greening.patch;

import io.greening.Hub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Why the agent's table has no rows for blocking on locks (its {@code timed-waits} group only moves the timeouts of
 * timed waits to hub timers): on JDK 25 a green thread (a virtual thread on a hub) that blocks on any of these
 * primitives unmounts and gives the hub's single carrier back. Each case blocks one green thread on the
 * primitive, then requires a second green thread of the same hub to run to completion before the first is released:
 * were the carrier pinned, the second could never run.
 */
@org.junit.jupiter.api.Timeout(60)
class LocksOnHubTest {
    private static final long WAIT_SECONDS = 20;
    private static Hub hub;

    @BeforeAll
    static void startHub() {
        hub = Hub.start("locks-test");
    }

    @AfterAll
    static void closeHub() {
        hub.close();
    }

    /** Blocks a green thread with {@code block}, proves the carrier free, then {@code release}s it. */
    private static void assertCarrierReleased(ThrowingRunnable block, ThrowingRunnable release) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        Throwable[] failure = new Throwable[1];
        Thread blocked = hub.spawn(() -> {
            try {
                block.run();
            } catch (Throwable t) {
                failure[0] = t;
            }
            done.countDown();
        }).thread();
        awaitBlocked(blocked);
        CountDownLatch otherRan = new CountDownLatch(1);
        hub.spawn(otherRan::countDown);
        assertTrue(otherRan.await(WAIT_SECONDS, TimeUnit.SECONDS), "the blocked green thread kept the hub's carrier");
        assertEquals(1, done.getCount(), "still blocked while the other green thread ran");
        release.run();
        assertTrue(done.await(WAIT_SECONDS, TimeUnit.SECONDS), "released");
        if (failure[0] != null) {
            throw new AssertionError(failure[0]);
        }
    }

    private static void awaitBlocked(Thread thread) throws InterruptedException {
        while (true) {
            Thread.State s = thread.getState();
            if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.BLOCKED) {
                return;
            }
            Thread.sleep(1);   // polling the condition; the class timeout bounds it
        }
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** A platform thread that holds something until told to let go. */
    private static final class Holder {
        final CountDownLatch holding = new CountDownLatch(1);
        final CountDownLatch letGo = new CountDownLatch(1);
        final Thread thread;

        Holder(ThrowingRunnable acquire, ThrowingRunnable release) throws InterruptedException {
            thread = Thread.ofPlatform().start(() -> {
                try {
                    acquire.run();
                    holding.countDown();
                    letGo.await();
                    release.run();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            holding.await();
        }

        void letGo() throws InterruptedException {
            letGo.countDown();
            thread.join();
        }
    }

    @Test
    void synchronizedBlock() throws Exception {
        Object monitor = new Object();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().start(() -> {
            synchronized (monitor) {
                holding.countDown();
                try {
                    letGo.await();
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
            }
        });
        holding.await();
        assertCarrierReleased(() -> {
            synchronized (monitor) {
                assertTrue(Thread.holdsLock(monitor));
            }
        }, letGo::countDown);
        holder.join();
    }

    @Test
    void objectWaitAndNotify() throws Exception {
        Object monitor = new Object();
        boolean[] ready = new boolean[1];
        assertCarrierReleased(() -> {
            synchronized (monitor) {
                while (!ready[0]) {
                    monitor.wait();
                }
            }
        }, () -> {
            synchronized (monitor) {
                ready[0] = true;
                monitor.notifyAll();
            }
        });
    }

    @Test
    void timedObjectWait() throws Exception {
        Object monitor = new Object();
        boolean[] ready = new boolean[1];
        assertCarrierReleased(() -> {
            synchronized (monitor) {
                while (!ready[0]) {
                    monitor.wait(60_000);
                }
            }
        }, () -> {
            synchronized (monitor) {
                ready[0] = true;
                monitor.notifyAll();
            }
        });
    }

    @Test
    void reentrantLock() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        Holder holder = new Holder(lock::lock, lock::unlock);
        assertCarrierReleased(() -> {
            lock.lock();
            lock.unlock();
        }, holder::letGo);
    }

    @Test
    void timedTryLock() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        Holder holder = new Holder(lock::lock, lock::unlock);
        assertCarrierReleased(() -> {
            assertTrue(lock.tryLock(60, TimeUnit.SECONDS));
            lock.unlock();
        }, holder::letGo);
    }

    @Test
    void readWriteLock() throws Exception {
        ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        Holder holder = new Holder(() -> lock.writeLock().lock(), () -> lock.writeLock().unlock());
        assertCarrierReleased(() -> {
            lock.readLock().lock();
            lock.readLock().unlock();
        }, holder::letGo);
    }

    @Test
    void condition() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        Condition changed = lock.newCondition();
        boolean[] ready = new boolean[1];
        assertCarrierReleased(() -> {
            lock.lock();
            try {
                while (!ready[0]) {
                    changed.await();
                }
            } finally {
                lock.unlock();
            }
        }, () -> {
            lock.lock();
            try {
                ready[0] = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        });
    }

    @Test
    void semaphore() throws Exception {
        Semaphore semaphore = new Semaphore(0);
        assertCarrierReleased(semaphore::acquire, semaphore::release);
    }

    @Test
    void countDownLatch() throws Exception {
        CountDownLatch latch = new CountDownLatch(1);
        assertCarrierReleased(latch::await, latch::countDown);
    }

    @Test
    void blockingQueues() throws Exception {
        for (BlockingQueue<String> queue : java.util.List.<BlockingQueue<String>>of(new LinkedBlockingQueue<>(),
                new ArrayBlockingQueue<>(1), new SynchronousQueue<>())) {
            assertCarrierReleased(() -> assertEquals("x", queue.take()), () -> queue.put("x"));
            assertCarrierReleased(() -> assertEquals("y", queue.poll(60, TimeUnit.SECONDS)), () -> queue.put("y"));
        }
    }

    @Test
    void timedVariantsTimeOutOnAGreenThread() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        Holder holder = new Holder(lock::lock, lock::unlock);
        Semaphore semaphore = new Semaphore(0);
        LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
        boolean[] results = hub.spawn(() -> new boolean[] {
                lock.tryLock(20, TimeUnit.MILLISECONDS),
                semaphore.tryAcquire(20, TimeUnit.MILLISECONDS),
                queue.poll(20, TimeUnit.MILLISECONDS) != null,
                new CountDownLatch(1).await(20, TimeUnit.MILLISECONDS)}).get();
        assertArrayEquals(new boolean[] {false, false, false, false}, results);
        holder.letGo();
    }
}
