package io.greening.agent;

import io.greening.agent.Rewrites.Rewrite;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The pre-scan of the load-time hot path: reads a class's constant pool (already indexed by ASM's {@link ClassReader}
 * constructor, nothing else parsed) and says whether any method reference in it could be a call site or construction
 * that a row rewrites. Most classes name none of the rows' methods, and are then left alone without a parse of their
 * code. It may say yes for a class with nothing to rewrite (a name and descriptor that match but an owner that the
 * rewriter then finds is no subtype); it never says no for a class with something to rewrite, since every invoke
 * instruction and method handle goes through a method reference of the constant pool. The monitor entry row names no
 * method: while it is in force, a class the constant pool clears is still taken if it enters a monitor.
 */
final class CallSiteFilter {
    private static final int METHODREF = 10;
    private static final int INTERFACE_METHODREF = 11;

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
        rows.values().stream().flatMap(List::stream).map(Rewrite::name).distinct().forEach(name -> {
            byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
            while (byLength.size() <= bytes.length) {
                byLength.add(new ArrayList<>());
            }
            byLength.get(bytes.length).add(bytes);
        });
        namesByLength = byLength.stream().map(l -> l.toArray(byte[][]::new)).toArray(byte[][][]::new);
        monitorEntries = rows.containsKey(Rewrites.MONITOR_ENTRY_KEY);
    }

    /** Whether the class may hold a call site or construction to rewrite; {@code b} is the array {@code reader} reads. */
    boolean mayRewrite(ClassReader reader, byte[] b) {
        char[] buffer = null;
        for (int i = 1; i < reader.getItemCount(); i++) {
            int offset = reader.getItem(i);
            if (offset == 0) {
                continue;   // the second slot of a long or double
            }
            int tag = reader.readByte(offset - 1);
            if (tag != METHODREF && tag != INTERFACE_METHODREF) {
                continue;
            }
            int nameAndType = reader.getItem(reader.readUnsignedShort(offset + 2));
            int nameOffset = reader.getItem(reader.readUnsignedShort(nameAndType));
            if (!isRowName(b, nameOffset)) {
                continue;
            }
            if (buffer == null) {
                buffer = new char[reader.getMaxStringLength()];
            }
            String name = reader.readUTF8(nameAndType, buffer);
            String descriptor = reader.readUTF8(nameAndType + 2, buffer);
            List<Rewrite> candidates = rows.get(name + descriptor);
            if (candidates == null) {
                continue;
            }
            String owner = reader.readClass(offset, buffer);
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
        return monitorEntries && entersMonitor(reader);
    }

    /** Whether the class has a synchronized method or block, which the monitor entry row applies to. */
    private static boolean entersMonitor(ClassReader reader) {
        boolean[] found = {false};
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                if ((access & Opcodes.ACC_SYNCHRONIZED) != 0) {
                    found[0] = true;
                }
                return found[0] ? null : new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitInsn(int opcode) {
                        found[0] |= opcode == Opcodes.MONITORENTER;
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return found[0];
    }

    /** Whether the CONSTANT_Utf8 at {@code offset} (its length's offset) is one of the rows' method names. */
    private boolean isRowName(byte[] b, int offset) {
        int length = ((b[offset] & 0xFF) << 8) | (b[offset + 1] & 0xFF);
        if (length >= namesByLength.length) {
            return false;
        }
        for (byte[] name : namesByLength[length]) {
            if (Arrays.equals(b, offset + 2, offset + 2 + length, name, 0, length)) {
                return true;
            }
        }
        return false;
    }
}
