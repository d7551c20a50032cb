package io.greening.agent;

import java.util.Arrays;

/**
 * A class file's constant pool, indexed, and a walk over its methods' code: the little of a class file the agent's
 * start-up path needs (the pre-scan of each selected class, {@link CallSiteFilter}, and the in-place rewrite of JDK
 * classes, {@link MethodRefRetargeter}), read from the bytes without loading a bytecode library. ASM is loaded only
 * for a class that has something to rewrite.
 */
final class ClassFileIndex {
    static final int UTF8 = 1;
    static final int CLASS = 7;
    static final int METHODREF = 10;
    static final int INTERFACE_METHODREF = 11;
    static final int NAME_AND_TYPE = 12;
    static final int METHOD_HANDLE = 15;
    static final int ACC_SYNCHRONIZED = 0x0020;
    static final int MONITORENTER = 0xc2;
    static final int INVOKEVIRTUAL = 0xb6;
    static final int INVOKEINTERFACE = 0xb9;
    static final int INVOKEDYNAMIC = 0xba;

    final byte[] bytes;
    /** Per constant pool index, where its entry starts (at the tag); 0 for the second slot of a long or double. */
    private final int[] offsets;
    /** Where the constant pool ends: the class's access flags. */
    final int constantPoolEnd;

    /** @throws IllegalArgumentException if the constant pool holds an unknown tag */
    ClassFileIndex(byte[] classFile) {
        this.bytes = classFile;
        int count = u2(8);
        this.offsets = new int[count];
        int at = 10;
        for (int i = 1; i < count; i++) {
            offsets[i] = at;
            int tag = bytes[at] & 0xff;
            switch (tag) {
                case UTF8 -> at += 3 + u2(at + 1);
                case 3, 4 -> at += 5;                   // Integer, Float
                case 5, 6 -> { at += 9; i++; }          // Long, Double: two slots
                case CLASS, 8, 16, 19, 20 -> at += 3;   // Class, String, MethodType, Module, Package
                case 9, METHODREF, INTERFACE_METHODREF, NAME_AND_TYPE, 17, 18 -> at += 5;
                case 15 -> at += 4;                     // MethodHandle
                default -> throw new IllegalArgumentException("unknown constant pool tag " + tag + " at " + at);
            }
        }
        this.constantPoolEnd = at;
    }

    /** The number of constant pool slots (the class file's {@code constant_pool_count}). */
    int count() {
        return offsets.length;
    }

    /** The tag of the entry at {@code index}, or 0 for the second slot of a long or double. */
    int tag(int index) {
        int at = offsets[index];
        return at == 0 ? 0 : bytes[at] & 0xff;
    }

    /** The {@code n}th two-byte operand of the entry at {@code index} (0 the first). */
    int operand(int index, int n) {
        return u2(offsets[index] + 1 + 2 * n);
    }

    /** The class's own name (internal form). */
    String className() {
        return classNameAt(u2(constantPoolEnd + 2));
    }

    /** The direct superclass's name (internal form), or null for {@code Object} and a module. */
    String superName() {
        return classNameAt(u2(constantPoolEnd + 4));
    }

    /** The names (internal form) of the interfaces the class implements directly. */
    String[] interfaces() {
        int at = constantPoolEnd + 6;
        String[] names = new String[u2(at)];
        for (int i = 0; i < names.length; i++) {
            names[i] = classNameAt(u2(at + 2 + 2 * i));
        }
        return names;
    }

    private String classNameAt(int classIndex) {
        return classIndex == 0 ? null : utf8(operand(classIndex, 0));
    }

    /** The constant pool index a MethodHandle entry at {@code index} refers to (after its one-byte reference kind). */
    int methodHandleReference(int index) {
        return u2(offsets[index] + 2);
    }

