package io.greening.agent;

import io.greening.agent.Rewrites.Rewrite;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites the call sites of {@link Rewrites.Kind#JDK_CALL} rows in one class file without a bytecode library: the
 * patch methods' references are appended to the constant pool, and each matching {@code invokestatic},
 * {@code invokevirtual} or {@code invokespecial} becomes an {@code invokestatic} of its patch method in place. Both
 * forms are three bytes and pop the same stack slots (an instance call's receiver is the patch method's first
 * argument), so no offset, frame or max stack changes, and the rest of the class file is copied as it is. (At load time
 * an {@code invokeinterface}, five bytes, becomes the {@code invokestatic} and two {@code nop}s.)
 *
 * <p>It runs at every greened start on {@code java.lang.VirtualThread} (a large class), where ASM's full parse and
 * rewrite cost more start-up than everything else the agent does; a pass over the bytes costs little even before the
 * JIT compiles it. The load-time transformer uses it too ({@link #retarget}) for a selected class whose call sites to
 * rewrite are all of these three kinds: most of a rewritten class's time in ASM was its parse and write-back, mostly
 * interpreted on the first classes. Plain code only: no lambda, stream or string switch, which would spin classes at
 * start.
 */
final class MethodRefRetargeter {
    private static final int INVOKEVIRTUAL = 0xb6;
    private static final int INVOKESPECIAL = 0xb7;
    private static final int INVOKESTATIC = 0xb8;
    private static final int INVOKEINTERFACE = 0xb9;
    private static final byte NOP = 0;

    private final ClassFileIndex in;
    private final ByteSink appended = new ByteSink(256);
    private final Map<String, Integer> added = new HashMap<>();
    private int nextIndex;

    private MethodRefRetargeter(ClassFileIndex classFile) {
        this.in = classFile;
        this.nextIndex = in.count();
    }

    /**
     * Rewrites the call sites {@code rows} name in {@code classFile}, adding to {@code counts} how many each rewrote;
     * returns the new class file, or null when there was nothing to rewrite.
     *
     * @throws IllegalArgumentException if a row's opcode is not one this rewrite can turn into {@code invokestatic} in
     *                                  place, or the class file is malformed
     */
    static byte[] rewrite(byte[] classFile, List<Rewrite> rows, Map<Rewrite, Integer> counts) {
        for (Rewrite row : rows) {
            int opcode = row.opcode();
            if (opcode != INVOKESTATIC && opcode != INVOKEVIRTUAL && opcode != INVOKESPECIAL) {
                throw new IllegalArgumentException("a JDK row must be invokestatic, invokevirtual or invokespecial: " + row);
            }
        }
        return new MethodRefRetargeter(new ClassFileIndex(classFile)).rewrite(rows, counts);
    }

    private byte[] rewrite(List<Rewrite> rows, Map<Rewrite, Integer> counts) {
        Rewrite[] rowAt = new Rewrite[in.count()];   // per Methodref index: the row it matches
        boolean any = false;
        for (int i = 1; i < in.count(); i++) {
            int tag = in.tag(i);
            if (tag != ClassFileIndex.METHODREF && tag != ClassFileIndex.INTERFACE_METHODREF) {
                continue;
            }
            int owner = in.operand(in.operand(i, 0), 0);
            int nameAndType = in.operand(i, 1);
            for (Rewrite row : rows) {
                if (in.utf8Equals(owner, row.owner()) && in.utf8Equals(in.operand(nameAndType, 0), row.name())
                        && in.utf8Equals(in.operand(nameAndType, 1), row.descriptor())) {
                    rowAt[i] = row;
                    any = true;
                    break;
                }
            }
        }
        if (!any) {
            return null;
        }
        int[][] invokes = {new int[16]};
        int[] count = {0};
        in.visitMethods(new ClassFileIndex.MethodVisitor() {
            @Override
            boolean instruction(int opcode, int at) {
                if ((opcode == INVOKESTATIC || opcode == INVOKEVIRTUAL || opcode == INVOKESPECIAL) && rowAt[in.u2(at + 1)] != null) {
                    if (count[0] == invokes[0].length) {
                        invokes[0] = Arrays.copyOf(invokes[0], 2 * count[0]);
                    }
                    invokes[0][count[0]++] = at;
                }
                return true;
            }
        });
        return retarget(invokes[0], count[0], null, null, new Sites() {
            @Override
            public Rewrite rowAt(int methodref, int opcode) {
                Rewrite row = rowAt[methodref];
                return row != null && row.opcode() == opcode ? row : null;
            }
        }, counts);
    }

    /** Which row, if any, rewrites a call site: an invoke instruction of a method reference. */
    interface Sites {
        /** The row that rewrites an {@code opcode} instruction of the method reference at {@code methodref}, or null. */
        Rewrite rowAt(int methodref, int opcode);
    }

    /** What {@link #retarget} returns when the class has a rewrite it does not make in place. */
    static final byte[] NOT_IN_PLACE = new byte[0];

    /**
     * The load-time rewrite of a selected class whose rewrites are all call sites and monitor entries (no construction
     * or method handle to rewrite; the pre-scan decides, and names the invoke instructions that may be call sites):
     * rewrites those of {@code invokes[0, count)} (offsets in the class file {@code classFile} indexes) that
     * {@code sites} names and, with {@code monitorEntry}, inserts that row's call as {@link MonitorEntrySplicer} does,
     * adding to {@code counts} how many each rewrote. {@code monitorEnters} names the methods whose code has a
     * {@code monitorenter} (per method in class file order, as the pre-scan found them), so that the splicer walks only
     * those and the synchronized ones; null when not known, and the splicer looks for itself. Returns the new class
     * file; null when there was nothing to rewrite; {@link #NOT_IN_PLACE}, {@code counts} untouched, when a method with
     * a monitor entry is of a shape the splicer leaves to ASM. An {@code invokeinterface}, five bytes, becomes the
     * three-byte {@code invokestatic} followed by two {@code nop}s.
     */
    static byte[] retarget(ClassFileIndex classFile, int[] invokes, int count, Rewrite monitorEntry,
                           BitSet monitorEnters, Sites sites, Map<Rewrite, Integer> counts) {
        return new MethodRefRetargeter(classFile).retarget(invokes, count, monitorEntry, monitorEnters, sites, counts);
    }

    private byte[] retarget(int[] invokes, int count, Rewrite monitorEntry, BitSet monitorEnters, Sites sites,
                            Map<Rewrite, Integer> counts) {
        MonitorEntrySplicer plan = monitorEntry == null ? null : MonitorEntrySplicer.plan(in, monitorEnters);
        if (plan == MonitorEntrySplicer.NOT_HERE) {
            return NOT_IN_PLACE;
        }
        byte[] original = in.bytes;
        Rewrite[] rows = new Rewrite[count];   // per invoke: the row that rewrites it, or null
        int[] targets = new int[count];        // per invoke so rewritten: the patch method's new Methodref
        boolean any = false;
        for (int n = 0; n < count; n++) {
            int at = invokes[n];
            Rewrite row = sites.rowAt(in.u2(at + 1), original[at] & 0xff);
            if (row != null) {
                rows[n] = row;
                targets[n] = methodref(row.patchClass(), row.patchMethod(), row.patchDescriptor());
                any = true;
            }
        }
        if (!any && plan == null) {
            return null;
        }
        int monitorTarget = plan == null ? 0 : methodref(monitorEntry.patchClass(), monitorEntry.patchMethod(),
                monitorEntry.patchDescriptor());
        int end = in.constantPoolEnd;
        int shift = appended.size();
        byte[] out = new byte[original.length + shift];
        System.arraycopy(original, 0, out, 0, end);
        out[8] = (byte) (nextIndex >>> 8);
        out[9] = (byte) nextIndex;
        appended.copyTo(out, end);
        System.arraycopy(original, end, out, end + shift, original.length - end);
        for (int n = 0; n < count; n++) {
            Rewrite row = rows[n];
            if (row == null) {
                continue;
            }
            int at = invokes[n] + shift;
            if ((out[at] & 0xff) == INVOKEINTERFACE) {
                out[at + 3] = NOP;   // its count and zero operands
                out[at + 4] = NOP;
            }
            out[at] = (byte) INVOKESTATIC;
            out[at + 1] = (byte) (targets[n] >>> 8);
            out[at + 2] = (byte) targets[n];
            count(counts, row, 1);
        }
        if (plan == null) {
            return out;
        }
        count(counts, monitorEntry, plan.insertionCount());
        return plan.splice(out, shift, monitorTarget);
    }

    private static void count(Map<Rewrite, Integer> counts, Rewrite row, int sites) {
        Integer before = counts.get(row);
        counts.put(row, before == null ? sites : before + sites);
    }

    // ---- the appended constant pool entries, each added once ----

    private int methodref(String owner, String name, String descriptor) {
        String key = "M" + owner + '.' + name + descriptor;
        Integer known = added.get(key);
        if (known != null) {
            return known;
        }
        int classIndex = classEntry(owner);
        int nameAndType = nameAndType(name, descriptor);
        return add(key, ClassFileIndex.METHODREF, classIndex, nameAndType);
    }

    private int classEntry(String internalName) {
        String key = "C" + internalName;
        Integer known = added.get(key);
        return known != null ? known : add(key, ClassFileIndex.CLASS, utf8(internalName), -1);
    }

    private int nameAndType(String name, String descriptor) {
        String key = "N" + name + ' ' + descriptor;
        Integer known = added.get(key);
        return known != null ? known : add(key, ClassFileIndex.NAME_AND_TYPE, utf8(name), utf8(descriptor));
    }

    private int utf8(String value) {
        String key = "U" + value;
        Integer known = added.get(key);
        if (known != null) {
            return known;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);   // names and descriptors of the table: ASCII
        appended.u1(ClassFileIndex.UTF8);
        appended.u2(bytes.length);
        appended.bytes(bytes);
        added.put(key, nextIndex);
        return nextIndex++;
    }

    private int add(String key, int tag, int first, int second) {
        appended.u1(tag);
        appended.u2(first);
        if (second >= 0) {
            appended.u2(second);
        }
        added.put(key, nextIndex);
        return nextIndex++;
    }
}
