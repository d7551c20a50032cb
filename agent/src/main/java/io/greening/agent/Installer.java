package io.greening.agent;

import io.greening.agent.Rewrites.Rewrite;
import io.greening.diagnostics.ThreadDump;
import io.greening.internal.AgentSelection;
import io.greening.internal.BeforeFirstHub;
import io.greening.internal.PatchGroup;
import io.greening.internal.Settings;
import io.greening.patch.FilePatches;
import io.greening.patch.GreenThreads;
import io.greening.patch.VirtualThreadPatches;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.management.ObjectName;

/**
 * The parts of the start that use the runtime beyond the settings: configures it, has the {@code java.base} classes the
 * table names retransformed before the first hub is made ({@link BeforeFirstHub}) and those of other JDK modules
 * rewritten from now on ({@link JdkCallSites}), on dynamic attach retransforms the selected
 * classes already loaded, writes the exit report and registers the JMX dump. Loaded only once the whole runtime is in
 * the boot loader (by the set-up thread, {@link GreeningAgent}).
 */
final class Installer {

    private Installer() {}

    /**
     * The start's set-up after the runtime is in the boot loader: hands the settings to the runtime, has the classes of
     * JDK modules other than {@code java.base} that the table names rewritten from now on, and the {@code java.base}
     * ones retransformed before the first hub.
     */
    static void configureRuntime(AgentOptions options, Instrumentation instrumentation, Report report) {
        Settings.install(options.settings());   // before any runtime class reads a setting: hubs, stall monitor, pools
        ClassSelector selector = new ClassSelector(options.include(), options.exclude());
        AgentSelection.install(selector);   // virtual threads made inside the JDK are green when selected code made them
        List<Rewrite> javaBaseRows = new ArrayList<>();
        List<Rewrite> otherModuleRows = new ArrayList<>();
        for (Rewrite row : Rewrites.jdkRows(options.groups(), options.hubOptions().virtualClock())) {
            (JdkCallSites.inJavaBase(row) ? javaBaseRows : otherModuleRows).add(row);
        }
        if (!otherModuleRows.isEmpty()) {
            // now, not before the first hub: they change what a JDK object is made of (the HttpClient's default pool),
            // not only how it behaves on a green thread; one made before the first hub keeps what it was made with
            try {
                JdkCallSites.rewriteAsTheyLoad(instrumentation, otherModuleRows, report);
            } catch (RuntimeException | LinkageError | ClassNotFoundException e) {
                AgentLog.get().log(System.Logger.Level.WARNING, "greening: the JDK keeps its own code for " + otherModuleRows, e);
            }
        }
        if (!javaBaseRows.isEmpty()) {
            // before the first hub, not now: the patch methods differ from the JDK only on green threads, which need a
            // hub, and a program that starts none is spared the retransformation of java.lang.VirtualThread
            BeforeFirstHub.run(new JdkRowsBeforeFirstHub(instrumentation, javaBaseRows, report));
        }
    }

    /** Registers the JMX dump on a thread of its own when the settings or the JVM's say so ({@link GreeningAgent#jmxInUse}). */
    static void registerMBeanIfUsed(AgentOptions options) {
        if (GreeningAgent.jmxInUse(options.jmx())) {
            Thread.ofPlatform().daemon().name("greening-jmx").start(Installer::registerMBean);
        }
    }

    /** Writes the report (not {@code off}) to stderr or the file {@code target}; with {@code check}, checks first. */
    static void writeReport(Report report, String target, boolean check) {
        List<String> checks = check ? report.check() : List.of();
        String text = report.render(ThreadDump.text(), peakPlatformThreads(), osThreadsNow(), checks,
                GreenThreads.keptForStackSize(), VirtualThreadPatches.madeGreen(), FilePatches.offloadedLookups());
        if (target.equals("stderr")) {
            System.err.print(text);
            System.err.flush();
            return;
        }
        try {
            Files.writeString(Path.of(target), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            AgentLog.get().log(System.Logger.Level.ERROR, "greening: could not write the report to " + target, e);
        }
    }

    /** The JVM's peak platform thread count, or -1 if management cannot load (e.g. out of file descriptors at exit). */
    private static int peakPlatformThreads() {
        try {
            return ManagementFactory.getThreadMXBean().getPeakThreadCount();
        } catch (RuntimeException | LinkageError e) {
            return -1;
        }
    }

    private static String osThreadsNow() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Threads:")) {
                    return line.substring("Threads:".length()).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: say so below
        }
        return "unknown";
    }

    private static void registerMBean() {
        try {
            ManagementFactory.getPlatformMBeanServer().registerMBean(new GreenThreadsBean(),
                    new ObjectName("io.greening:type=GreenThreads"));
        } catch (Exception | LinkageError e) {
            AgentLog.get().log(System.Logger.Level.WARNING, "greening: could not register the GreenThreads MBean", e);
        }
    }

    /** Applies the rows inside the JDK ({@link JdkCallSites}) and tells the report; run before the first hub. */
    private static final class JdkRowsBeforeFirstHub implements Runnable {
        private final Instrumentation instrumentation;
        private final List<Rewrite> rows;
        private final Report report;

        JdkRowsBeforeFirstHub(Instrumentation instrumentation, List<Rewrite> rows, Report report) {
            this.instrumentation = instrumentation;
            this.rows = rows;
            this.report = report;
        }

        @Override
        public void run() {
            try {
                JdkCallSites applied = JdkCallSites.retransform(instrumentation, rows, report);
                // the JDK's socket pollers are made by its virtual-thread factory: with that call patched they stay on
                // the JDK's scheduler whoever starts them, so the first hub need not start them (VirtualThreadPatches)
                if (applied.rewroteCallIn("java/lang/ThreadBuilders$VirtualThreadFactory", "java/lang/ThreadBuilders",
                        "newVirtualThread")) {
                    BeforeFirstHub.jdkPollersKeptOffHubs();
                }
            } catch (RuntimeException | LinkageError e) {
                AgentLog.get().log(System.Logger.Level.WARNING, "greening: the JDK keeps its own code for " + rows, e);
            }
        }
    }

    /** The MBean behind {@link GreenThreadsMXBean}. */
    static final class GreenThreadsBean implements GreenThreadsMXBean {
        @Override
        public String dump() {
            return ThreadDump.text();
        }

        @Override
        public int getLiveCount() {
            return ThreadDump.liveCount();
        }
    }

    /**
     * On attach: the selected classes already loaded go through the transformer once more (retransformation keeps
     * their shape, which the rewrites never change). One that cannot be retransformed is logged and keeps its code.
     */
    static void retransformLoaded(Instrumentation instrumentation, LoadTimeTransformer transformer) {
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> c : instrumentation.getAllLoadedClasses()) {
            if (c.getClassLoader() != null && !c.isArray() && !c.isHidden() && transformer.isSelected(c.getName())
                    && instrumentation.isModifiableClass(c)) {
                loaded.add(c);
            }
        }
        try {
            instrumentation.retransformClasses(loaded.toArray(Class<?>[]::new));
        } catch (Exception | LinkageError all) {
            for (Class<?> c : loaded) {   // one by one, so that one failure does not take the others along
                try {
                    instrumentation.retransformClasses(c);
                } catch (Exception | LinkageError e) {
                    AgentLog.get().log(System.Logger.Level.WARNING, "greening: could not retransform " + c.getName()
                            + "; it keeps its code (not greened)", e);
                }
            }
        }
    }
}