    /** Whether the Utf8 entry at {@code index} is {@code ascii} (a name or descriptor of ASCII characters). */
    boolean utf8Equals(int index, String ascii) {
        int at = offsets[index];
        int length = u2(at + 1);
        if (length != ascii.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (bytes[at + 3 + i] != (byte) ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the Utf8 entry at {@code index} is one of {@code candidates} (modified UTF-8 bytes), by length. */
    boolean utf8In(int index, byte[][][] candidatesByLength) {
        int at = offsets[index];
        int length = u2(at + 1);
        if (length >= candidatesByLength.length) {
            return false;
        }
        for (byte[] candidate : candidatesByLength[length]) {
            if (Arrays.equals(bytes, at + 3, at + 3 + length, candidate, 0, length)) {
                return true;
            }
        }
        return false;
    }

    /** The Utf8 entry at {@code index}, decoded (modified UTF-8). */
    String utf8(int index) {
        int at = offsets[index] + 3;
        int end = at + u2(at - 2);
        char[] chars = new char[end - at];
        int n = 0;
        while (at < end) {
            int c = bytes[at++] & 0xff;
            if (c < 0x80) {
                chars[n++] = (char) c;
            } else if (c < 0xe0) {
                chars[n++] = (char) ((c & 0x1f) << 6 | bytes[at++] & 0x3f);
            } else {
                chars[n++] = (char) ((c & 0x0f) << 12 | (bytes[at++] & 0x3f) << 6 | bytes[at++] & 0x3f);
            }
        }
        return new String(chars, 0, n);
    }

    /** What is told of each method while {@link #visitMethods} walks them. */
    abstract static class MethodVisitor {
        /** A method's access flags; returns whether to walk on (false stops the whole walk). */
        boolean method(int access) {
            return true;
        }

        /** One instruction at {@code at} (its opcode's offset in the class file); returns whether to walk on. */
        abstract boolean instruction(int opcode, int at);
    }

    /** Walks every method's access flags and the instructions of its code, until the visitor says stop. */
    void visitMethods(MethodVisitor visitor) {
        int at = methodsStart();
        int methods = u2(at);
        at += 2;
        for (int m = 0; m < methods; m++) {
            if (!visitor.method(u2(at))) {
                return;
            }
            int attributes = u2(at + 6);
            at += 8;
            for (int a = 0; a < attributes; a++) {
                int length = u4(at + 2);
                if (utf8Equals(u2(at), "Code") && !visitCode(at + 14, u4(at + 10), visitor)) {
                    return;
                }
                at += 6 + length;
            }
        }
    }

    private boolean visitCode(int start, int length, MethodVisitor visitor) {
        int pc = 0;
        while (pc < length) {
            int opcode = bytes[start + pc] & 0xff;
            if (!visitor.instruction(opcode, start + pc)) {
                return false;
            }
            pc += instructionLength(start, pc, opcode);
        }
        return true;
    }

    /** The length of the instruction at {@code pc} of the code starting at {@code start}. */
    int instructionLength(int start, int pc, int opcode) {
        if (opcode == 0xaa || opcode == 0xab) {              // tableswitch, lookupswitch: 4-byte aligned operands
            int operands = pc + 1 + (4 - (pc + 1) % 4) % 4;
            if (opcode == 0xaa) {
                int low = u4(start + operands + 4);
                int high = u4(start + operands + 8);
                return operands - pc + 12 + 4 * (high - low + 1);
            }
            return operands - pc + 8 + 8 * u4(start + operands + 4);
        }
        if (opcode == 0xc4) {                                // wide: iinc has a 2-byte constant too
            return (bytes[start + pc + 1] & 0xff) == 0x84 ? 6 : 4;
        }
        int length = LENGTHS[opcode];
        if (length == 0) {
            throw new IllegalArgumentException("unknown opcode " + opcode);
        }
        return length;
    }

    /** Instruction lengths by opcode, for the fixed-length ones; 0 for the variable ones and unknown opcodes. */
    private static final byte[] LENGTHS = lengths();

    private static byte[] lengths() {
        byte[] lengths = new byte[256];
        Arrays.fill(lengths, 0, 0xca, (byte) 1);
        lengths[0x10] = 2;                                     // bipush
        lengths[0x11] = 3;                                     // sipush
        lengths[0x12] = 2;                                     // ldc
        lengths[0x13] = 3;                                     // ldc_w
        lengths[0x14] = 3;                                     // ldc2_w
        Arrays.fill(lengths, 0x15, 0x1a, (byte) 2);            // iload .. aload
        Arrays.fill(lengths, 0x36, 0x3b, (byte) 2);            // istore .. astore
        lengths[0x84] = 3;                                     // iinc
        Arrays.fill(lengths, 0x99, 0xa9, (byte) 3);            // if<cond>, if_<cmp>, goto, jsr
        lengths[0xa9] = 2;                                     // ret
        lengths[0xaa] = 0;                                     // tableswitch
        lengths[0xab] = 0;                                     // lookupswitch
        Arrays.fill(lengths, 0xb2, 0xb9, (byte) 3);            // get/putstatic, get/putfield, invokevirtual/special/static
        lengths[0xb9] = 5;                                     // invokeinterface
        lengths[0xba] = 5;                                     // invokedynamic
        lengths[0xbb] = 3;                                     // new
        lengths[0xbc] = 2;                                     // newarray
        lengths[0xbd] = 3;                                     // anewarray
        lengths[0xc0] = 3;                                     // checkcast
        lengths[0xc1] = 3;                                     // instanceof
        lengths[0xc4] = 0;                                     // wide
        lengths[0xc5] = 4;                                     // multianewarray
        lengths[0xc6] = 3;                                     // ifnull
        lengths[0xc7] = 3;                                     // ifnonnull
        lengths[0xc8] = 5;                                     // goto_w
        lengths[0xc9] = 5;                                     // jsr_w
        return lengths;
    }

    /** Where the methods begin: the offset of {@code methods_count}. */
    int methodsStart() {
        int at = constantPoolEnd + 6;                        // access, this, super
        at += 2 + 2 * u2(at);                                // interfaces
        return skipMembers(at);                              // fields
    }

    private int skipMembers(int at) {
        int count = u2(at);
        at += 2;
        for (int i = 0; i < count; i++) {
            int attributes = u2(at + 6);
            at += 8;
            for (int a = 0; a < attributes; a++) {
                at += 6 + u4(at + 2);
            }
        }
        return at;
    }

    int u2(int at) {
        return (bytes[at] & 0xff) << 8 | bytes[at + 1] & 0xff;
    }

    int u4(int at) {
        return (bytes[at] & 0xff) << 24 | (bytes[at + 1] & 0xff) << 16 | (bytes[at + 2] & 0xff) << 8 | bytes[at + 3] & 0xff;
    }
}
