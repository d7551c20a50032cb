package io.greening.agent;

import io.greening.agent.Rewrites.Rewrite;
import io.greening.internal.PatchGroup;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;
import java.util.jar.JarFile;

/**
 * The agent's entry points: {@code -javaagent:greening.jar=include=com.acme.**,...} ({@link #premain}) and dynamic
 * attach ({@link #agentmain}). See docs/agent.md.
 *
 * <p>This class must not touch a runtime class ({@code io.greening.*} outside this package) before the runtime is
 * defined into the boot loader ({@link RuntimePlacement}), so that every class loader shares its one copy; only then do
 * {@link Installer} and {@link AgentOptions} (which use it) load.
 *
 * <p>{@code premain} does only what must happen before {@code main}: it defines the part of the runtime the settings'
 * parse needs ({@link RuntimePlacement#defineEarly}), parses the settings (a bad one still stops the JVM before
 * {@code main}), registers the exit report's hook and the transformer, and hands the rest to the set-up thread
 * ({@link SetUp}): the table of rows, the rest of the runtime, its configuration. The transformer makes a class that
 * needs any of that wait for it ({@link LoadTimeTransformer}), so no class is missed; a trivial {@code main} runs
 * meanwhile.
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
        SetUpThread thread = new SetUpThread();
        thread.start();
        SetUp setUp = null;
        try {
            setUp = install(arguments, instrumentation, attached, start);
        } finally {
            // on attach the caller waits for the whole start: the classes already loaded are retransformed at its end
            thread.handOff(attached ? null : setUp);
        }
        if (attached && setUp != null) {
            thread.finish();
            setUp.run();
        }
    }

    /**
     * The part of the start before the hand-off; returns the rest, or null when the start stopped (logged; the
     * application runs unchanged).
     */
    private static SetUp install(String arguments, Instrumentation instrumentation, boolean attached, long start) {
        Properties properties = EarlySettings.snapshot(System.getProperties());
        BiFunction<String, Properties, Object[]> parser;
        try (JarFile jar = new JarFile(RuntimeBundle.jar().toFile(), false)) {
            parser = EarlySettings.parser(jar);
        } catch (Throwable t) {
            couldNotStart(t);
            return null;
        }
        EarlySettings.Values settings;
        try {
            settings = new EarlySettings.Values(parser.apply(arguments, properties));
        } catch (IllegalArgumentException bad) {   // a bad setting: one line, and nothing else changes
            if (attached) {
                throw new IllegalArgumentException(bad.getMessage());
            }
            System.err.println(bad.getMessage());
            System.err.flush();
            Runtime.getRuntime().halt(2);   // no shutdown hooks: nothing has started yet
            return null;
        } catch (Throwable t) {
            couldNotStart(t);
            return null;
        }
        try {
            Report report = new Report(settings.verbose);
            ClassSelector selector = new ClassSelector(settings.include, settings.exclude);
            report.selectingWith(selector);
            String mainClass = settings.greenMain && !attached ? mainClassName() : null;
            if (settings.greenMain && !attached && mainClass == null) {
                AgentLog.get().log(System.Logger.Level.WARNING, "greening: main=green, but the main class is unknown; main runs as is");
            }
            LoadTimeTransformer transformer = new LoadTimeTransformer(selector,
                    mainClass == null ? null : mainClass.replace('.', '/'), report, settings.check, settings.monitorEntries);
            Runtime.getRuntime().addShutdownHook(new ReportAtExit(report, settings.report, settings.check, transformer));
            // retransformable only on attach, where the classes already loaded are retransformed; at start our rewrites
            // are then kept in the class bytes another agent's retransformation begins from
            instrumentation.addTransformer(transformer, attached);
            installed = true;
            // lazily, unless verbose=true (which logs the install time) or the JMX dump is in use: the set-up's only
            // effects that no class asks for
            boolean atOnce = attached || settings.verbose || jmxInUse(settings.jmx);
            return new SetUp(arguments, properties, instrumentation, attached, atOnce, report, transformer, start);
        } catch (Throwable t) {
            couldNotStart(t);
            return null;
        }
    }

    /** Logs why the start stopped: the application then runs unchanged. */
    private static void couldNotStart(Throwable t) {
        AgentLog.get().log(System.Logger.Level.ERROR, "greening agent could not start; the application runs unchanged", t);
    }

    /** The main class named on the command line (class, {@code -jar} manifest, or {@code module/class}), or null. */
    static String mainClassName() {
        String command = System.getProperty("sun.java.command", "").trim();
        if (command.isEmpty()) {
            return null;
        }
        String first = command.split("\\s+")[0];
        if (first.endsWith(".jar")) {
            try (JarFile jar = new JarFile(first)) {
                return jar.getManifest() == null ? null : jar.getManifest().getMainAttributes().getValue("Main-Class");
            } catch (IOException e) {
                return null;
            }
        }
        int slash = first.indexOf('/');
        return slash >= 0 ? first.substring(slash + 1) : first;
    }

    /**
     * Whether to register the JMX dump: creating the platform MBean server costs as much start-up as the rest of the
     * agent, so only when the JVM is set up for JMX ({@code -Dcom.sun.management.jmxremote*}) or asked to with the
     * setting {@code jmx=true}. {@code jcmd <pid> Thread.dump_to_file} lists green threads in any case.
     */
    static boolean jmxInUse(Boolean asked) {
        if (asked != null) {
            return asked;
        }
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith("com.sun.management.jmxremote")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The start after the hand-off, on the set-up thread (at start) or the attaching thread: the rows first, so that the
     * classes loading meanwhile are pre-scanned as soon as can be, then the rest of the runtime and its configuration.
     * Only then does it log or start threads: a class waiting for the set-up may hold a lock those need. At start it
     * waits until the set-up is needed: by a class that may have something to rewrite or names the runtime, or by the
     * exit report; so the second core (if any) is left to the JVM's start, and a program that needs none of it is
     * spared it. With {@code verbose=true} or the JMX dump in use it runs at once.
     */
    static final class SetUp implements Runnable {
        private final String arguments;
        private final Properties properties;
        private final Instrumentation instrumentation;
        private final boolean attached;
        private final boolean atOnce;
        private final Report report;
        private final LoadTimeTransformer transformer;
        private final long start;

        SetUp(String arguments, Properties properties, Instrumentation instrumentation, boolean attached, boolean atOnce,
              Report report, LoadTimeTransformer transformer, long start) {
            this.arguments = arguments;
            this.properties = properties;
            this.instrumentation = instrumentation;
            this.attached = attached;
            this.atOnce = atOnce;
            this.report = report;
            this.transformer = transformer;
            this.start = start;
        }

        @Override
        public void run() {
            if (!atOnce) {
                transformer.awaitSetUpRequest();
            }
            AgentOptions options;
            RuntimePlacement.Rest rest = null;
            try {
                rest = RuntimePlacement.defineEarly(instrumentation);
                options = AgentOptions.parse(arguments, properties);   // as premain's parse: the same input
                Set<PatchGroup> groups = options.groups();
                Map<String, List<Rewrite>> mainOnly = Rewrites.index(groups.contains(PatchGroup.MAIN) ? Set.of(PatchGroup.MAIN) : Set.of());
                transformer.useRows(Rewrites.index(groups), mainOnly);
                rest.define();
                Installer.configureRuntime(options, instrumentation, report);
                transformer.setUpDone();
            } catch (Throwable t) {
                transformer.failSetUp();
                if (rest != null) {
                    rest.close();
                }
                couldNotStart(t);
                return;
            }
            if (attached) {
                Installer.retransformLoaded(instrumentation, transformer);
            }
            Installer.registerMBeanIfUsed(options);
            if (options.verbose()) {
                AgentLog.get().log(System.Logger.Level.INFO, "greening: agent installed in {0} ms", (System.nanoTime() - start) / 1_000_000);
            }
        }
    }

    /**
     * The start's second thread: first it loads the agent's classes that {@code premain} and the first classes' pre-scan
     * use, without linking them, while the starting thread defines the runtime's first part (reading each from
     * greening.jar and defining it costs some 0.3-0.7 ms); then it runs the {@link SetUp} handed to it, while
     * {@code main} starts. Only loading
     * at first: their verification, which may load runtime classes, waits for the runtime. So every class named here
     * has only JDK or agent supertypes ({@code GreeningAgentTest} checks), and a name that is not there is skipped (the
     * thread that needs it then loads it itself).
     */
    static final class SetUpThread extends Thread {
        /** The classes, in the order the start uses them (a class loaded by the JVM as a supertype is left out). */
        static final String[] CLASSES = {
                "EarlySettings", "RuntimeBundle", "EarlySettings$ParseLoader", "EarlySettings$Values", "Report",
                "TransformTimes", "ClassSelector", "LoadTimeTransformer", "SetUpWait", "TypeHierarchy", "ReportAtExit",
                "GreeningAgent$SetUp", "MethodRefRetargeter$Sites", "CallSiteRewriter$Hierarchy", "TypeHierarchy$Header",
                "RowNames", "ClassFileIndex", "ClassFileIndex$MethodVisitor", "RowNames$MonitorFinder"};

        private volatile boolean preloaded;
        private volatile Thread waiter;
        private volatile boolean handedOff;
        private volatile SetUp setUp;

        SetUpThread() {
            super("greening-setup");
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                ClassLoader loader = GreeningAgent.class.getClassLoader();
                for (String name : CLASSES) {
                    if (handedOff) {
                        break;   // the set-up is more urgent; what is left loads when used
                    }
                    try {
                        Class.forName("io.greening.agent." + name, false, loader);
                    } catch (ClassNotFoundException | LinkageError skipped) {
                        // the thread that needs it loads it itself, and reports what fails there
                    }
                }
            } finally {
                preloaded = true;
                Thread waiting = waiter;
                if (waiting != null) {
                    LockSupport.unpark(waiting);
                }
            }
            while (!handedOff) {
                LockSupport.park(this);
            }
            SetUp work = setUp;
            if (work != null) {
                work.run();
            }
        }

        /** Gives it the rest of the start to run, or nothing (the start stopped, or runs it on the caller's thread). */
        void handOff(SetUp work) {
            setUp = work;
            handedOff = true;
            LockSupport.unpark(this);
        }

        /**
         * Waits until its preloading is done (on attach, which then runs the set-up itself). Parks rather than joins: a
         * join's InterruptedException is a class outside the CDS archive, which its handler would load. (With an
         * interrupt pending, park returns at once: this then spins for the few milliseconds left.)
         */
        void finish() {
            waiter = Thread.currentThread();
            while (!preloaded) {
                LockSupport.park(this);
            }
        }
    }
}
