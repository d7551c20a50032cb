package io.greening.patch;

import io.greening.diagnostics.ThreadDump;
import io.greening.Hub;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** The threads patches as a rewritten call site calls them. */
@org.junit.jupiter.api.Timeout(60)
class ThreadPatchesTest {

    @Test
    void startedThreadRunsGreenUnderItsOwnNameAndJoinIsAliveGetStateWork() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        Thread t = new Thread(() -> {
            ranOn.set(Thread.currentThread());
            try {
                go.await();
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        }, "worker-7");
        ThreadPatches.start(t);
        while (ranOn.get() == null) {
            Thread.onSpinWait();
        }
        assertTrue(ranOn.get().isVirtual());
        Hub hub = Hub.of(ranOn.get());
        assertTrue(hub == Hubs.scheduler() || hub.group() == Hubs.scheduler(), "runs on the agent's hubs: " + hub);
        assertEquals("worker-7", ranOn.get().getName());
        assertTrue(ThreadPatches.isAlive(t));
        assertFalse(t.isAlive(), "the original object itself never started");
        assertNotEquals(Thread.State.NEW, ThreadPatches.getState(t));
        go.countDown();
        ThreadPatches.join(t);
        assertFalse(ThreadPatches.isAlive(t));
        assertEquals(Thread.State.TERMINATED, ThreadPatches.getState(t));
        assertThrows(IllegalThreadStateException.class, () -> ThreadPatches.start(t), "a thread starts once");
    }

