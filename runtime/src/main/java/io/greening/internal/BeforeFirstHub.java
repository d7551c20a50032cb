package io.greening.internal;

/**
 * Work that must be done before the JVM's first hub exists, and not sooner: the agent's rewrites inside the JDK
 * ({@code java.lang.VirtualThread}'s timers, and under a virtual clock {@code java.util.concurrent}'s reads of
 * {@code System.nanoTime}), whose patch methods behave as the JDK everywhere but on a green thread, and a green
 * thread needs a hub. Deferring them keeps the retransformation of {@code VirtualThread} out of the start-up of a
 * program that never starts a green thread. Not for applications.
 */
public final class BeforeFirstHub {
    private static Runnable pending;       // guarded by BeforeFirstHub.class
    private static boolean hubsStarting;   // guarded by BeforeFirstHub.class

    private static volatile boolean jdkPollersKeptOffHubs;

    private BeforeFirstHub() {}

    /**
     * Says that every virtual thread the JDK makes goes through the agent's {@code VirtualThreadPatches}, which puts
     * the JDK's socket pollers on the JDK's own scheduler whichever thread starts them: the first hub then need not
     * start them itself. Called by the agent, from the work {@link #run} runs before the first hub.
     */
    public static void jdkPollersKeptOffHubs() {
        jdkPollersKeptOffHubs = true;
    }

    /** Whether {@link #jdkPollersKeptOffHubs()} was called. */
    public static boolean areJdkPollersKeptOffHubs() {
        return jdkPollersKeptOffHubs;
    }

    /**
     * Runs {@code work} before the first hub is made, or now, on the calling thread, if one has been (a later attach).
     * One piece of work at a time: a second call before the first hub replaces the first (the agent starts once).
     */
    public static synchronized void run(Runnable work) {
        if (hubsStarting) {
            work.run();
        } else {
            pending = work;
        }
    }

    /**
     * Called once by {@code Hub}'s class initializer, before any hub is made: runs the pending work on this thread.
     * What it throws is its own to report; it never stops the hub.
     */
    public static synchronized void hubsStarting() {
        hubsStarting = true;
        Runnable work = pending;
        pending = null;
        if (work != null) {
            try {
                work.run();
            } catch (RuntimeException | LinkageError e) {
                System.getLogger("io.greening").log(System.Logger.Level.WARNING,
                        "greening: the work before the first hub failed; the hub starts without it", e);
            }
        }
    }
}
