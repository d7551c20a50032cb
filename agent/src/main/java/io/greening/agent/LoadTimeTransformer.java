package io.greening.agent;

import io.greening.agent.Rewrites.Rewrite;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The load-time hot path: rewrites the call sites of each selected class as it loads. A class that is not selected
 * costs a name match. A selected class is first pre-scanned ({@link CallSiteFilter}: its constant pool, then the code
 * of a class that names a row's method or enters a monitor, without ASM). A class whose rewrites are all call sites and
 * monitor entries is rewritten without ASM ({@link MethodRefRetargeter#retarget}: patch method references appended to
 * the constant pool, each invoke turned into an {@code invokestatic} of the same stack effect in place, the monitor
 * entry calls spliced in by {@link MonitorEntrySplicer}, everything else copied). The others (constructions, method
 * references in lambdas, the main prologue, code shapes the splicer leaves alone) get one ASM pass, {@link ClassReader}
 * through the {@link CallSiteRewriter} into a {@link ClassWriter} that copies the constant pool and never recomputes
 * frames (the rewrites keep every instruction's stack shape, so the class's own stack map frames stay valid); only the
 * methods the pre-scan names are visited, the others ASM copies as they are. (Most of a rewritten class's time went to
 * ASM parsing and writing back code with nothing to rewrite, mostly interpreted on an application's first classes.)
 * Subtype questions are answered from class file headers ({@link TypeHierarchy}), never by loading a class. A class
 * with nothing to rewrite is handed back unchanged (no bytes), so the JVM keeps the class it parsed, from the class
 * data sharing archive where it is one.
 */
final class LoadTimeTransformer implements ClassFileTransformer {
    private final ClassSelector selector;
    private final Map<String, List<Rewrite>> rows;
    private final Map<String, List<Rewrite>> mainOnly;
    private final String mainClass;
    private final Report report;
    private final boolean keepForCheck;
    private final TypeHierarchy hierarchy = new TypeHierarchy();
    private final CallSiteFilter filter;
    private final ClassLoader platformLoader = ClassLoader.getPlatformClassLoader();

    /**
     * @param selector     which classes are rewritten
     * @param rows         the rows for selected classes ({@link Rewrites#index})
     * @param mainOnly     the rows for the main class when it is not selected: the main prologue, or none
     * @param mainClass    the main class (internal name) that gets the prologue, or null
     * @param report       told of every selected class: its rewrites, failure and time
     * @param keepForCheck whether to keep transformed classes for {@link Report#check()}
     */
    LoadTimeTransformer(ClassSelector selector, Map<String, List<Rewrite>> rows, Map<String, List<Rewrite>> mainOnly,
                        String mainClass, Report report, boolean keepForCheck) {
        this.selector = selector;
        this.rows = rows;
        this.mainOnly = mainOnly;
        this.mainClass = mainClass;
        this.report = report;
        this.keepForCheck = keepForCheck;
        this.filter = new CallSiteFilter(rows, hierarchy);
    }

    /** Whether {@code binaryName} is a class this transformer looks at: selected, or the main class. */
    boolean isSelected(String binaryName) {
        return selector.selects(binaryName) || binaryName.replace('.', '/').equals(mainClass);
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain domain, byte[] classfile) {
        if (loader == null || loader == platformLoader || className == null || holdsNoCode(className)) {
            return null;   // the JDK's classes; package-info and module-info, which hold no code
        }
        boolean isMain = className.equals(mainClass);
        String binaryName = className.replace('/', '.');
        boolean selected = selector.selects(binaryName);
        if (!selected && !isMain) {
            return null;
        }
        long began = System.nanoTime();
        try {
            Map<Rewrite, Integer> counts = new HashMap<>();
            byte[] rewritten = rewrite(loader, classfile, selected ? rows : mainOnly, isMain ? className : null, counts);
            report.transformed(binaryName, counts, System.nanoTime() - began);
            if (keepForCheck && rewritten != null) {
                report.keepForCheck(binaryName, loader, rewritten);
            }
            return rewritten;
        } catch (Throwable error) {   // the class loads unchanged, reported once
            report.failed(binaryName, error, System.nanoTime() - began);
            return null;
        }
    }

    /**
     * Rewrites one class; returns its new bytes, or null when there was nothing to rewrite. {@code greenMainClass}, when
     * given, gets the main prologue (if {@code applicable} holds it).
     */
    private byte[] rewrite(ClassLoader loader, byte[] classfile, Map<String, List<Rewrite>> applicable, String greenMainClass,
                           Map<Rewrite, Integer> counts) {
        if (greenMainClass != null) {   // every method visited, for the prologue
            return AsmPass.rewrite(loader, classfile, applicable, hierarchy, greenMainClass, null, counts);
        }
        CallSiteFilter.Scan scan = filter.scan(classfile);
        if (scan == null) {
            return null;
        }
        if (scan.callsAndMonitorsOnly) {   // no ASM: invokes become invokestatics in place, monitor entry calls spliced in
            Rewrite monitorEntry = scan.monitors ? applicable.get(Rewrites.MONITOR_ENTRY_KEY).getFirst() : null;
            byte[] rewritten = MethodRefRetargeter.retarget(scan.classFile, scan.invokes, scan.invokeCount, monitorEntry,
                    callSites(loader, scan.classFile, applicable), counts);
            if (rewritten != MethodRefRetargeter.NOT_IN_PLACE) {
                return rewritten;
            }
        }
        return AsmPass.rewrite(loader, classfile, applicable, hierarchy, null, scan.methods, counts);
    }

    /**
     * The call sites of the class to rewrite, each method reference and opcode matched as {@link CallSiteRewriter} does,
     * once.
     */
    private MethodRefRetargeter.Sites callSites(ClassLoader loader, ClassFileIndex classFile, Map<String, List<Rewrite>> applicable) {
        CallSiteRewriter.Hierarchy types = hierarchy.forClass(loader, classFile.className(), classFile.superName(),
                classFile.interfaces());
        Rewrite[] matched = new Rewrite[4 * classFile.count()];   // per method reference and invoke opcode
        boolean[] decided = new boolean[matched.length];
        return new MethodRefRetargeter.Sites() {
            @Override
            public Rewrite rowAt(int methodref, int opcode) {
                int slot = 4 * methodref + opcode - ClassFileIndex.INVOKEVIRTUAL;
                if (!decided[slot]) {
                    decided[slot] = true;
                    int nameAndType = classFile.operand(methodref, 1);
                    matched[slot] = Rewrites.findCall(applicable, types, opcode,
                            classFile.utf8(classFile.operand(classFile.operand(methodref, 0), 0)),
                            classFile.utf8(classFile.operand(nameAndType, 0)), classFile.utf8(classFile.operand(nameAndType, 1)));
                }
                return matched[slot];
            }
        };
    }

    /**
     * The ASM pass, in a class of its own so that ASM loads with the first class that has something to rewrite, not
     * with the transformer (the verifier of a method that hands a {@link CallSiteRewriter} to {@link ClassReader}
     * loads both).
     */
    private static final class AsmPass {
        static byte[] rewrite(ClassLoader loader, byte[] classfile, Map<String, List<Rewrite>> applicable,
                              TypeHierarchy hierarchy, String greenMainClass, BitSet methods, Map<Rewrite, Integer> counts) {
            ClassReader reader = new ClassReader(classfile);
            ClassWriter writer = new ClassWriter(reader, 0);
            reader.accept(new CallSiteRewriter(writer, applicable, hierarchy.forClass(loader, reader), greenMainClass, methods,
                    new Consumer<Rewrite>() {   // not a lambda: the application's first classes come here, before main
                        @Override
                        public void accept(Rewrite row) {
                            Integer before = counts.get(row);
                            counts.put(row, before == null ? 1 : before + 1);
                        }
                    }), greenMainClass != null ? ClassReader.EXPAND_FRAMES : 0);
            return counts.isEmpty() && greenMainClass == null ? null : writer.toByteArray();
        }
    }

    private static boolean holdsNoCode(String className) {
        return className.endsWith("package-info") && (className.length() == 12 || className.endsWith("/package-info"))
                || className.equals("module-info");
    }
}
