package io.greening.agent;

import io.greening.agent.Rewrites.Rewrite;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies the table's rows inside the JDK ({@link Rewrites.Kind#JDK_CALL}): rewrites the JDK classes they name so that
 * their calls of one JDK method go to a static patch method of the runtime (on the boot class path), receiver first.
 * Instructions only, as retransformation requires ({@link MethodRefRetargeter}: in place, without a bytecode library,
 * since this runs at every start). The transformer stays installed, so a later retransformation of those classes keeps
 * the rewrites, and a named class that loads later is rewritten as it loads. Plain code only on this path: no lambda or
 * stream, which would spin classes at start.
 *
 * <p>Two ways in, by where the row's classes live ({@link #inJavaBase}): {@code java.base}'s classes are loaded and
 * retransformed at once ({@link #retransform}, before the first hub); another JDK module's classes, which the platform
 * class loader defines and most programs never load, are rewritten as they load, or retransformed if already loaded
 * ({@link #rewriteAsTheyLoad}, at the agent's set-up), once their module reads the runtime.
 */
final class JdkCallSites implements ClassFileTransformer {

    private static final ClassLoader PLATFORM_LOADER = ClassLoader.getPlatformClassLoader();

    private final List<Rewrite> rows;
    private final Report report;
    /** Call sites rewritten per class and row, by the class's latest transformation. */
    private final Map<String, Map<Rewrite, Integer>> rewrittenIn = new ConcurrentHashMap<>();

    private JdkCallSites(List<Rewrite> rows, Report report) {
        this.rows = rows;
        this.report = report;
    }

    /** Whether the row's classes are {@code java.base}'s (a row names classes of one module: RewritesTest checks). */
    static boolean inJavaBase(Rewrite row) {
        return Object.class.getModule().getDescriptor().packages().contains(packageOf(row.jdkClasses().getFirst()));
    }

    /**
     * Retransforms the {@code java.base} classes {@code rows} name and tells {@code report} how many call sites each
     * row rewrote; returns the transformer, which stays installed. A class that cannot be retransformed, is not in this
     * JDK or holds no call of its row is logged and keeps the JDK's code.
     */
    static JdkCallSites retransform(Instrumentation instrumentation, List<Rewrite> rows, Report report) {
        JdkCallSites transformer = new JdkCallSites(rows, report);
        Set<String> classNames = new LinkedHashSet<>();
        for (Rewrite row : rows) {
            classNames.addAll(row.jdkClasses());
        }
        List<Class<?>> classes = new ArrayList<>();
        for (String name : classNames) {
            try {
                classes.add(Class.forName(name.replace('/', '.'), false, null));
            } catch (ClassNotFoundException absentInThisJdk) {
                AgentLog.get().log(System.Logger.Level.WARNING, "greening: no class " + name + " in this JDK; the rows"
                        + " for it keep the JDK's way");
            }
        }
        instrumentation.addTransformer(transformer, true);
        transformer.retransformEach(instrumentation, classes);
        return transformer;
    }

    /**
     * Whether the latest transformation of {@code className} rewrote a call of the JDK method {@code owner.name} there
     * (any descriptor).
     */
    boolean rewroteCallIn(String className, String owner, String name) {
        Map<Rewrite, Integer> inClass = rewrittenIn.get(className);
        if (inClass == null) {
            return false;
        }
        for (Map.Entry<Rewrite, Integer> entry : inClass.entrySet()) {
            Rewrite row = entry.getKey();
            if (row.owner().equals(owner) && row.name().equals(name) && entry.getValue() > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Rewrites the classes {@code rows} name, of JDK modules other than {@code java.base}, as they load from now on,
     * and retransforms those already loaded; first has each of their modules read the runtime, whose patch methods
     * the rewritten code calls. A row whose module is not in the boot layer (a runtime image without it) has nothing to
     * rewrite. {@code report} hears of each class rewritten; a class that holds no call of its row is logged.
     */
    static void rewriteAsTheyLoad(Instrumentation instrumentation, List<Rewrite> rows, Report report)
            throws ClassNotFoundException {
        List<Rewrite> present = new ArrayList<>();
        Set<String> classNames = new LinkedHashSet<>();
        Set<ClassLoader> loaders = new LinkedHashSet<>();
        for (Rewrite row : rows) {
            Module module = bootLayerModuleOf(packageOf(row.jdkClasses().getFirst()));
            if (module == null) {
                continue;
            }
            Module runtime = Class.forName(row.patchClass().replace('/', '.'), false, null).getModule();
            if (!module.canRead(runtime)) {
                instrumentation.redefineModule(module, Set.of(runtime), Map.of(), Map.of(), Set.of(), Map.of());
            }
            present.add(row);
            classNames.addAll(row.jdkClasses());
            loaders.add(module.getClassLoader());
        }
        if (present.isEmpty()) {
            return;
        }
        JdkCallSites transformer = new JdkCallSites(List.copyOf(present), report);
        // installed before the loaded classes are listed: a class loading in between is rewritten as it loads
        instrumentation.addTransformer(transformer, true);
        List<Class<?>> loaded = new ArrayList<>();
        for (ClassLoader loader : loaders) {
            for (Class<?> c : instrumentation.getInitiatedClasses(loader)) {
                if (c.getClassLoader() == loader && classNames.contains(c.getName().replace('.', '/'))) {
                    loaded.add(c);
                }
            }
        }
        if (!loaded.isEmpty()) {
            transformer.retransformEach(instrumentation, loaded);
        }
    }

    /** Retransforms {@code classes}, one by one if together they fail, so that one failure does not take the others along. */
    private void retransformEach(Instrumentation instrumentation, List<Class<?>> classes) {
        try {
            instrumentation.retransformClasses(classes.toArray(new Class<?>[0]));
        } catch (Exception | LinkageError all) {
            for (Class<?> c : classes) {
                try {
                    instrumentation.retransformClasses(c);
                } catch (Exception | LinkageError e) {
                    String failed = c.getName().replace('.', '/');
                    rewrittenIn.remove(failed);
                    for (Rewrite row : rows) {   // the report heard of its sites as they were rewritten: not kept
                        if (row.jdkClasses().contains(failed)) {
                            report.jdkSitesRewritten(row, rewritten(row));
                        }
                    }
                    AgentLog.get().log(System.Logger.Level.WARNING, "greening: could not retransform " + c.getName()
                            + "; it keeps the JDK's code", e);
                }
            }
        }
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain domain, byte[] classfile) {
        if (loader != null && loader != PLATFORM_LOADER) {
            return null;   // only the JDK's own classes
        }
        List<Rewrite> here = new ArrayList<>();
        for (Rewrite row : rows) {
            if (row.jdkClasses().contains(className)) {
                here.add(row);
            }
        }
        if (here.isEmpty()) {
            return null;
        }
        Map<Rewrite, Integer> counts = new LinkedHashMap<>();
        byte[] rewritten = MethodRefRetargeter.rewrite(classfile, here, counts);
        rewrittenIn.put(className, counts);
        for (Rewrite row : here) {
            Integer inThisClass = counts.get(row);
            if (inThisClass == null || inThisClass == 0) {
                AgentLog.get().log(System.Logger.Level.WARNING, "greening: no call of " + row.owner() + "." + row.name()
                        + row.descriptor() + " found in " + className + "; " + row.group().optionName()
                        + " keeps the JDK's way there");
            } else {
                report.jdkSitesRewritten(row, rewritten(row));
            }
        }
        return rewritten;
    }

    /** Call sites {@code row} rewrote, summed over its classes' latest transformations. */
    private int rewritten(Rewrite row) {
        int total = 0;
        for (Map<Rewrite, Integer> inClass : rewrittenIn.values()) {
            Integer count = inClass.get(row);
            if (count != null) {
                total += count;
            }
        }
        return total;
    }

    /** The module of the boot layer that holds {@code packageName} (dotted), or null. */
    private static Module bootLayerModuleOf(String packageName) {
        for (Module module : ModuleLayer.boot().modules()) {
            if (module.getDescriptor().packages().contains(packageName)) {
                return module;
            }
        }
        return null;
    }

    /** The dotted package name of the class {@code internalName}. */
    private static String packageOf(String internalName) {
        return internalName.substring(0, internalName.lastIndexOf('/')).replace('/', '.');
    }
}
