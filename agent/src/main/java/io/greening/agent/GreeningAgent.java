package io.greening.agent;

import java.lang.instrument.Instrumentation;
import java.util.concurrent.locks.LockSupport;

/**
 * The agent's entry points: {@code -javaagent:greening.jar=include=com.acme.**,...} ({@link #premain}) and dynamic
 * attach ({@link #agentmain}). See docs/agent.md.
 *
 * <p>This class must not touch a runtime class ({@code io.greening.*} outside this package): the runtime is defined into
 * the boot loader here first ({@link RuntimePlacement}), so that every class loader shares its one copy; only then do
 * {@link Installer} and {@link AgentOptions} (which use it) load.
 */
public final class GreeningAgent {
    private static boolean installed;   // guarded by GreeningAgent.class

    private GreeningAgent() {}

    /**
     * Called by the JVM before {@code main}. A bad setting stops the JVM with one line on stderr and exit code 2; any
     * other failure is logged and the application runs unchanged.
     */
    public static void premain(String arguments, Instrumentation instrumentation) {
        start(arguments, instrumentation, false);
    }

    /**
     * Called on dynamic attach: greens classes loaded from now on and retransforms the selected classes already
     * loaded. A bad setting fails the attach (the attaching tool sees the one-line message), never the running JVM.
     */
    public static void agentmain(String arguments, Instrumentation instrumentation) {
        start(arguments, instrumentation, true);
    }

    private static synchronized void start(String arguments, Instrumentation instrumentation, boolean attached) {
        if (installed) {
            AgentLog.get().log(System.Logger.Level.WARNING, "greening agent already installed; ignoring the second start");
            return;
        }
        long start = System.nanoTime();
        Preload preload = new Preload();
        preload.start();
        try {
            install(arguments, instrumentation, attached, start);
        } finally {
            preload.finish();
        }
    }

    private static void install(String arguments, Instrumentation instrumentation, boolean attached, long start) {
        try {
            RuntimePlacement.defineRuntime(instrumentation);
        } catch (Throwable t) {
            AgentLog.get().log(System.Logger.Level.ERROR, "greening agent could not start; the application runs unchanged", t);
            return;
        }
        AgentOptions options;
        try {
            options = AgentOptions.parse(arguments, System.getProperties());
        } catch (IllegalArgumentException bad) {   // a bad setting: one line, and nothing else changes
            if (attached) {
                throw new IllegalArgumentException(bad.getMessage());
            }
            System.err.println(bad.getMessage());
            System.err.flush();
            Runtime.getRuntime().halt(2);   // no shutdown hooks: nothing has started yet
            return;
        } catch (Throwable t) {
            AgentLog.get().log(System.Logger.Level.ERROR, "greening agent could not start; the application runs unchanged", t);
            return;
        }
        try {
            Installer.install(options, instrumentation, attached);
            installed = true;
            if (options.verbose()) {
                AgentLog.get().log(System.Logger.Level.INFO, "greening: agent installed in {0} ms", (System.nanoTime() - start) / 1_000_000);
            }
        } catch (Throwable t) {
            AgentLog.get().log(System.Logger.Level.ERROR, "greening agent could not start; the application runs unchanged", t);
        }
    }

    /**
     * Loads the agent's classes that the start uses, without linking them, on a thread of its own while the starting
     * thread defines the runtime: reading each from greening.jar and defining it costs about as much as the runtime's
     * definition (some 20 classes, 0.3-0.7 ms each), and on a second core it is then done by the time the install needs
     * them. Only loading: their verification, which may load runtime classes, waits for the runtime, on the starting
     * thread. So every class named here has only JDK or agent supertypes ({@code GreeningAgentTest} checks), and a name
     * that is not there is skipped (the starting thread then loads what it needs itself).
     */
    static final class Preload extends Thread {
        /** The classes, in the order the start uses them (a class loaded by the JVM as a supertype is left out). */
        static final String[] CLASSES = {
                "RuntimeBundle", "AgentOptions", "Installer", "Installer$ReportAtExit", "Report", "TransformTimes",
                "Rewrites", "Rewrites$Kind", "Rewrites$Rewrite", "Installer$JdkRowsBeforeFirstHub", "ClassSelector",
                "LoadTimeTransformer", "MethodRefRetargeter$Sites", "TypeHierarchy", "CallSiteRewriter$Hierarchy",
                "TypeHierarchy$Header", "CallSiteFilter", "CallSiteFilter$Reach", "ClassFileIndex"};

        private final Thread starter = Thread.currentThread();
        private volatile boolean done;

        Preload() {
            super("greening-preload");
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                ClassLoader loader = GreeningAgent.class.getClassLoader();
                for (String name : CLASSES) {
                    try {
                        Class.forName("io.greening.agent." + name, false, loader);
                    } catch (ClassNotFoundException | LinkageError skipped) {
                        // the starting thread loads it itself, and reports what fails there
                    }
                }
            } finally {
                done = true;
                LockSupport.unpark(starter);
            }
        }

        /**
         * Waits for it to be done, so that its work does not overlap main. Parks rather than joins: a join's
         * InterruptedException is a class outside the CDS archive, which its handler would load. (With an interrupt
         * pending, park returns at once: this then spins for the few milliseconds left.)
         */
        void finish() {
            while (!done) {
                LockSupport.park(this);
            }
        }
    }
}
