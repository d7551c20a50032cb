package io.greening.patch;

import io.greening.internal.VirtualThreads;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;

/**
 * The green threads the agent starts in place of platform threads, and what they wait on.
 *
 * <p>A {@code Thread} object that selected code starts is left alone: a green <em>stand-in</em>, a virtual thread on a
 * hub with the same name, context class loader and uncaught-exception handling, runs the object's {@code run()}. The
 * object maps weakly to its stand-in, so that {@code join}, {@code isAlive}, {@code interrupt}, {@code getState} called
 * on it in selected code reach the stand-in. Green threads are daemon threads; as long as a stand-in of a non-daemon
 * thread lives, a single platform thread keeps the JVM alive, as the original thread would have.
 */
public final class GreenThreads {
    /** Original thread object -> its green stand-in. Weak keys: the stand-in's task drops the original when done. */
    private static final Map<Thread, Thread> STAND_INS = Collections.synchronizedMap(new WeakHashMap<>());
    /** Live green threads made by the agent -> what is known about them, for the dump. */
    private static final Map<Thread, Info> LIVE = new ConcurrentHashMap<>();
    private static final Object KEEP_ALIVE = new Object();
    private static int nonDaemonAlive;   // guarded by KEEP_ALIVE
    private static Thread keeper;        // guarded by KEEP_ALIVE

    private GreenThreads() {}

    /** What the dump shows of a green thread besides its JDK state. */
    static final class Info {
        final String kind;
        volatile String waitingOn;

        Info(String kind) {
            this.kind = kind;
        }
    }

    /** The green stand-in of {@code original}, or {@code null} if selected code did not start it green. */
    public static Thread standInOf(Thread original) {
        return STAND_INS.get(original);
    }

    /** Starts {@code original}'s {@code run()} on a green stand-in, as {@code original.start()} would on a new thread. */
    static void startStandIn(Thread original) {
        Thread standIn;
        synchronized (STAND_INS) {
            if (STAND_INS.containsKey(original) || original.getState() != Thread.State.NEW) {
                throw new IllegalThreadStateException();
            }
            standIn = newStandIn(original, "thread");
            STAND_INS.put(original, standIn);
        }
        standIn.start();
    }

    /** An unstarted green stand-in for the unstarted {@code original}; see the class comment. */
    private static Thread newStandIn(Thread original, String kind) {
        Body body = new Body(original, kind, !original.isDaemon());
        Thread standIn = VirtualThreads.builder(Hubs.next()).name(original.getName()).unstarted(body);
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
            Thread me = Thread.currentThread();
            Thread o = original;
            LIVE.put(me, new Info(kind));
            try {
                o.run();
            } catch (Throwable e) {
                dispatchUncaught(o, e);
            } finally {
                original = null;   // the stand-in may outlive the original's last use: let the weak key go
                LIVE.remove(me);
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
            Thread standIn = newStandIn(original, "pool worker");
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

    // ---- what the dump shows ----

    /** Registers the current thread as a green thread made by the agent (for the dump), e.g. the green main. */
    static void register(String kind) {
        LIVE.put(Thread.currentThread(), new Info(kind));
    }

    static void unregister() {
        LIVE.remove(Thread.currentThread());
    }

    /** Notes what the current green thread is about to wait on, or clears it with {@code null}. */
    static void waitingOn(String what) {
        Info info = LIVE.get(Thread.currentThread());
        if (info != null) {
            info.waitingOn = what;
        }
    }

    /** How many green threads the agent made are alive now. */
    public static int liveCount() {
        return LIVE.size();
    }

    /**
     * A dump of the live green threads the agent made: one line each with its name, kind, JDK state and what it waits
     * on (a sleep deadline, a lock and its owner, or the frame it is blocked in).
     */
    public static String dump() {
        List<Map.Entry<Thread, Info>> entries = new ArrayList<>(LIVE.entrySet());
        entries.sort((a, b) -> a.getKey().getName().compareTo(b.getKey().getName()));
        StringBuilder out = new StringBuilder();
        out.append("green threads: ").append(entries.size()).append('\n');
        for (Map.Entry<Thread, Info> e : entries) {
            Thread t = e.getKey();
            Thread.State state = t.getState();
            out.append("  \"").append(t.getName()).append("\" ").append(e.getValue().kind).append(' ').append(state);
            String waiting = describeWait(t, state, e.getValue());
            if (waiting != null) {
                out.append(" waiting on ").append(waiting);
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static String describeWait(Thread t, Thread.State state, Info info) {
        if (state == Thread.State.RUNNABLE || state == Thread.State.NEW || state == Thread.State.TERMINATED) {
            return null;
        }
        String noted = info.waitingOn;
        if (noted != null) {
            return noted;
        }
        Object blocker = LockSupport.getBlocker(t);
        String where = firstApplicationFrame(t.getStackTrace());
        if (blocker != null) {
            String lock = blocker.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(blocker));
            if (blocker instanceof java.util.concurrent.locks.AbstractOwnableSynchronizer) {
                lock = "lock " + lock;
            }
            return where == null ? lock : lock + " at " + where;
        }
        return where == null ? null : (state == Thread.State.BLOCKED ? "monitor at " : "") + where;
    }

    private static String firstApplicationFrame(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            String c = frame.getClassName();
            if (!c.startsWith("java.") && !c.startsWith("jdk.") && !c.startsWith("sun.") && !c.startsWith("io.greening.")) {
                return frame.toString();
            }
        }
        return stack.length == 0 ? null : stack[0].toString();
    }
}
