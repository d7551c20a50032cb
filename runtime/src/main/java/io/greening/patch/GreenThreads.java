package io.greening.patch;

import io.greening.internal.ThreadRecord;
import io.greening.internal.ThreadRegistry;
import io.greening.internal.VirtualThreads;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The green threads the agent starts in place of platform threads.
 *
 * <p>A {@code Thread} object that selected code starts is left alone: a green <em>stand-in</em>, a virtual thread on a
 * hub with the same name, context class loader and uncaught-exception handling, runs the object's {@code run()}. The
 * object maps weakly to its stand-in, so that {@code join}, {@code isAlive}, {@code interrupt}, {@code getState} called
 * on it in selected code reach the stand-in. Green threads are daemon threads; as long as a stand-in of a non-daemon
 * thread lives, a single platform thread keeps the JVM alive, as the original thread would have. A stand-in is in its
 * hub's {@link ThreadRegistry} while it runs, as every green thread is, so that the dump, deadlock reports and the
 * stall monitor see it. A thread made with a stack size of its own stays a platform thread (see
 * {@link #keptForStackSize()}).
 *
 * <p>Its record names the original as the thread's {@linkplain ThreadRecord#identity() identity}: in selected code
 * {@code Thread.currentThread()} returns the original ({@link #identityOfCurrent()}), so that a {@code Thread}
 * subclass finds itself ({@code Thread.currentThread() == this}, XNIO's and Netty's casts) as eventlet's
 * {@code threading.current_thread()} finds the thread object that was started.
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

    /**
     * The {@code Thread} the application sees as the current thread: the original of a stand-in, else the current
     * thread itself. A platform thread costs a type check; a green thread a look-up in its hub's registry.
     */
    static Thread identityOfCurrent() {
        Thread running = Thread.currentThread();
        if (!running.isVirtual()) {
            return running;
        }
        ThreadRecord record = ThreadRecord.current();
        return record == null ? running : record.identity();
    }

    /**
     * The thread that really runs for {@code thread}: its stand-in if selected code started it green, else itself. A
     * stand-in's original is a platform thread never started, so a virtual or live thread needs no look-up.
     */
    static Thread runningFor(Thread thread) {
        if (thread.isVirtual() || thread.isAlive()) {
            return thread;
        }
        Thread standIn = STAND_INS.get(thread);
        return standIn != null ? standIn : thread;
    }

    /** Starts {@code original}'s {@code run()} on a green stand-in, as {@code original.start()} would on a new thread. */
    static void startStandIn(Thread original) {
        startStandIn(original, Hubs.scheduler());
    }

    /** Starts {@code original}'s {@code run()} on a green stand-in scheduled by {@code hub} (a hub or a group). */
    static void startStandIn(Thread original, Executor hub) {
        if (keepsPlatform(original)) {
            VirtualThreads.startAsThreadStarts(original);   // not original.start(): an override's super.start() is here
            return;
        }
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
            ThreadRecord record = ThreadRegistry.enter(kind, o);
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
            if (original == null || original.isVirtual() || keepsPlatform(original)) {
                return original;
            }
            Thread standIn = newStandIn(original, "pool worker", Hubs.scheduler());
            STAND_INS.put(original, standIn);
            return standIn;
        }
    }

    // ---- threads that asked for a stack size of their own stay platform threads ----

    private static final AtomicInteger KEPT_FOR_STACK_SIZE = new AtomicInteger();
    private static volatile String firstKeptForStackSize;

    /**
     * Whether {@code original} stays a platform thread: it was made with a stack size of its own (deep recursion, a
     * parser, a compiler), which a green thread, whose frames live on its carrier's stack, cannot honour. Counted for
     * the exit report ({@link #keptForStackSize()}).
     */
    private static boolean keepsPlatform(Thread original) {
        long stackSize = VirtualThreads.stackSizeOf(original);
        if (stackSize == 0) {
            return false;
        }
        if (KEPT_FOR_STACK_SIZE.getAndIncrement() == 0) {
            firstKeptForStackSize = "\"" + original.getName() + "\" with " + stackSize + " bytes";
        }
        return true;
    }

    /**
     * How many threads selected code started (or a green pool's factory made) stayed platform threads because they
     * asked for a stack size, with the first of them, e.g. {@code 2 (first: "parser" with 536870912 bytes)}; null if
     * none did.
     */
    public static String keptForStackSize() {
        int kept = KEPT_FOR_STACK_SIZE.get();
        return kept == 0 ? null : kept + " (first: " + firstKeptForStackSize + ")";
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

    /**
     * Notes what the current green thread is about to wait on, for the thread dump, or clears it with {@code null};
     * {@code what}'s {@code toString} is the text, formatted only when shown.
     */
    static void waitingOn(Object what) {
        ThreadRecord me = ThreadRecord.current();
        if (me != null) {
            me.noteWaitingOn(what);
        }
    }
}
