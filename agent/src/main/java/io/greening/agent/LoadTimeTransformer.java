package io.greening.agent;

import io.greening.agent.Rewrites.Rewrite;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;

import java.lang.instrument.ClassFileTransformer;
import java.nio.charset.StandardCharsets;
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
    private final String mainClass;
    private final Report report;
    private final boolean keepForCheck;
    private final TypeHierarchy hierarchy = new TypeHierarchy();
    private final ClassLoader platformLoader = ClassLoader.getPlatformClassLoader();
    /** The rows, null until the start's set-up has built them ({@link #useRows}). */
    private volatile Rows rows;
    /**
     * While the start's set-up is under way on its own thread: what a class that needs the runtime waits for. Null once
     * it is done (or for a transformer made with its rows, which needs none).
     */
    private volatile SetUpWait setUp;
    /** Whether the monitor entry row is in force (known before the rows: {@link RowNames#mayRewrite}). */
    private final boolean monitorEntries;

    /** The rows a class is rewritten by, and the pre-scan that knows their method names. */
    private static final class Rows {
        final Map<String, List<Rewrite>> selected;
        final Map<String, List<Rewrite>> mainOnly;
        final CallSiteFilter filter;

        Rows(Map<String, List<Rewrite>> selected, Map<String, List<Rewrite>> mainOnly, CallSiteFilter filter) {
            this.selected = selected;
            this.mainOnly = mainOnly;
            this.filter = filter;
        }
    }

    /**
     * A transformer ready at once, with its rows and the runtime in place.
     *
     * @param selector     which classes are rewritten
     * @param rows         the rows for selected classes ({@link Rewrites#index})
     * @param mainOnly     the rows for the main class when it is not selected: the main prologue, or none
     * @param mainClass    the main class (internal name) that gets the prologue, or null
     * @param report       told of every selected class: its rewrites, failure and time
     * @param keepForCheck whether to keep transformed classes for {@link Report#check()}
     */
    LoadTimeTransformer(ClassSelector selector, Map<String, List<Rewrite>> rows, Map<String, List<Rewrite>> mainOnly,
                        String mainClass, Report report, boolean keepForCheck) {
        this(selector, mainClass, report, keepForCheck, null, rows.containsKey(Rewrites.MONITOR_ENTRY_KEY));
        useRows(rows, mainOnly);
    }

    /**
     * A transformer whose rows and runtime the start's set-up provides later, on its own thread ({@link #useRows},
     * {@link #setUpDone}, {@link #setUpFailed}): until then a selected class waits for the rows, and a class that has
     * something to rewrite or names a runtime class waits for the whole set-up, so that none is missed and none sees
     * the runtime half defined. A class with nothing to rewrite that names no runtime class waits for nothing: while
     * the rows are not built, {@link RowNames} tells such a class.
     *
     * @param monitorEntries whether the monitor entry row is in force ({@link AgentOptions#monitorEntriesIn})
     */
    LoadTimeTransformer(ClassSelector selector, String mainClass, Report report, boolean keepForCheck,
                        boolean monitorEntries) {
        this(selector, mainClass, report, keepForCheck, new SetUpWait(), monitorEntries);
    }

    private LoadTimeTransformer(ClassSelector selector, String mainClass, Report report, boolean keepForCheck,
                                SetUpWait setUp, boolean monitorEntries) {
        this.selector = selector;
        this.mainClass = mainClass;
        this.report = report;
        this.keepForCheck = keepForCheck;
        this.setUp = setUp;
        this.monitorEntries = monitorEntries;
    }

    /** The rows are built: selected classes are pre-scanned from now on. Called once. */
    void useRows(Map<String, List<Rewrite>> selected, Map<String, List<Rewrite>> mainOnly) {
        rows = new Rows(selected, mainOnly, new CallSiteFilter(selected, hierarchy));
        SetUpWait pending = setUp;
        if (pending != null) {
            pending.reach(SetUpWait.ROWS);
        }
    }

    /** The runtime is in place and configured: rewritten classes may load from now on. */
    void setUpDone() {
        SetUpWait pending = setUp;
        if (pending != null) {
            setUp = null;
            pending.reach(SetUpWait.DONE);
        }
    }

    /** The set-up failed: every class loads unchanged from now on, those waiting too. */
    void failSetUp() {
        SetUpWait pending = setUp;
        if (pending != null) {
            pending.reach(SetUpWait.FAILED);
        }
    }

    /**
     * Waits until the set-up is over; returns whether it succeeded (the exit report, which needs the runtime). At once
     * for a transformer made with its rows.
     */
    boolean awaitSetUp() {
        SetUpWait pending = setUp;
        return pending == null || pending.await(SetUpWait.DONE);
    }

    /**
     * The set-up thread: waits until a class, or the exit report, needs the set-up. At once for a transformer made with
     * its rows.
     */
    void awaitSetUpRequest() {
        SetUpWait pending = setUp;
        if (pending != null) {
            pending.awaitRequest();
        }
    }

    /** Asks for the set-up without waiting for it. */
    void requestSetUp() {
        SetUpWait pending = setUp;
        if (pending != null) {
            pending.request();
        }
    }

    /** Whether the set-up has been asked for (by a class or the exit report); false for a transformer made with its rows. */
    boolean setUpRequested() {
        SetUpWait pending = setUp;
        return pending != null && pending.requested();
    }

    /** Whether the set-up failed (so far). */
    boolean setUpFailed() {
        SetUpWait pending = setUp;
        return pending != null && pending.failed();
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
        SetUpWait pending = setUp;
        // during the set-up, a class that names the runtime waits for it: else the runtime class it resolves first could
        // be missing from the boot loader (or come from the application's own copy). Not greening's own classes: the
        // set-up thread loads those.
        if (pending != null && !className.startsWith("io/greening/") && namesRuntime(classfile)
                && !pending.await(SetUpWait.DONE)) {
            return null;
        }
        boolean isMain = className.equals(mainClass);
        String binaryName = className.replace('/', '.');
        boolean selected = selector.selects(binaryName);
        if (!selected && !isMain) {
            return null;
        }
        long began = System.nanoTime();
        try {
            Rows current = rows;
            if (current == null) {   // the set-up thread is still building them
                if (pending == null) {
                    return null;
                }
                if (!isMain && !RowNames.mayRewrite(classfile, monitorEntries)) {
                    report.transformed(binaryName, Map.of(), System.nanoTime() - began);
                    return null;
                }
                long waitedFrom = System.nanoTime();
                if (!pending.await(SetUpWait.ROWS) || (current = rows) == null) {
                    return null;   // the set-up failed: the class loads unchanged
                }
                began += System.nanoTime() - waitedFrom;   // the report counts the transformer's work, not its waits
            }
            Map<Rewrite, Integer> counts = new HashMap<>();
            byte[] rewritten = rewrite(current, loader, classfile, selected ? current.selected : current.mainOnly,
                    isMain ? className : null, counts);
            long took = System.nanoTime() - began;
            // what it calls must be in the boot loader before it loads
            if (rewritten != null && pending != null && !pending.await(SetUpWait.DONE)) {
                return null;
            }
            report.transformed(binaryName, counts, took);
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
     * Whether a class file names a runtime class, as a type or in a string ({@code Class.forName("io.greening.Hub")}):
     * "io/greening/" or "io.greening." anywhere in it. It may say yes for a class that does not (then the class waits for
     * the set-up for nothing), never no for one that does.
     */
    static boolean namesRuntime(byte[] classfile) {
        // as a Latin-1 string, a copy, searched by String.indexOf, which the JIT compiles to a vector search: while the
        // set-up has not been asked for, every class loaded comes here
        String text = new String(classfile, StandardCharsets.ISO_8859_1);
        for (int at = text.indexOf("greening", 3); at >= 0; at = text.indexOf("greening", at + 1)) {
            char separator = at + 8 < text.length() ? text.charAt(at + 8) : 0;
            if ((separator == '/' || separator == '.') && text.charAt(at - 1) == separator && text.charAt(at - 2) == 'o'
                    && text.charAt(at - 3) == 'i') {
                return true;
            }
        }
        return false;
    }

    /**
     * Rewrites one class; returns its new bytes, or null when there was nothing to rewrite. {@code greenMainClass}, when
     * given, gets the main prologue (if {@code applicable} holds it).
     */
    private byte[] rewrite(Rows rows, ClassLoader loader, byte[] classfile, Map<String, List<Rewrite>> applicable,
                           String greenMainClass, Map<Rewrite, Integer> counts) {
        if (greenMainClass != null) {   // every method visited, for the prologue
            return AsmPass.rewrite(loader, classfile, applicable, hierarchy, greenMainClass, null, counts);
        }
        CallSiteFilter.Scan scan = rows.filter.scan(classfile);
        if (scan == null) {
            return null;
        }
        if (scan.callsAndMonitorsOnly) {   // no ASM: invokes become invokestatics in place, monitor entry calls spliced in
            Rewrite monitorEntry = scan.monitors ? applicable.get(Rewrites.MONITOR_ENTRY_KEY).getFirst() : null;
            byte[] rewritten = MethodRefRetargeter.retarget(scan.classFile, scan.invokes, scan.invokeCount, monitorEntry,
                    scan.monitorEnters, callSites(loader, scan.classFile, applicable), counts);
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
            reader.accept(new CallSiteRewriter(writer, applicable, hierarchy.forClass(loader, reader.getClassName(),
                    reader.getSuperName(), reader.getInterfaces()), greenMainClass, methods,
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
