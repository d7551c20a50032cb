package com.acme.agentapps;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Code that relies on thread identity, as XNIO, jboss-threads, Netty and Guava do: a {@code Thread} subclass that finds
 * itself through {@code Thread.currentThread()} (a cast, {@code == this}), renames itself, sets its context class
 * loader and interrupts itself; a waiter that saves the current thread and is woken by {@code LockSupport.unpark} of
 * it; a {@code ThreadLocal} per thread; pool workers made by a factory of a {@code Thread} subclass. Prints what it
 * saw; greened it must print the same.
 */
public final class ThreadIdentityApp {
    private ThreadIdentityApp() {}

    private static final ThreadLocal<String> OWNER = new ThreadLocal<>();

    /** As XNIO's WorkerThread: {@code WorkerThread.current()} casts the current thread. */
    static final class WorkerThread extends Thread {
        private final int index;
        volatile String seen;

        WorkerThread(int index) {
            super("worker-" + index);
            this.index = index;
        }

        static WorkerThread current() {
            Thread thread = Thread.currentThread();
            return thread instanceof WorkerThread worker ? worker : null;
        }

        @Override
        public void run() {
            List<String> facts = new ArrayList<>();
            WorkerThread me = current();
            facts.add("current=" + (me == null ? "null" : me.getName()));
            facts.add("same=" + (Thread.currentThread() == this) + "," + (currentThread() == this));
            OWNER.set(getName());
            try {
                Thread.sleep(5);   // other workers run meanwhile
            } catch (InterruptedException e) {
                facts.add("interrupted early");
            }
            facts.add("thread-local=" + OWNER.get().equals(getName()));
            Thread.currentThread().setName("renamed-" + index);
            facts.add("name=" + Thread.currentThread().getName() + "/" + getName());
            ClassLoader mine = new ClassLoader(null) { };
            Thread.currentThread().setContextClassLoader(mine);
            facts.add("loader=" + (Thread.currentThread().getContextClassLoader() == mine));
            Thread.currentThread().interrupt();
            facts.add("interrupt=" + Thread.currentThread().isInterrupted() + "," + Thread.interrupted() + ","
                    + isInterrupted());
            synchronized (facts) {
                facts.add("holdsLock=" + Thread.holdsLock(facts));
            }
            facts.add("caller=" + Thread.currentThread().getStackTrace()[1].getMethodName());
            facts.add("alive=" + Thread.currentThread().isAlive() + " daemon=" + Thread.currentThread().isDaemon());
            seen = String.join(" ", facts);
        }
    }

    /** Guava's and jboss-threads' waiters: save the current thread, park until a flag is set, be unparked. */
    static final class Waiter extends Thread {
        volatile Thread saved;
        final AtomicBoolean released = new AtomicBoolean();
        volatile int parks;

        Waiter() {
            super("waiter");
        }

        @Override
        public void run() {
            saved = Thread.currentThread();
            while (!released.get()) {
                LockSupport.park(this);
                parks++;
            }
        }
    }

    /** A factory's thread class, which its tasks find by a cast. */
    static final class PoolThread extends Thread {
        PoolThread(Runnable task, String name) {
            super(task, name);
        }
    }

    public static void main(String[] args) throws Exception {
        List<WorkerThread> workers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            WorkerThread worker = new WorkerThread(i);
            worker.start();
            workers.add(worker);
        }
        for (WorkerThread worker : workers) {
            worker.join();
        }
        System.out.println("worker-0: " + workers.getFirst().seen);
        long same = workers.stream().filter(w -> w.seen.equals(workers.getFirst().seen.replace("renamed-0", "renamed-" + w.index)
                .replace("worker-0", w.getName().replace("renamed", "worker")))).count();
        System.out.println("workers alike: " + same + " of " + workers.size());

        Waiter waiter = new Waiter();
        waiter.start();
        while (waiter.saved == null) {
            Thread.sleep(1);
        }
        System.out.println("waiter saved itself: " + (waiter.saved == waiter));
        waiter.released.set(true);
        LockSupport.unpark(waiter.saved);
        waiter.join();
        System.out.println("waiter woken: " + !waiter.isAlive());

        ExecutorService pool = Executors.newFixedThreadPool(4, task -> new PoolThread(task, "pool-thread"));
        List<Future<String>> casts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            casts.add(pool.submit(() -> ((PoolThread) Thread.currentThread()).getName()));
        }
        int castsOk = 0;
        for (Future<String> cast : casts) {
            castsOk += cast.get().equals("pool-thread") ? 1 : 0;
        }
        pool.shutdown();
        System.out.println("pool casts: " + castsOk + " of " + casts.size());
    }
}
