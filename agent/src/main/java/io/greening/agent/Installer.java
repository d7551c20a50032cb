package io.greening.agent;

import io.greening.agent.Rewrites.Rewrite;
import io.greening.diagnostics.ThreadDump;
import io.greening.internal.BeforeFirstHub;
import io.greening.internal.PatchGroup;
import io.greening.internal.Settings;
import io.greening.patch.GreenThreads;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import javax.management.ObjectName;

/**
 * Configures the runtime, has the JDK classes the table names retransformed before the first hub is made
 * ({@link BeforeFirstHub}), installs the {@link LoadTimeTransformer} (and on
 * dynamic attach retransforms the selected classes already loaded), and sets up the exit report and the JMX dump.
 * Loaded only once the runtime is in the boot loader.
 */
final class Installer {

    private Installer() {}

    static Report install(AgentOptions options, Instrumentation instrumentation, boolean attached) {
        Settings.install(options.settings());   // before any runtime class reads a setting: hubs, stall monitor, pools
        Report report = new Report(options.verbose());
        List<Rewrite> jdkRows = Rewrites.jdkRows(options.groups(), options.hubOptions().virtualClock());
        if (!jdkRows.isEmpty()) {
            // before the first hub, not now: the patch methods differ from the JDK only on green threads, which need a
            // hub, and a program that starts none is spared the retransformation of java.lang.VirtualThread
            BeforeFirstHub.run(new JdkRowsBeforeFirstHub(instrumentation, jdkRows, report));
        }
        ClassSelector selector = new ClassSelector(options.include(), options.exclude());
        report.selectingWith(selector);
        Map<String, List<Rewrite>> rows = Rewrites.index(options.groups());
        Map<String, List<Rewrite>> mainOnly = Rewrites.index(options.groups().contains(PatchGroup.MAIN) ? Set.of(PatchGroup.MAIN) : Set.of());
        String mainClass = options.greenMain() && !attached ? mainClassName() : null;
        if (options.greenMain() && !attached && mainClass == null) {
            AgentLog.get().log(System.Logger.Level.WARNING, "greening: main=green, but the main class is unknown; main runs as is");
        }
        LoadTimeTransformer transformer = new LoadTimeTransformer(selector, rows, mainOnly,
                mainClass == null ? null : mainClass.replace('.', '/'), report, options.check());
        // retransformable only on attach, where the classes already loaded are retransformed; at start our rewrites are
        // then kept in the class bytes another agent's retransformation begins from
        instrumentation.addTransformer(transformer, attached);
        if (attached) {
            retransformLoaded(instrumentation, transformer);
        }
        String reportTarget = options.report();
        Runtime.getRuntime().addShutdownHook(new ReportAtExit(report, reportTarget, options.check()));
        if (jmxInUse(options.jmx())) {
            Thread.ofPlatform().daemon().name("greening-jmx").start(Installer::registerMBean);
        }
        return report;
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
     * At exit: a line on stderr for each include pattern that selected no class (also with {@code report=off}: a typo
     * or a library that never loaded leaves its code ungreened without a word otherwise), then the report. Written to
     * stderr as the report is, not logged: java.util.logging's own shutdown hook may have closed its handlers by now.
     */
    private static void atExit(Report report, String target, boolean check) {
        if (!target.equals("stderr")) {   // the stderr report has these lines
            for (String glob : report.includesThatSelectedNothing()) {
                System.err.println("greening: " + Report.unusedIncludeLine(glob));
            }
            System.err.flush();
        }
        if (!target.equals("off")) {
            writeReport(report, target, check);
        }
    }

    private static void writeReport(Report report, String target, boolean check) {
        List<String> checks = check ? report.check() : List.of();
        String text = report.render(ThreadDump.text(), peakPlatformThreads(), osThreadsNow(), checks,
                GreenThreads.keptForStackSize());
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

    /**
     * Whether to register the JMX dump: creating the platform MBean server costs as much start-up as the rest of the
     * agent, so only when the JVM is set up for JMX ({@code -Dcom.sun.management.jmxremote*}) or asked to with the
     * setting {@code jmx=true}. {@code jcmd <pid> Thread.dump_to_file} lists green threads in any case.
     */
    private static boolean jmxInUse(Boolean asked) {
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
                for (Map.Entry<Rewrite, Integer> sites : JdkCallSites.apply(instrumentation, rows).entrySet()) {
                    report.jdkSitesRewritten(sites.getKey(), sites.getValue());
                }
            } catch (RuntimeException | LinkageError e) {
                AgentLog.get().log(System.Logger.Level.WARNING, "greening: the JDK keeps its own code for " + rows, e);
            }
        }
    }

    /** The shutdown hook that writes the report: a class, not a lambda, since it is created before main. */
    private static final class ReportAtExit extends Thread {
        private final Report report;
        private final String target;
        private final boolean check;

        ReportAtExit(Report report, String target, boolean check) {
            super("greening-report");
            this.report = report;
            this.target = target;
            this.check = check;
        }

        @Override
        public void run() {
            atExit(report, target, check);
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
    private static void retransformLoaded(Instrumentation instrumentation, LoadTimeTransformer transformer) {
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