    @Test
    void timedJoinsAndJoinDuration() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        Thread t = waitingOn(go, "worker");
        ThreadPatches.start(t);
        ThreadPatches.join(t, 1);
        ThreadPatches.join(t, 0, 1000);
        assertFalse(ThreadPatches.join(t, Duration.ofMillis(1)));
        assertTrue(ThreadPatches.isAlive(t));
        go.countDown();
        assertTrue(ThreadPatches.join(t, Duration.ofSeconds(30)));
    }

    @Test
    void interruptReachesTheGreenStandInAndSleepThrowsAsTheJdk() throws Exception {
        AtomicReference<String> outcome = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                SleepPatches.sleep(60_000);
                outcome.set("slept");
            } catch (InterruptedException e) {
                outcome.set(e.getMessage() + " interrupted-now=" + Thread.currentThread().isInterrupted());
            }
        });
        ThreadPatches.start(t);
        Thread standIn = GreenThreads.standInOf(t);
        while (standIn.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        assertFalse(ThreadPatches.isInterrupted(t));
        ThreadPatches.interrupt(t);
        ThreadPatches.join(t);
        assertEquals("sleep interrupted interrupted-now=false", outcome.get());
    }

    @Test
    void uncaughtExceptionGoesToTheOriginalsHandlerNamingTheOriginal() throws Exception {
        AtomicReference<Thread> reportedThread = new AtomicReference<>();
        AtomicReference<Throwable> reported = new AtomicReference<>();
        Thread t = new Thread(() -> {
            throw new IllegalStateException("boom");
        });
        t.setUncaughtExceptionHandler((thread, e) -> {
            reportedThread.set(thread);
            reported.set(e);
        });
        ThreadPatches.start(t);
        ThreadPatches.join(t);
        assertSame(t, reportedThread.get());
        assertEquals("boom", reported.get().getMessage());
    }

    static final class OwnStart extends Thread {
        final AtomicInteger starts = new AtomicInteger();
        volatile boolean ranVirtual;

        @Override
        public void start() {
            starts.incrementAndGet();
            ThreadPatches.startSuper(this);   // what a rewritten super.start() calls
        }

        @Override
        public void run() {
            ranVirtual = Thread.currentThread().isVirtual();
        }
    }

    @Test
    void anOverriddenStartRunsAndItsSuperStartGoesGreen() throws Exception {
        OwnStart t = new OwnStart();
        ThreadPatches.start(t);
        ThreadPatches.join(t);
        assertEquals(1, t.starts.get());
        assertTrue(t.ranVirtual);
    }

    @Test
    void platformBuildersStartGreenAndVirtualBuildersAreLeftAlone() throws Exception {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        Thread t = ThreadPatches.start(Thread.ofPlatform().name("built"), () -> ranOn.set(Thread.currentThread()));
        ThreadPatches.join(t);
        assertTrue(ranOn.get().isVirtual());
        assertEquals("built", ranOn.get().getName());
        Thread f = ThreadPatches.factory(Thread.ofPlatform().name("f-", 0)).newThread(() -> { });
        assertTrue(f.isVirtual());
        assertEquals("f-0", f.getName());
        Thread v = ThreadPatches.start((Thread.Builder) Thread.ofVirtual(), () -> { });
        v.join();
        assertNull(Hub.of(v), "a plain virtual thread started off the hub stays the JDK's");
    }

    @Test
    void poolsKeepTheirLimitsWithGreenWorkers() throws Exception {
        ExecutorService pool = ThreadPatches.newFixedThreadPool(2);
        try {
            Set<Thread> workers = ConcurrentHashMap.newKeySet();
            AtomicInteger running = new AtomicInteger();
            AtomicInteger peak = new AtomicInteger();
            CountDownLatch twoIn = new CountDownLatch(2);
            CountDownLatch go = new CountDownLatch(1);
            Future<?>[] tasks = new Future<?>[6];
            for (int i = 0; i < tasks.length; i++) {
                tasks[i] = pool.submit(() -> {
                    workers.add(Thread.currentThread());
                    peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                    twoIn.countDown();
                    go.await();
                    running.decrementAndGet();
                    return null;
                });
            }
            twoIn.await();
            assertEquals(2, ((ThreadPoolExecutor) unwrap(pool)).getPoolSize());
            go.countDown();
            for (Future<?> task : tasks) {
                task.get();
            }
            assertEquals(2, peak.get());
            assertEquals(2, workers.size());
            for (Thread w : workers) {
                assertTrue(w.isVirtual());
                assertTrue(w.getName().matches("pool-\\d+-thread-[12]"), w.getName());
                ThreadPatches.setDaemon(w, false);   // must not throw, though a virtual thread would
                w.setPriority(Thread.MAX_PRIORITY);
            }
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }
    }

    private static Object unwrap(ExecutorService pool) {
        return pool;   // newFixedThreadPool returns the ThreadPoolExecutor itself
    }

    @Test
    void everyExecutorsFactoryGivesGreenWorkers() throws Exception {
        for (ExecutorService pool : new ExecutorService[] {ThreadPatches.newCachedThreadPool(),
                ThreadPatches.newSingleThreadExecutor(), ThreadPatches.newScheduledThreadPool(1),
                ThreadPatches.newSingleThreadScheduledExecutor(),
                ThreadPatches.newThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>()),
                ThreadPatches.newScheduledThreadPoolExecutor(1),
                ThreadPatches.newScheduledThreadPoolExecutor(1, Thread.ofPlatform().factory(),
                        new ThreadPoolExecutor.DiscardPolicy()),
                ThreadPatches.newFixedThreadPool(1, Thread.ofPlatform().factory())}) {
            try {
                assertTrue(pool.submit(() -> Thread.currentThread().isVirtual()).get(), pool.toString());
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void theJvmIsKeptAliveOnlyWhileNonDaemonStandInsLive() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        Thread t = waitingOn(go, "worker");
        ThreadPatches.start(t);
        Thread keeper = findThread("greening-keepalive");
        assertNotNull(keeper, "a non-daemon stand-in is alive: a keeper must hold the JVM");
        assertFalse(keeper.isDaemon());
        go.countDown();
        ThreadPatches.join(t);
        keeper.join(30_000);
        assertFalse(keeper.isAlive(), "no non-daemon stand-in left: the keeper ends");
    }

    private static Thread findThread(String name) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                return t;
            }
        }
        return null;
    }

    @Test
    void dumpListsGreenThreadsWithWhatTheyWaitOn() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        Thread sleeper = new Thread(() -> {
            try {
                SleepPatches.sleep(60_000);
            } catch (InterruptedException e) {
                // ended by the test
            }
        }, "dump-sleeper");
        Thread waiter = waitingOn(go, "dump-waiter");
        ThreadPatches.start(sleeper);
        ThreadPatches.start(waiter);
        while (GreenThreads.standInOf(sleeper).getState() != Thread.State.WAITING
                || GreenThreads.standInOf(waiter).getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        String dump = ThreadDump.text();
        assertTrue(dump.matches("(?s).*\"dump-sleeper\" thread WAITING waiting on sleep 60000 ms until 20.*"), dump);
        assertTrue(dump.matches("(?s).*\"dump-waiter\" thread WAITING waiting on lock java.util.concurrent.CountDownLatch\\$Sync@.*"), dump);
        ThreadPatches.interrupt(sleeper);
        go.countDown();
        ThreadPatches.join(sleeper);
        ThreadPatches.join(waiter);
    }

    /** An unstarted thread named {@code name} whose {@code run()} waits for {@code go}. */
    private static Thread waitingOn(CountDownLatch go, String name) {
        return new Thread(() -> {
            try {
                go.await();
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        }, name);
    }
}
