package io.greening.agent;

import io.greening.agent.Rewrites.Rewrite;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pre-scan of the load-time hot path: reads a class's constant pool ({@link ClassFileIndex}, without ASM, which is
 * loaded only for a class this lets through; nothing else parsed) and says whether any method reference in it could be a call site or construction
 * that a row rewrites. Most classes name none of the rows' methods, and are then left alone without a parse of their
 * code. It may say yes for a class with nothing to rewrite (a name and descriptor that match but an owner that the
 * rewriter then finds is no subtype); it never says no for a class with something to rewrite, since every invoke
 * instruction and method handle goes through a method reference of the constant pool. The monitor entry row names no
 * method: while it is in force, a class the constant pool clears is still taken if it enters a monitor.
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
        for (List<Rewrite> same : rows.values()) {
            for (Rewrite row : same) {
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

    /** Whether the class may hold a call site or construction to rewrite. */
    boolean mayRewrite(byte[] classFile) {
        ClassFileIndex pool = new ClassFileIndex(classFile);
        for (int i = 1; i < pool.count(); i++) {
            int tag = pool.tag(i);
            if (tag != ClassFileIndex.METHODREF && tag != ClassFileIndex.INTERFACE_METHODREF) {
                continue;
            }
            int nameAndType = pool.operand(i, 1);
            if (!pool.utf8In(pool.operand(nameAndType, 0), namesByLength)) {
                continue;
            }
            List<Rewrite> candidates = rows.get(pool.utf8(pool.operand(nameAndType, 0)) + pool.utf8(pool.operand(nameAndType, 1)));
            if (candidates == null) {
                continue;
            }
            String owner = pool.utf8(pool.operand(pool.operand(i, 0), 0));
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
        }
        return monitorEntries && entersMonitor(pool);
    }

    /** Whether the class has a synchronized method or block, which the monitor entry row applies to. */
    private static boolean entersMonitor(ClassFileIndex classFile) {
        boolean[] found = {false};
        classFile.visitMethods(new ClassFileIndex.MethodVisitor() {
            @Override
            boolean method(int access) {
                found[0] = (access & ClassFileIndex.ACC_SYNCHRONIZED) != 0;
                return !found[0];
            }

            @Override
            boolean instruction(int opcode, int at) {
                found[0] = opcode == ClassFileIndex.MONITORENTER;
                return !found[0];
            }
        });
        return found[0];
    }
}
