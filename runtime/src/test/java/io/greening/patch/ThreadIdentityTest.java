package io.greening.patch;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Thread identity on a stand-in, as rewritten call sites see it: {@code Thread.currentThread()} is the {@code Thread}
 * object the app started, and what would tell the two apart (names, context class loaders, interrupts, stack traces,
 * {@code LockSupport.unpark} of a saved current thread) stays in step with the green thread the JDK sees.
 */
@org.junit.jupiter.api.Timeout(60)
class ThreadIdentityTest {
    /** A thread subclass that, as XNIO's WorkerThread, finds itself through the current thread. */
    static final class Worker extends Thread {
        final CompletableFuture<List<String>> seen = new CompletableFuture<>();

        Worker(String name) {
            super(name);
        }

        static Worker current() {
            return ThreadPatches.currentThread() instanceof Worker w ? w : null;
        }

        @Override
        public void run() {
            List<String> facts = new ArrayList<>();
            Thread jdkView = Thread.currentThread();
            facts.add("green underneath=" + jdkView.isVirtual());
            facts.add("current is this=" + (ThreadPatches.currentThread() == this));
            facts.add("Worker.current()=" + (current() == this));
            facts.add("name=" + ThreadPatches.currentThread().getName());
            ThreadPatches.setName(ThreadPatches.currentThread(), "renamed");
            facts.add("renamed: app " + getName() + ", JDK " + jdkView.getName());
            ClassLoader loader = new ClassLoader(null) { };
            ThreadPatches.setContextClassLoader(ThreadPatches.currentThread(), loader);
            facts.add("loader set: app " + (ThreadPatches.getContextClassLoader(this) == loader)
                    + ", JDK " + (jdkView.getContextClassLoader() == loader));
            ThreadPatches.interrupt(ThreadPatches.currentThread());
            facts.add("interrupted: app " + ThreadPatches.isInterrupted(this) + ", JDK " + Thread.interrupted()
                    + ", after clearing " + ThreadPatches.isInterrupted(this));
            Object lock = new Object();
            synchronized (lock) {
                facts.add("holdsLock=" + Thread.holdsLock(lock));
            }
            facts.add("alive=" + ThreadPatches.isAlive(ThreadPatches.currentThread()));
            StackTraceElement[] jdk = Thread.currentThread().getStackTrace();
            StackTraceElement[] app = ThreadPatches.getStackTrace(ThreadPatches.currentThread());
            facts.add("stack shape: " + jdk[0].getMethodName() + "," + jdk[1].getMethodName() + " / "
                    + app[0].getMethodName() + "," + app[1].getMethodName() + " depth " + (jdk.length == app.length));
            seen.complete(facts);
        }
    }

    @Test
    void aStartedSubclassFindsItselfAsTheCurrentThreadAndBothViewsAgree() throws Exception {
        Worker worker = new Worker("xnio-like");
        ThreadPatches.start(worker);
        List<String> facts = worker.seen.get(30, TimeUnit.SECONDS);
        ThreadPatches.join(worker);
        assertEquals(List.of(
                "green underneath=true",
                "current is this=true",
                "Worker.current()=true",
                "name=xnio-like",
                "renamed: app renamed, JDK renamed",
                "loader set: app true, JDK true",
                "interrupted: app true, JDK true, after clearing false",
                "holdsLock=true",
                "alive=true",
                "stack shape: getStackTrace,run / getStackTrace,run depth true"), facts);
    }

    @Test
    void offAStandInTheCurrentThreadIsTheJdksAndCostsNoLookUp() throws Exception {
        assertSame(Thread.currentThread(), ThreadPatches.currentThread());
        Thread virtual = Thread.ofVirtual().start(() -> assertSame(Thread.currentThread(), ThreadPatches.currentThread()));
        virtual.join();
        CompletableFuture<Boolean> spawned = new CompletableFuture<>();
        io.greening.Green.spawn(() -> spawned.complete(ThreadPatches.currentThread() == Thread.currentThread()));
        assertTrue(spawned.get(30, TimeUnit.SECONDS), "a spawned green thread is its own identity");
    }

    @Test
    void aWaiterThatSavedTheCurrentThreadIsWokenByUnpark() throws Exception {
        // Guava's AbstractFuture, jboss-threads and JCTools save Thread.currentThread() as the waiter and unpark it
        CompletableFuture<Thread> waiter = new CompletableFuture<>();
        CountDownLatch woken = new CountDownLatch(1);
        Thread thread = new Thread(() -> {
            waiter.complete(ThreadPatches.currentThread());
            while (woken.getCount() > 0) {
                LockSupport.park(this);
                woken.countDown();
            }
        }, "parker");
        ThreadPatches.start(thread);
        assertSame(thread, waiter.get(30, TimeUnit.SECONDS));
        ThreadPatches.unpark(waiter.get());
        assertTrue(woken.await(30, TimeUnit.SECONDS), "unpark of the saved current thread reached the green thread");
        ThreadPatches.join(thread);
    }

    @Test
    void aPoolWorkerIsTheThreadItsFactoryMade() throws Exception {
        List<Thread> made = new ArrayList<>();
        ThreadFactory factory = task -> {
            Thread t = new Thread(task, "made-" + made.size());
            made.add(t);
            return t;
        };
        ExecutorService pool = ThreadPatches.newFixedThreadPool(1, factory);
        try {
            Thread current = pool.submit(ThreadPatches::currentThread).get(30, TimeUnit.SECONDS);
            assertSame(made.getFirst(), current);
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }
    }
}
