package io.greening.patch;

import io.greening.internal.ThreadRecord;
import io.greening.internal.ThreadRegistry;
import io.greening.internal.VirtualThreads;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * The green threads the agent starts in place of platform threads.
 *
 * <p>A {@code Thread} object that selected code starts is left alone: a green <em>stand-in</em>, a virtual thread on a
 * hub with the same name, context class loader and uncaught-exception handling, runs the object's {@code run()}. The
 * object maps weakly to its stand-in, so that {@code join}, {@code isAlive}, {@code interrupt}, {@code getState} called
 * on it in selected code reach the stand-in. Green threads are daemon threads; as long as a stand-in of a non-daemon
 * thread lives, a single platform thread keeps the JVM alive, as the original thread would have. A stand-in is in its
 * hub's {@link ThreadRegistry} while it runs, as every green thread is, so that the dump, deadlock reports and the
 * stall monitor see it.
 */
public final class GreenThreads {
    /** Original thread object -> its green stand-in. Weak keys: the stand-in's task drops the original when done. */
    private static final Map<Thread, Thread> STAND_INS = Collections.synchronizedMap(new WeakHashMap<>());
    private static final Object KEEP_ALIVE = new Object();
    private static int nonDaemonAlive;   // guarded by KEEP_ALIVE
    private static Thread keeper;        // guarded by KEEP_ALIVE

    private GreenThreads() {}

    /** The green stand-in of {@code original}, or {@code null} if selected code did not start it green. */
    public static Thread standInOf(Thread original) {
        return STAND_INS.get(original);
    }

    /** Starts {@code original}'s {@code run()} on a green stand-in, as {@code original.start()} would on a new thread. */
    static void startStandIn(Thread original) {
        startStandIn(original, Hubs.scheduler());
    }

    /** Starts {@code original}'s {@code run()} on a green stand-in scheduled by {@code hub} (a hub or a group). */
    static void startStandIn(Thread original, Executor hub) {
        Thread standIn;
        synchronized (STAND_INS) {
            if (STAND_INS.containsKey(original) || original.getState() != Thread.State.NEW) {
                throw new IllegalThreadStateException();
            }
            standIn = newStandIn(original, "thread", hub);
            STAND_INS.put(original, standIn);
        }
        standIn.start();
    }

    /** An unstarted green stand-in scheduled by {@code hub} for the unstarted {@code original}; see the class comment. */
    private static Thread newStandIn(Thread original, String kind, Executor hub) {
        Body body = new Body(original, kind, !original.isDaemon());
        Thread standIn = VirtualThreads.builder(hub).name(original.getName()).unstarted(body);
        standIn.setContextClassLoader(original.getContextClassLoader());
        if (body.keepsJvmAlive) {
            enterNonDaemon();   // counted now, not when it first runs: main may return before that
        }
        return standIn;
    }

    /** The task of a stand-in: runs the original's {@code run()}, then lets the original be collected. */
    private static final class Body implements Runnable {
        private volatile Thread original;
        private final String kind;
        private final boolean keepsJvmAlive;

        Body(Thread original, String kind, boolean keepsJvmAlive) {
            this.original = original;
            this.kind = kind;
            this.keepsJvmAlive = keepsJvmAlive;
        }

        @Override
        public void run() {
            Thread o = original;
            ThreadRecord record = ThreadRegistry.enter(kind);
            try {
                o.run();
            } catch (Throwable e) {
                dispatchUncaught(o, e);
            } finally {
                original = null;   // the stand-in may outlive the original's last use: let the weak key go
                ThreadRegistry.exit(record);
                if (keepsJvmAlive) {
                    exitNonDaemon();
                }
            }
        }

        /** As the JVM does for a dying platform thread: its handler (by default its group) gets it, naming it. */
        private static void dispatchUncaught(Thread original, Throwable e) {
            try {
                original.getUncaughtExceptionHandler().uncaughtException(original, e);
            } catch (Throwable ignored) {
                // the JVM ignores what an uncaught-exception handler throws too
            }
        }
    }

    /**
     * A factory making green threads in place of the platform threads {@code factory} makes: same names, daemon
     * flag, handlers; pools built on it keep their size limits with green workers. Virtual threads pass unchanged.
     */
    public static ThreadFactory greenFactory(ThreadFactory factory) {
        if (factory instanceof GreenFactory) {
            return factory;
        }
        return new GreenFactory(factory);
    }

    private record GreenFactory(ThreadFactory platform) implements ThreadFactory {
        @Override
        public Thread newThread(Runnable task) {
            Thread original = platform.newThread(task);
            if (original == null || original.isVirtual()) {
                return original;
            }
            Thread standIn = newStandIn(original, "pool worker", Hubs.scheduler());
            STAND_INS.put(original, standIn);
            return standIn;
        }
    }

    // ---- keeping the JVM alive while stand-ins of non-daemon threads live ----

    private static void enterNonDaemon() {
        synchronized (KEEP_ALIVE) {
            nonDaemonAlive++;
            if (keeper == null) {
                keeper = Thread.ofPlatform().daemon(false).name("greening-keepalive").unstarted(GreenThreads::keepAlive);
                keeper.start();
            }
        }
    }

    private static void exitNonDaemon() {
        synchronized (KEEP_ALIVE) {
            if (--nonDaemonAlive == 0) {
                KEEP_ALIVE.notifyAll();
            }
        }
    }

    private static void keepAlive() {
        synchronized (KEEP_ALIVE) {
            boolean interrupted = false;
            while (nonDaemonAlive > 0) {
                try {
                    KEEP_ALIVE.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            keeper = null;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Notes what the current green thread is about to wait on, for the thread dump, or clears it with {@code null}. */
    static void waitingOn(String what) {
        ThreadRecord me = ThreadRecord.current();
        if (me != null) {
            me.noteWaitingOn(what);
        }
    }
}
