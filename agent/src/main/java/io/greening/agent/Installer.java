package io.greening.agent;

import io.greening.agent.Rewrites.Rewrite;
import io.greening.diagnostics.ThreadDump;
import io.greening.internal.PatchGroup;
import io.greening.internal.Settings;
import io.greening.patch.GreenThreads;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.field.FieldDescription;
import net.bytebuddy.description.field.FieldList;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Opcodes;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import javax.management.ObjectName;

/**
 * Installs the rewriting with ByteBuddy's {@link AgentBuilder}, configures the runtime, and sets up the exit report and
 * the JMX dump. Loaded only once the runtime is on the bootstrap class path.
 */
final class Installer {
    private static final System.Logger LOG = System.getLogger("io.greening.agent");

    private Installer() {}

    static Report install(AgentOptions options, Instrumentation instrumentation, boolean attached) {
        Settings.install(options.settings());   // before any runtime class reads a setting: hubs, stall monitor, pools
        Report report = new Report(options.verbose());
        List<Rewrite> jdkRows = Rewrites.jdkRows(options.groups(), options.hubOptions().virtualClock());
        if (!jdkRows.isEmpty()) {
            try {
                JdkCallSites.apply(instrumentation, jdkRows).forEach(report::jdkSitesRewritten);
            } catch (RuntimeException | LinkageError e) {
                LOG.log(System.Logger.Level.WARNING, "greening: the JDK keeps its own code for " + jdkRows, e);
            }
        }
        ClassSelector selector = new ClassSelector(options.include(), options.exclude());
        report.selectingWith(selector);
        Map<String, List<Rewrite>> rows = Rewrites.index(options.groups());
        Map<String, List<Rewrite>> mainOnly = Rewrites.index(options.groups().contains(PatchGroup.MAIN) ? Set.of(PatchGroup.MAIN) : Set.of());
        String mainClass = options.greenMain() && !attached ? mainClassName() : null;
        if (options.greenMain() && !attached && mainClass == null) {
            LOG.log(System.Logger.Level.WARNING, "greening: main=green, but the main class is unknown; main runs as is");
        }
        // No Nexus: we add no initializers, and its set-up would reach for sun.misc.Unsafe (a warning on JDK 25).
        if (System.getProperty("net.bytebuddy.nexus.disabled") == null) {
            System.setProperty("net.bytebuddy.nexus.disabled", "true");
        }
        new AgentBuilder.Default()
                .disableClassFormatChanges()
                // visitors only, no new members; ByteBuddy still describes each selected class and builds its method
                // graph from the type pool, which is most of the per-class cost
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(attached ? AgentBuilder.RedefinitionStrategy.RETRANSFORMATION : AgentBuilder.RedefinitionStrategy.DISABLED)
                .with(AgentBuilder.PoolStrategy.Default.FAST)
                // describe types from their class files, never by reflection: reflecting on a loaded class loads its
                // nested classes while ByteBuddy's circularity lock is held, and those would then escape transformation
                .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
                .with(new ReportingListener(report, options.check()))
                .ignore(ElementMatchers.none())
                // the main class is transformed for main=green even when not selected, then with its prologue only
                .type((type, loader, module, classBeingRedefined, domain) -> loader != null
                        && (selector.selects(type.getName()) || type.getName().equals(mainClass)))
                .transform((builder, type, loader, module, domain) -> builder.visit(new Wrapper(
                        selector.selects(type.getName()) ? rows : mainOnly, type.getName(), type.getName().equals(mainClass), report)))
                .installOn(instrumentation);
        String reportTarget = options.report();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> atExit(report, reportTarget, options.check()), "greening-report"));
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
            LOG.log(System.Logger.Level.ERROR, "greening: could not write the report to " + target, e);
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
        return System.getProperties().stringPropertyNames().stream().anyMatch(k -> k.startsWith("com.sun.management.jmxremote"));
    }

    private static void registerMBean() {
        try {
            ManagementFactory.getPlatformMBeanServer().registerMBean(new GreenThreadsBean(),
                    new ObjectName("io.greening:type=GreenThreads"));
        } catch (Exception | LinkageError e) {
            LOG.log(System.Logger.Level.WARNING, "greening: could not register the GreenThreads MBean", e);
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

    /** Counts classes transformed and failed; a failed class is loaded unchanged (ByteBuddy returns no bytes). */
    private static final class ReportingListener extends AgentBuilder.Listener.Adapter {
        private final Report report;
        private final boolean check;

        ReportingListener(Report report, boolean check) {
            this.report = report;
            this.check = check;
        }

        @Override
        public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
                                     DynamicType dynamicType) {
            report.succeeded(type.getName());
            if (check) {
                report.keepForCheck(type.getName(), loader, dynamicType.getBytes());
            }
        }

        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable error) {
            report.failed(typeName, error);
        }
    }

    /** Hands one class to a {@link CallSiteRewriter}, answering its subtype questions from ByteBuddy's type pool. */
    private static final class Wrapper implements AsmVisitorWrapper {
        private final Map<String, List<Rewrite>> rows;
        private final String className;
        private final boolean isMainClass;
        private final Report report;

        Wrapper(Map<String, List<Rewrite>> rows, String className, boolean isMainClass, Report report) {
            this.rows = rows;
            this.className = className;
            this.isMainClass = isMainClass;
            this.report = report;
        }

        @Override
        public int mergeWriter(int flags) {
            return flags;
        }

        @Override
        public int mergeReader(int flags) {
            return isMainClass ? flags | ClassReader.EXPAND_FRAMES : flags;   // the main prologue adds an expanded frame
        }

        @Override
        public ClassVisitor wrap(TypeDescription instrumentedType, ClassVisitor classVisitor, Implementation.Context context,
                                 TypePool typePool, FieldList<FieldDescription.InDefinedShape> fields, MethodList<?> methods,
                                 int writerFlags, int readerFlags) {
            Map<Rewrite, Integer> counts = new HashMap<>();
            ClassVisitor reporting = new ClassVisitor(Opcodes.ASM9, classVisitor) {
                @Override
                public void visitEnd() {
                    report.found(className, counts);
                    super.visitEnd();
                }
            };
            return new CallSiteRewriter(reporting, rows, (type, supertype) -> isSubtype(typePool, type, supertype),
                    isMainClass ? className.replace('.', '/') : null, row -> counts.merge(row, 1, Integer::sum));
        }

        /** Answers about JDK types, the same for every class loader; asked for every {@code close()} and the like. */
        private static final Map<String, Boolean> JDK_SUBTYPES = new java.util.concurrent.ConcurrentHashMap<>();

        private static boolean isSubtype(TypePool pool, String type, String supertype) {
            if (type.startsWith("java/") || type.startsWith("javax/")) {
                return JDK_SUBTYPES.computeIfAbsent(type + " " + supertype, k -> resolveSubtype(pool, type, supertype));
            }
            return resolveSubtype(pool, type, supertype);
        }

        private static boolean resolveSubtype(TypePool pool, String type, String supertype) {
            try {
                TypePool.Resolution t = pool.describe(type.replace('/', '.'));
                TypePool.Resolution s = pool.describe(supertype.replace('/', '.'));
                return t.isResolved() && s.isResolved() && t.resolve().isAssignableTo(s.resolve());
            } catch (RuntimeException unresolvable) {
                return false;   // a type we cannot see is treated as not a subtype: the call site stays as it is
            }
        }
    }
}
