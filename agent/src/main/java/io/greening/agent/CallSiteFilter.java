package io.greening.agent;

import io.greening.agent.Rewrites.Rewrite;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pre-scan of the load-time hot path: reads a class's constant pool ({@link ClassFileIndex}, without ASM, which is
 * loaded only for a class this lets through) and says whether any method reference in it could be a call site or
 * construction that a row rewrites. Most classes name none of the rows' methods, and are then left alone without a
 * parse of their code. For a class it lets through it also says which methods' code reaches such a reference, so that
 * the rewriter visits only those and ASM copies the others as they are. It may say yes for a class or method with
 * nothing to rewrite (a name and descriptor that match but an owner that the rewriter then finds is no subtype); it
 * never says no for one with something to rewrite, since every invoke instruction and method handle goes through a
 * method reference of the constant pool. The monitor entry row names no method: while it is in force, a method is
 * also taken if it is synchronized or enters a monitor.
 */
final class CallSiteFilter {
    private final Map<String, List<Rewrite>> rows;
    private final TypeHierarchy hierarchy;
    /** The rows' method names as bytes (all ASCII, so their modified UTF-8 form), by length. */
    private final byte[][][] namesByLength;
    /** The monitor entry row is in force: it applies to code that names no method, so the constant pool cannot tell. */
    private final boolean monitorEntries;

    /**
     * @param rows      the rows in force, by {@code name + descriptor} ({@link Rewrites#index})
     * @param hierarchy answers whether a JDK type is a subtype of a row's owner
     */
    CallSiteFilter(Map<String, List<Rewrite>> rows, TypeHierarchy hierarchy) {
        this.rows = rows;
        this.hierarchy = hierarchy;
        List<List<byte[]>> byLength = new ArrayList<>();
        Set<String> names = new HashSet<>();   // plain loops: this runs before main, where a stream's lambdas cost start-up
        for (Map.Entry<String, List<Rewrite>> same : rows.entrySet()) {   // entries: values() loads two classes outside the CDS archive
            for (Rewrite row : same.getValue()) {
                if (names.add(row.name())) {
                    byte[] bytes = row.name().getBytes(StandardCharsets.UTF_8);
                    while (byLength.size() <= bytes.length) {
                        byLength.add(new ArrayList<>());
                    }
                    byLength.get(bytes.length).add(bytes);
                }
            }
        }
        namesByLength = new byte[byLength.size()][][];
        for (int length = 0; length < namesByLength.length; length++) {
            namesByLength[length] = byLength.get(length).toArray(new byte[0][]);
        }
        monitorEntries = rows.containsKey(Rewrites.MONITOR_ENTRY_KEY);
    }

    /** What the pre-scan found in a class that may have something to rewrite. */
    static final class Scan {
        /** The class file, indexed. */
        final ClassFileIndex classFile;
        /** Per method, in class file order: whether it may hold something to rewrite. */
        final BitSet methods;
        /**
         * Whether every rewrite the class may need is a call site or a monitor entry, which
         * {@link MethodRefRetargeter#retarget} can make without ASM: no construction or method handle to rewrite.
         */
        final boolean callsAndMonitorsOnly;
        /** Whether a method is synchronized or enters a monitor while the monitor entry row is in force. */
        final boolean monitors;
        /**
         * Per method, in class file order, while the monitor entry row is in force: whether its code has a
         * {@code monitorenter}, so that {@link MonitorEntrySplicer} walks no other method's code for one.
         */
        final BitSet monitorEnters;
        /** The offsets in the class file of the invoke instructions of candidate method references, {@code [0, invokeCount)}. */
        final int[] invokes;
        final int invokeCount;

        Scan(ClassFileIndex classFile, BitSet methods, boolean callsAndMonitorsOnly, boolean monitors,
             BitSet monitorEnters, int[] invokes, int invokeCount) {
            this.classFile = classFile;
            this.methods = methods;
            this.callsAndMonitorsOnly = callsAndMonitorsOnly;
            this.monitors = monitors;
            this.monitorEnters = monitorEnters;
            this.invokes = invokes;
            this.invokeCount = invokeCount;
        }
    }

