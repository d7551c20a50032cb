package io.greening.agent;

import io.greening.Green;
import io.greening.GreenThread;
import io.greening.GreenTimeout;
import io.greening.GreenletExit;
import io.greening.Hub;
import io.greening.Timeout;
import io.greening.agent.CallSiteRewriterTest.RewritingLoader;
import io.greening.agent.fixtures.WaitsFixture;
import io.greening.internal.PatchGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Exchanger;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Phaser;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Kill and {@code Timeout} at every blocking JDK call the agent knows: each call of {@link WaitsFixture} blocks a green
 * thread, which is then killed, or whose {@code Timeout} expires, while it waits. Rewritten with the agent's table,
 * the call raises {@code GreenletExit} / {@code GreenTimeout} at once (a {@code synchronized} entry: as soon as it has
 * the monitor, before its body). Not rewritten (the library without the agent, or the row switched off), the call
 * behaves as {@code docs/eventlet-gevent.md} says: a kill interrupts it (the call fails in its own way and the thread
 * dies of the kill) or, if the call ignores interrupts, does not stop it, and the thread still dies of the kill when its
 * body ends; a timeout does not reach it.
 */
@org.junit.jupiter.api.Timeout(180)
class KillAtBlockingCallsTest {
    private static final Duration TIMEOUT = Duration.ofMillis(100);
    private static final Duration LONG_ENOUGH = Duration.ofSeconds(20);
    private static Hub hub;
    private static Class<?> rewritten;
    private static Class<?> plain;
    private static Map<String, Integer> rewrites;
    private static ServerSocket server;

    /** How a kill or timeout meets a blocked call. */
    enum Reach {
        /** The call raises it while it waits: GreenletExit or GreenTimeout, nothing else. */
        RAISED_AT_THE_CALL,
        /** A synchronized block: the entry waits for the monitor, then raises it before the body runs. */
        RAISED_ON_ENTRY_ONCE_RELEASED,
        /** The kill's interrupt makes the call fail in its own way; the thread dies of the kill, with that as cause. */
        CALL_FAILS_OF_THE_INTERRUPT,
        /** The call waits on until released; a kill is still what the thread dies of, a timeout is not raised. */
        NOT_AT_THE_CALL
    }

    /**
     * What blocks: the fixture method's arguments, how to let it go, and what to clean up when it was not let go (the
     * call ended otherwise).
     */
    record Blocking(Object[] args, Release release, Release cleanUp) {
        Blocking(Object[] args, Release release) {
            this(args, release, release);
        }
    }

    @FunctionalInterface
    interface Release {
        void run() throws Exception;
    }

    /**
     * One blocking call: the fixture method, the row label that rewrites it, and how a kill meets it when it is not
     * rewritten.
     */
    record Case(String method, String row, Reach plainKill, Supplier<Blocking> prepare) {
        Reach rewrittenReach() {
            return method.equals("synchronizedBlock") ? Reach.RAISED_ON_ENTRY_ONCE_RELEASED : Reach.RAISED_AT_THE_CALL;
        }

        @Override
        public String toString() {
            return method;
        }
    }

