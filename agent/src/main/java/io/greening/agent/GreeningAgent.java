package io.greening.agent;

import java.lang.instrument.Instrumentation;

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
}
