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
 * Applies the table's rows inside the JDK ({@link Rewrites.Kind#JDK_CALL}): retransforms the {@code java.base} classes
 * they name so that their calls of one JDK method go to a static patch method of the runtime (on the boot class path),
 * receiver first. Instructions only, as retransformation requires ({@link MethodRefRetargeter}: in place, without a
 * bytecode library, since this runs at every start). The transformer stays installed, so a later retransformation of
 * those classes keeps the rewrites. Plain code only on this path: no lambda or stream, which would spin classes at
 * start.
 */
final class JdkCallSites implements ClassFileTransformer {

    private final List<Rewrite> rows;
    /** Call sites rewritten per class and row, by the class's latest transformation. */
    private final Map<String, Map<Rewrite, Integer>> rewrittenIn = new ConcurrentHashMap<>();

    private JdkCallSites(List<Rewrite> rows) {
        this.rows = rows;
    }

    /**
     * Retransforms the classes {@code rows} name and returns how many call sites each row rewrote, in row order. A
     * class that cannot be retransformed is logged and keeps the JDK's code; so is a row that found nothing to rewrite.
     */
    static Map<Rewrite, Integer> apply(Instrumentation instrumentation, List<Rewrite> rows) {
        JdkCallSites transformer = new JdkCallSites(rows);
        Set<String> classNames = new LinkedHashSet<>();
        for (Rewrite row : rows) {
            classNames.addAll(row.jdkClasses());
        }
        List<Class<?>> classes = new ArrayList<>();
        for (String name : classNames) {
            try {
                classes.add(Class.forName(name.replace('/', '.'), false, null));
            } catch (ClassNotFoundException absentInThisJdk) {
                // nothing there to rewrite; the row reports it below
            }
        }
        instrumentation.addTransformer(transformer, true);
        try {
            instrumentation.retransformClasses(classes.toArray(new Class<?>[0]));
        } catch (Exception | LinkageError all) {
            for (Class<?> c : classes) {   // one by one, so that one failure does not take the others along
                try {
                    instrumentation.retransformClasses(c);
                } catch (Exception | LinkageError e) {
                    transformer.rewrittenIn.remove(c.getName().replace('.', '/'));
                    AgentLog.get().log(System.Logger.Level.WARNING, "greening: could not retransform " + c.getName()
                            + "; it keeps the JDK's code", e);
                }
            }
        }
        Map<Rewrite, Integer> counts = new LinkedHashMap<>();
        for (Rewrite row : rows) {
            counts.put(row, 0);
        }
        for (Map<Rewrite, Integer> inClass : transformer.rewrittenIn.values()) {
            for (Map.Entry<Rewrite, Integer> rewritten : inClass.entrySet()) {
                counts.put(rewritten.getKey(), counts.get(rewritten.getKey()) + rewritten.getValue());
            }
        }
        for (Rewrite row : rows) {
            int count = counts.get(row);
            if (count == 0) {
                AgentLog.get().log(System.Logger.Level.WARNING, "greening: no call of " + row.owner() + "." + row.name() + row.descriptor()
                        + " found in " + row.jdkClasses() + "; " + row.group().optionName() + " keeps the JDK's way there");
            }
        }
        return counts;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain domain, byte[] classfile) {
        if (loader != null) {
            return null;
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
        return rewritten;
    }
}