    @BeforeAll
    static void setUp() throws Exception {
        hub = Hub.start("kill-points");
        RewritingLoader agent = new RewritingLoader(Rewrites.index(EnumSet.allOf(PatchGroup.class)), null);
        rewritten = agent.loadClass(WaitsFixture.class.getName());
        rewrites = agent.rewrites;
        plain = new RewritingLoader(Map.of(), null).loadClass(WaitsFixture.class.getName());
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    @AfterAll
    static void tearDown() throws IOException {
        hub.close();
        server.close();
    }

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (Case c : CASES) {
            for (boolean agent : new boolean[] {true, false}) {
                for (boolean kill : new boolean[] {true, false}) {
                    all.add(Arguments.of(c, agent ? "rewritten" : "plain", kill ? "kill" : "timeout"));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void aKillOrTimeoutMeetsTheBlockedCallAsDocumented(Case c, String code, String what) throws Exception {
        boolean agent = code.equals("rewritten");
        boolean kill = what.equals("kill");
        if (agent) {
            assertTrue(rewrites.getOrDefault(c.row(), 0) > 0, "the row " + c.row() + " rewrote the fixture: " + rewrites);
        }
        Reach expected = agent ? c.rewrittenReach() : kill ? c.plainKill() : Reach.NOT_AT_THE_CALL;
        Method method = method(agent ? rewritten : plain, c.method());
        Blocking blocking = c.prepare().get();
        AtomicBoolean returned = new AtomicBoolean();
        GreenThread<Void> thread = hub.spawn(() -> {
            if (kill) {
                call(method, blocking.args());
            } else {
                try (Timeout t = Timeout.of(TIMEOUT)) {
                    call(method, blocking.args());
                }
            }
            returned.set(true);
            return null;
        });
        awaitBlocked(thread.thread());
        if (kill) {
            thread.kill();
        }
        boolean released = false;
        try {
            switch (expected) {
                case RAISED_AT_THE_CALL -> {
                    assertTrue(thread.join(LONG_ENOUGH), "raised while the call still waited");
                    Throwable e = ending(thread);
                    assertTrue(kill ? e instanceof GreenletExit : e instanceof GreenTimeout, String.valueOf(e));
                    assertNull(e.getCause(), "raised itself, not a failure of the call: " + e);
                }
                case CALL_FAILS_OF_THE_INTERRUPT -> {
                    assertTrue(thread.join(LONG_ENOUGH), "the interrupt ended the call");
                    Throwable e = ending(thread);
                    assertTrue(e instanceof GreenletExit, String.valueOf(e));
                    assertNotNull(e.getCause(), "the call's own failure is the cause: " + e);
                }
                case RAISED_ON_ENTRY_ONCE_RELEASED, NOT_AT_THE_CALL -> {
                    assertStillBlocked(thread, returned);
                    blocking.release().run();
                    released = true;
                    assertTrue(thread.join(LONG_ENOUGH), "released");
                    Throwable e = ending(thread);
                    if (expected == Reach.RAISED_ON_ENTRY_ONCE_RELEASED) {
                        assertTrue(kill ? e instanceof GreenletExit : e instanceof GreenTimeout, String.valueOf(e));
                        assertFalse(((AtomicBoolean) blocking.args()[1]).get(), "the synchronized body did not run");
                    } else {
                        assertTrue(returned.get(), "the call returned");
                        if (kill) {
                            assertTrue(e instanceof GreenletExit, "a kill is never lost: " + e);
                        } else {
                            assertNull(e, "a timeout that never reached a blocking point is not raised");
                        }
                    }
                }
            }
            assertFalse(thread.thread().isInterrupted());
        } finally {
            if (!released) {
                blocking.cleanUp().run();
            }
        }
    }

    /** The fixture exercises every row of the group, so that switching a row off fails its case. */
    @Test
    void everyWaitsRowTheFixtureNeedsRewroteIt() {
        for (Case c : CASES) {
            assertTrue(rewrites.getOrDefault(c.row(), 0) > 0, c.row() + " in " + rewrites);
        }
    }

    private static void call(Method method, Object[] args) throws Exception {
        try {
            method.invoke(null, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw (Error) e.getCause();
        }
    }

    private static Method method(Class<?> fixture, String name) {
        for (Method m : fixture.getMethods()) {
            if (m.getName().equals(name)) {
                return m;
            }
        }
        throw new AssertionError("no fixture method " + name);
    }

    private static void awaitBlocked(Thread thread) throws InterruptedException {
        while (true) {
            Thread.State s = thread.getState();
            if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.BLOCKED
                    || s == Thread.State.TERMINATED) {
                return;
            }
            Thread.sleep(1);   // polling the condition; the class timeout bounds it
        }
    }

    /**
     * The thread is still in the call after the kill or timeout had its chance: a probe green thread of the same
     * one-carrier hub, spawned now and (for a timeout) waking after the timeout's timer, runs after whatever they made
     * ready, including the blocked thread's wake-up.
     */
    private static void assertStillBlocked(GreenThread<?> thread, AtomicBoolean returned) {
        hub.spawn(() -> Green.sleep(TIMEOUT.multipliedBy(2))).join();
        assertFalse(thread.isDead(), () -> "still blocked, but it ended: " + thread.exception());
        assertFalse(returned.get(), "still in the call");
    }

    // ---- the cases ----

    private static final List<Case> CASES = List.of(
            new Case("objectWait", "Object.wait", Reach.CALL_FAILS_OF_THE_INTERRUPT, KillAtBlockingCallsTest::monitorWait),
            new Case("objectWaitMillis", "Object.wait", Reach.CALL_FAILS_OF_THE_INTERRUPT, KillAtBlockingCallsTest::monitorWait),
            new Case("objectWaitMillisNanos", "Object.wait", Reach.CALL_FAILS_OF_THE_INTERRUPT, KillAtBlockingCallsTest::monitorWait),
            new Case("synchronizedBlock", "synchronized entry", Reach.NOT_AT_THE_CALL, () -> {
                Object monitor = new Object();
                Holder holder = Holder.hold(monitor);
                return new Blocking(new Object[] {monitor, new AtomicBoolean()}, holder::letGo);
            }),
            new Case("lockThroughInterface", "Lock.lock", Reach.NOT_AT_THE_CALL, () -> heldLock(new ReentrantLock())),
            new Case("reentrantLock", "ReentrantLock.lock", Reach.NOT_AT_THE_CALL, () -> heldLock(new ReentrantLock(true))),
            new Case("readLock", "ReentrantReadWriteLock.ReadLock.lock", Reach.NOT_AT_THE_CALL, () -> {
                ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
                Holder holder = Holder.hold(rw.writeLock());
                return new Blocking(new Object[] {rw.readLock()}, holder::letGo);
            }),
            new Case("writeLock", "ReentrantReadWriteLock.WriteLock.lock", Reach.NOT_AT_THE_CALL, () -> {
                ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
                Holder holder = Holder.hold(rw.readLock());
                return new Blocking(new Object[] {rw.writeLock()}, holder::letGo);
            }),
            new Case("lockInterruptibly", "Lock.lockInterruptibly", Reach.CALL_FAILS_OF_THE_INTERRUPT, () -> heldLock(new ReentrantLock())),
            new Case("tryLock", "ReentrantLock.tryLock", Reach.CALL_FAILS_OF_THE_INTERRUPT, () -> heldLock(new ReentrantLock())),
            new Case("conditionAwait", "Condition.await", Reach.CALL_FAILS_OF_THE_INTERRUPT, KillAtBlockingCallsTest::conditionWait),
            new Case("conditionAwaitTimed", "Condition.await", Reach.CALL_FAILS_OF_THE_INTERRUPT, KillAtBlockingCallsTest::conditionWait),
            new Case("conditionAwaitNanos", "Condition.awaitNanos", Reach.CALL_FAILS_OF_THE_INTERRUPT, KillAtBlockingCallsTest::conditionWait),
            new Case("conditionAwaitUntil", "Condition.awaitUntil", Reach.CALL_FAILS_OF_THE_INTERRUPT, KillAtBlockingCallsTest::conditionWait),
            new Case("conditionAwaitUninterruptibly", "Condition.awaitUninterruptibly", Reach.NOT_AT_THE_CALL, KillAtBlockingCallsTest::conditionWait),
            new Case("queueTake", "BlockingQueue.take", Reach.CALL_FAILS_OF_THE_INTERRUPT, () -> {
                LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
                return new Blocking(new Object[] {queue}, () -> queue.put("x"));
            }),
            new Case("linkedQueueTake", "LinkedBlockingQueue.take", Reach.CALL_FAILS_OF_THE_INTERRUPT, () -> {
                LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
                return new Blocking(new Object[] {queue}, () -> queue.put("x"));
            }),
            new Case("arrayQueuePut", "ArrayBlockingQueue.put", Reach.CALL_FAILS_OF_THE_INTERRUPT, KillAtBlockingCallsTest::fullQueue),
            new Case("arrayQueueOffer", "ArrayBlockingQueue.offer", Reach.CALL_FAILS_OF_THE_INTERRUPT, KillAtBlockingCallsTest::fullQueue),
            new Case("queuePoll", "BlockingQueue.poll", Reach.CALL_FAILS_OF_THE_INTERRUPT, () -> {
                ArrayBlockingQueue<Object> queue = new ArrayBlockingQueue<>(1);
                return new Blocking(new Object[] {queue}, () -> queue.put("x"));
            }),
            new Case("synchronousQueueTake", "SynchronousQueue.take", Reach.CALL_FAILS_OF_THE_INTERRUPT, () -> {
                SynchronousQueue<Object> queue = new SynchronousQueue<>();
                return new Blocking(new Object[] {queue}, () -> queue.offer("x", 10, TimeUnit.SECONDS));
            }),
            new Case("semaphoreAcquire", "Semaphore.acquire", Reach.CALL_FAILS_OF_THE_INTERRUPT, () -> noPermits(1)),
            new Case("semaphoreAcquireTwo", "Semaphore.acquire", Reach.CALL_FAILS_OF_THE_INTERRUPT, () -> noPermits(2)),
            new Case("semaphoreAcquireUninterruptibly", "Semaphore.acquireUninterruptibly", Reach.NOT_AT_THE_CALL, () -> noPermits(1)),
            new Case("semaphoreTryAcquire", "Semaphore.tryAcquire", Reach.CALL_FAILS_OF_THE_INTERRUPT, () -> noPermits(1)),
            new Case("latchAwait", "CountDownLatch.await", Reach.CALL_FAILS_OF_THE_INTERRUPT, KillAtBlockingCallsTest::closedLatch),
            new Case("latchAwaitTimed", "CountDownLatch.await", Reach.CALL_FAILS_OF_THE_INTERRUPT, KillAtBlockingCallsTest::closedLatch),
            new Case("barrierAwait", "CyclicBarrier.await", Reach.CALL_FAILS_OF_THE_INTERRUPT, () -> {
                CyclicBarrier barrier = new CyclicBarrier(2);
                return new Blocking(new Object[] {barrier}, () -> {
                    if (!barrier.isBroken()) {
                        barrier.await(10, TimeUnit.SECONDS);
                    }
                });
            }),
            new Case("phaserAwaitAdvance", "Phaser.awaitAdvance", Reach.NOT_AT_THE_CALL, () -> {
                Phaser phaser = new Phaser(1);
                return new Blocking(new Object[] {phaser}, phaser::arrive);
            }),
            new Case("phaserArriveAndAwaitAdvance", "Phaser.arriveAndAwaitAdvance", Reach.NOT_AT_THE_CALL, () -> {
                Phaser phaser = new Phaser(2);
                return new Blocking(new Object[] {phaser}, phaser::arrive);
            }),
            new Case("exchange", "Exchanger.exchange", Reach.CALL_FAILS_OF_THE_INTERRUPT, () -> {
                Exchanger<Object> exchanger = new Exchanger<>();
                return new Blocking(new Object[] {exchanger}, () -> exchanger.exchange("yours", 10, TimeUnit.SECONDS), () -> { });
            }),
            new Case("futureGet", "Future.get", Reach.CALL_FAILS_OF_THE_INTERRUPT, () -> {
                CompletableFuture<Object> future = new CompletableFuture<>();
                return new Blocking(new Object[] {future}, () -> future.complete("x"));
            }),
            new Case("futureTaskGet", "FutureTask.get", Reach.CALL_FAILS_OF_THE_INTERRUPT, () -> {
                FutureTask<Object> task = new FutureTask<>(() -> "x");
                return new Blocking(new Object[] {task}, task::run);
            }),
            new Case("completableFutureJoin", "CompletableFuture.join", Reach.NOT_AT_THE_CALL, () -> {
                CompletableFuture<Object> future = new CompletableFuture<>();
                return new Blocking(new Object[] {future}, () -> future.complete("x"));
            }),
            new Case("threadJoin", "Thread.join", Reach.CALL_FAILS_OF_THE_INTERRUPT, () -> {
                CountDownLatch letGo = new CountDownLatch(1);
                Thread platform = Thread.ofPlatform().start(() -> {
                    try {
                        letGo.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                return new Blocking(new Object[] {platform}, () -> {
                    letGo.countDown();
                    platform.join();
                });
            }),
            new Case("threadSleep", "Thread.sleep", Reach.CALL_FAILS_OF_THE_INTERRUPT,
                    () -> new Blocking(new Object[] {1500L}, () -> { })),
            new Case("socketRead", "new Socket", Reach.CALL_FAILS_OF_THE_INTERRUPT, KillAtBlockingCallsTest::silentPeer),
            new Case("channelRead", "SocketChannel.read", Reach.CALL_FAILS_OF_THE_INTERRUPT, KillAtBlockingCallsTest::silentPeer));

    private static Blocking monitorWait() {
        Object monitor = new Object();
        AtomicBoolean released = new AtomicBoolean();
        return new Blocking(new Object[] {monitor, released}, () -> {
            synchronized (monitor) {
                released.set(true);
                monitor.notifyAll();
            }
        });
    }

    private static Blocking heldLock(Lock lock) {
        Holder holder = Holder.hold(lock);
        return new Blocking(new Object[] {lock}, holder::letGo);
    }

    private static Blocking conditionWait() {
        ReentrantLock lock = new ReentrantLock();
        Condition condition = lock.newCondition();
        AtomicBoolean released = new AtomicBoolean();
        return new Blocking(new Object[] {lock, condition, released}, () -> {
            lock.lock();
            try {
                released.set(true);
                condition.signalAll();
            } finally {
                lock.unlock();
            }
        });
    }

    private static Blocking fullQueue() {
        ArrayBlockingQueue<Object> full = new ArrayBlockingQueue<>(1);
        full.add("first");
        return new Blocking(new Object[] {full}, full::take);
    }

    private static Blocking noPermits(int wanted) {
        Semaphore semaphore = new Semaphore(0);
        return new Blocking(new Object[] {semaphore}, () -> semaphore.release(wanted));
    }

    private static Blocking closedLatch() {
        CountDownLatch latch = new CountDownLatch(1);
        return new Blocking(new Object[] {latch}, latch::countDown);
    }

    /** A peer that accepts the fixture's connection and sends nothing until released. */
    private static Blocking silentPeer() {
        CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                return server.accept();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, task -> Thread.ofPlatform().start(task));
        InetSocketAddress address = new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
        return new Blocking(new Object[] {address}, () -> {
            try (Socket peer = accepted.get(10, TimeUnit.SECONDS); OutputStream out = peer.getOutputStream()) {
                out.write(1);
                out.flush();
                peer.shutdownOutput();
                peer.getInputStream().read();   // until the fixture closed its end, so the byte reached it first
            }
        }, () -> accepted.get(10, TimeUnit.SECONDS).close());   // the kill or timeout closed the fixture's end already
    }

    /** A platform thread that holds a lock or monitor until let go. */
    private static final class Holder {
        private final CountDownLatch letGo = new CountDownLatch(1);
        private final Thread thread;

        static Holder hold(Lock lock) {
            return new Holder(whileHeld -> {
                lock.lock();
                try {
                    whileHeld.run();
                } finally {
                    lock.unlock();
                }
            });
        }

        static Holder hold(Object monitor) {
            return new Holder(whileHeld -> {
                synchronized (monitor) {
                    whileHeld.run();
                }
            });
        }

        /** Starts a platform thread that takes something, runs the given waiting as long as it holds it, then lets go. */
        private Holder(Consumer<Runnable> holdWhile) {
            CountDownLatch holding = new CountDownLatch(1);
            thread = Thread.ofPlatform().start(() -> holdWhile.accept(() -> {
                holding.countDown();
                await(letGo);
            }));
            await(holding);
        }

        void letGo() throws InterruptedException {
            letGo.countDown();
            thread.join();
        }

        private static void await(CountDownLatch latch) {
            try {
                latch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** How the thread ended: what its body threw, or a kill's {@link GreenletExit}, which is no failure for {@code exception()}. */
    private static Throwable ending(GreenThread<?> thread) {
        try {
            thread.get();
            return null;
        } catch (Throwable e) {
            return e;
        }
    }
}