    /**
     * Which methods of the class may hold a call site, construction or monitor entry to rewrite, so that the rewriter
     * visits only those and ASM copies the others as they are; null when no method may.
     */
    Scan scan(byte[] classFile) {
        ClassFileIndex pool = new ClassFileIndex(classFile);
        boolean[] candidate = null;   // per constant pool index: a method reference a row may rewrite
        boolean constructions = false;
        for (int i = 1; i < pool.count(); i++) {
            int tag = pool.tag(i);
            if ((tag == ClassFileIndex.METHODREF || tag == ClassFileIndex.INTERFACE_METHODREF) && mayRewrite(pool, i)) {
                if (candidate == null) {
                    candidate = new boolean[pool.count()];
                }
                candidate[i] = true;
                constructions |= pool.utf8Equals(pool.operand(pool.operand(i, 1), 0), "<init>");
            }
        }
        if (candidate == null && !monitorEntries) {
            return null;
        }
        boolean handles = candidate != null && handlesReach(pool, candidate);
        Reach reach = new Reach(pool, candidate == null ? new boolean[pool.count()] : candidate, handles);
        pool.visitMethods(reach);
        return reach.methods.isEmpty() ? null
                : new Scan(pool, reach.methods, !constructions && !handles, reach.monitors, reach.monitorEnters,
                        reach.invokes, reach.invokeCount);
    }

    /** Whether a call site or method handle through the method reference at {@code index} may be one a row rewrites. */
    private boolean mayRewrite(ClassFileIndex pool, int index) {
        int nameAndType = pool.operand(index, 1);
        if (!pool.utf8In(pool.operand(nameAndType, 0), namesByLength)) {
            return false;
        }
        List<Rewrite> candidates = rows.get(pool.utf8(pool.operand(nameAndType, 0)) + pool.utf8(pool.operand(nameAndType, 1)));
        if (candidates == null) {
            return false;
        }
        String owner = pool.utf8(pool.operand(pool.operand(index, 0), 0));
        for (Rewrite row : candidates) {
            if (row.owner().equals(owner)) {
                return true;
            }
            // an owner of another name can match an instance row only as a subtype; a JDK owner is decided here,
            // an application's by the rewriter, which reads class file headers
            if (row.matchesSubtypes() && (!hierarchy.isJdkClass(owner) || hierarchy.isJdkSubtype(owner, row.owner()))) {
                return true;
            }
        }
        return false;
    }

    /** Whether a method handle refers to a candidate: a method reference ({@code Thread::start}) the rewriter retargets. */
    private static boolean handlesReach(ClassFileIndex pool, boolean[] candidate) {
        for (int i = 1; i < pool.count(); i++) {
            if (pool.tag(i) == ClassFileIndex.METHOD_HANDLE && candidate[pool.methodHandleReference(i)]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Finds the methods whose code invokes a candidate, or, with {@code invokeDynamics}, holds an {@code invokedynamic}
     * (whose bootstrap arguments may name a candidate's handle), or, with the monitor entry row in force, is
     * synchronized or enters a monitor; and the offsets of the candidates' invoke instructions.
     */
    private final class Reach extends ClassFileIndex.MethodVisitor {
        private final ClassFileIndex classFile;
        private final boolean[] candidate;
        private final boolean invokeDynamics;
        final BitSet methods = new BitSet();
        /** A method is synchronized or enters a monitor, and the monitor entry row is in force. */
        boolean monitors;
        /** The methods that enter a monitor, while the monitor entry row is in force. */
        final BitSet monitorEnters = new BitSet();
        int[] invokes = new int[8];
        int invokeCount;
        private int method = -1;

        Reach(ClassFileIndex classFile, boolean[] candidate, boolean invokeDynamics) {
            this.classFile = classFile;
            this.candidate = candidate;
            this.invokeDynamics = invokeDynamics;
        }

        @Override
        boolean method(int access) {
            method++;
            if (monitorEntries && (access & ClassFileIndex.ACC_SYNCHRONIZED) != 0) {
                methods.set(method);
                monitors = true;
            }
            return true;
        }

        @Override
        boolean instruction(int opcode, int at) {
            if (opcode >= ClassFileIndex.INVOKEVIRTUAL && opcode <= ClassFileIndex.INVOKEINTERFACE) {
                if (candidate[classFile.u2(at + 1)]) {
                    methods.set(method);
                    if (invokeCount == invokes.length) {
                        invokes = Arrays.copyOf(invokes, 2 * invokeCount);
                    }
                    invokes[invokeCount++] = at;
                }
            } else if (opcode == ClassFileIndex.INVOKEDYNAMIC && invokeDynamics) {
                methods.set(method);
            } else if (opcode == ClassFileIndex.MONITORENTER && monitorEntries) {
                methods.set(method);
                monitorEnters.set(method);
                monitors = true;
            }
            return true;
        }
    }
}
