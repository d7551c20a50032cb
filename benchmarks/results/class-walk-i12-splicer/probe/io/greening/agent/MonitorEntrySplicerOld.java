package io.greening.agent;
// main's MonitorEntrySplicer.java at 5ee9366, renamed, for SpliceProbe's side-by-side timing and byte comparison

import java.util.Arrays;

/**
 * The monitor entry row without ASM: inserts the three-byte {@code invokestatic} of its patch method where
 * {@link CallSiteRewriter} puts it (at the start of a synchronized method; after a {@code monitorenter} whose next
 * instruction starts a range of a catch-all handler, i.e. inside the range that releases the monitor), and moves every
 * offset in the method's code by the inserted bytes: branches, the exception table, line numbers, local variable
 * ranges and the stack map frames. An offset of a label (a branch target, a range's start or end, a frame) at an
 * insertion point stays before the inserted call, as ASM places it; an instruction there moves after it.
 *
 * A {@code tableswitch} or {@code lookupswitch} gets the padding its new offset needs.
 *
 * <p>{@link #plan} says no (and the class goes through ASM) for a method with a code attribute this does not know
 * (type annotations carry offsets), a branch that would no longer fit its 16-bit offset, or an unknown frame type.
 */
final class MonitorEntrySplicerOld {
    private static final int INVOKESTATIC = 0xb8;
    private static final int MONITORENTER = 0xc2;
    private static final int TABLESWITCH = 0xaa;
    private static final int LOOKUPSWITCH = 0xab;
    private static final int GOTO_W = 0xc8;
    private static final int JSR_W = 0xc9;
    private static final int CALL_LENGTH = 3;
    /** What {@link #plan} returns when a method needs a shape this does not handle. */
    static final int[][] NOT_HERE = new int[0][];

    private final ClassFileIndex names;   // the original class file: constant pool names, and the offsets planned on
    private final byte[] bytes;
    /** Per offset of the method's code being laid out, its new offset for a label and for an instruction ({@link #layout}). */
    private int[] labels;
    private int[] instructions;

    private MonitorEntrySplicerOld(ClassFileIndex classFile) {
        this.names = classFile;
        this.bytes = classFile.bytes;
    }

    /**
     * Per method, in class file order, the code offsets (ascending) where the call goes, or null for a method without
     * one; null when no method has one; {@link #NOT_HERE} when a method that has one is of a shape this does not handle.
     */
    static int[][] plan(ClassFileIndex classFile) {
        return new MonitorEntrySplicerOld(classFile).plan();
    }

    private int[][] plan() {
        int at = names.methodsStart();
        int methods = u2(at);
        at += 2;
        int[][] plan = new int[methods][];
        boolean any = false;
        for (int m = 0; m < methods; m++) {
            boolean synchronizedMethod = (u2(at) & ClassFileIndex.ACC_SYNCHRONIZED) != 0;
            int attributes = u2(at + 6);
            at += 8;
            for (int a = 0; a < attributes; a++) {
                if (names.utf8Equals(u2(at), "Code")) {
                    int[] insertions = insertions(at, synchronizedMethod);
                    if (insertions != null) {
                        if (!splicable(at, insertions)) {
                            return NOT_HERE;
                        }
                        plan[m] = insertions;
                        any = true;
                    }
                }
                at += 6 + u4(at + 2);
            }
        }
        return any ? plan : null;
    }

    /** The insertion points of the code attribute at {@code attribute}, or null. */
    private int[] insertions(int attribute, boolean synchronizedMethod) {
        int code = attribute + 14;
        int length = u4(attribute + 10);
        int[] points = new int[4];
        int count = 0;
        if (synchronizedMethod) {
            points[count++] = 0;
        }
        for (int pc = 0; pc < length; pc += instructionLength(code, pc)) {
            if ((bytes[code + pc] & 0xff) == MONITORENTER && startsCatchAllRange(attribute, pc + 1)) {
                if (count == points.length) {
                    points = Arrays.copyOf(points, 2 * count);
                }
                points[count++] = pc + 1;
            }
        }
        return count == 0 ? null : Arrays.copyOf(points, count);
    }

    private boolean startsCatchAllRange(int attribute, int offset) {
        int table = attribute + 14 + u4(attribute + 10);
        int entries = u2(table);
        for (int e = 0; e < entries; e++) {
            int entry = table + 2 + 8 * e;
            if (u2(entry) == offset && u2(entry + 6) == 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the code attribute can take the insertions here: known attributes, every offset they and the branches
     * name at an instruction or the code's end (so that it has a place to move to), every branch still fits.
     */
    private boolean splicable(int attribute, int[] insertions) {
        int code = attribute + 14;
        int length = u4(attribute + 10);
        if (layout(code, length, insertions) > 65535) {
            return false;
        }
        for (int pc = 0; pc < length; pc += instructionLength(code, pc)) {
            int opcode = bytes[code + pc] & 0xff;
            if (isShortBranch(opcode)) {
                int target = pc + (short) u2(code + pc + 1);
                if (!placed(target, length) || labels[target] - instructions[pc] != (short) (labels[target] - instructions[pc])) {
                    return false;
                }
            } else if ((opcode == GOTO_W || opcode == JSR_W) && !placed(pc + u4(code + pc + 1), length)) {
                return false;
            } else if ((opcode == TABLESWITCH || opcode == LOOKUPSWITCH) && !switchTargetsPlaced(code, pc, opcode, length)) {
                return false;
            }
        }
        int at = code + length;
        for (int e = 0; e < u2(at); e++) {
            int entry = at + 2 + 8 * e;
            if (!placed(u2(entry), length) || !placed(u2(entry + 2), length) || !placed(u2(entry + 4), length)) {
                return false;
            }
        }
        at += 2 + 8 * u2(at);
        int attributes = u2(at);
        at += 2;
        for (int a = 0; a < attributes; a++) {
            int name = u2(at);
            boolean known;
            if (names.utf8Equals(name, "LineNumberTable")) {
                known = true;
                for (int i = 0; i < u2(at + 6); i++) {
                    known &= placed(u2(at + 8 + 4 * i), length);
                }
            } else if (names.utf8Equals(name, "LocalVariableTable") || names.utf8Equals(name, "LocalVariableTypeTable")) {
                known = true;
                for (int i = 0; i < u2(at + 6); i++) {
                    int start = u2(at + 8 + 10 * i);
                    known &= placed(start, length) && placed(start + u2(at + 10 + 10 * i), length);
                }
            } else {
                known = names.utf8Equals(name, "StackMapTable") && knownFrames(at + 6, length);
            }
            if (!known) {
                return false;
            }
            at += 6 + u4(at + 2);
        }
        return true;
    }

    private boolean switchTargetsPlaced(int code, int pc, int opcode, int length) {
        int operands = code + pc + 1 + padding(pc);
        boolean placed = placed(pc + u4(operands), length);
        if (opcode == TABLESWITCH) {
            for (int i = 0; i <= u4(operands + 8) - u4(operands + 4); i++) {
                placed &= placed(pc + u4(operands + 12 + 4 * i), length);
            }
        } else {
            for (int i = 0; i < u4(operands + 4); i++) {
                placed &= placed(pc + u4(operands + 12 + 8 * i), length);
            }
        }
        return placed;
    }

    /** Whether {@code offset} is that of an instruction of the code laid out last, or its end. */
    private boolean placed(int offset, int length) {
        return offset >= 0 && offset <= length && labels[offset] >= 0;
    }

    /** Whether the {@code count} verification types at {@code at} name, if uninitialized, a placed {@code new}. */
    private boolean typesPlaced(int at, int count, int length) {
        for (int i = 0; i < count; i++) {
            int tag = bytes[at] & 0xff;
            if (tag == 8 && !placed(u2(at + 1), length)) {
                return false;
            }
            at += tag == 7 || tag == 8 ? 3 : 1;
        }
        return true;
    }

    /** Whether every frame is of a known type, at an instruction, and any uninitialized type's offset at one too. */
    private boolean knownFrames(int table, int length) {
        int frames = u2(table);
        int at = table + 2;
        int offset = -1;
        boolean known = true;
        for (int f = 0; f < frames; f++) {
            int type = bytes[at] & 0xff;
            if (type >= 128 && type < 247) {
                return false;
            }
            offset += (type < 128 ? type & 63 : u2(at + 1)) + 1;
            if (!placed(offset, length - 1)) {
                return false;
            }
            int end = skipFrame(at);
            if (type >= 64 && type < 128 || type == 247) {
                known = typesPlaced(type < 128 ? at + 1 : at + 3, 1, length - 1);
            } else if (type >= 252 && type < 255) {
                known = typesPlaced(at + 3, type - 251, length - 1);
            } else if (type == 255) {
                int stackAt = skipVerificationTypes(at + 5, u2(at + 3));
                known = typesPlaced(at + 5, u2(at + 3), length - 1) && typesPlaced(stackAt + 2, u2(stackAt), length - 1);
            }
            if (!known) {
                return false;
            }
            at = end;
        }
        return true;
    }

    /**
     * {@code source} (the class file planned on, its constant pool grown by {@code shift} bytes) with the call of the
     * constant pool's method reference {@code target} inserted at the planned points.
     */
    static byte[] splice(ClassFileIndex planned, int[][] plan, byte[] source, int shift, int target) {
        return new MonitorEntrySplicerOld(planned).splice(plan, source, shift, target);
    }

    private byte[] splice(int[][] plan, byte[] source, int shift, int target) {
        ByteSink out = new ByteSink(source.length + 64);
        int methodsAt = names.methodsStart();
        out.bytes(source, 0, methodsAt + shift + 2);
        int at = methodsAt + 2;
        for (int m = 0; m < plan.length; m++) {
            int start = at;
            int attributes = u2(at + 6);
            at += 8;
            int[] insertions = plan[m];
            if (insertions == null) {
                for (int a = 0; a < attributes; a++) {
                    at += 6 + u4(at + 2);
                }
                out.bytes(source, start + shift, at - start);
                continue;
            }
            out.bytes(source, start + shift, 8);
            for (int a = 0; a < attributes; a++) {
                int length = u4(at + 2);
                if (names.utf8Equals(u2(at), "Code")) {
                    code(out, source, at, shift, insertions, target);
                } else {
                    out.bytes(source, at + shift, 6 + length);
                }
                at += 6 + length;
            }
        }
        out.bytes(source, at + shift, source.length - at - shift);
        return out.toArray();
    }

    /** The code attribute at {@code attribute} (an offset planned on; read from {@code source} at it plus {@code shift}). */
    private void code(ByteSink out, byte[] source, int attribute, int shift, int[] insertions, int target) {
        int code = attribute + 14;
        int length = u4(attribute + 10);
        out.u2(u2(attribute));
        int lengthAt = out.size();
        out.u4(0);
        out.bytes(source, attribute + 6 + shift, 4);   // max stack (a call of ()V needs none), max locals
        out.u4(layout(code, length, insertions));
        int next = 0;
        // the instructions that move unchanged (all but branches and switches) are copied a run at a time, not one by
        // one: this runs for the few classes with monitor entries, so mostly interpreted, where each copy is a call
        int unchangedFrom = 0;
        for (int pc = 0; pc < length; ) {
            if (next < insertions.length && insertions[next] == pc) {
                out.bytes(source, code + unchangedFrom + shift, pc - unchangedFrom);
                unchangedFrom = pc;
                out.u1(INVOKESTATIC);
                out.u2(target);
                next++;
            }
            int opcode = bytes[code + pc] & 0xff;
            int size = instructionLength(code, pc);
            boolean moves = isShortBranch(opcode) || opcode == GOTO_W || opcode == JSR_W || opcode == TABLESWITCH
                    || opcode == LOOKUPSWITCH;
            if (!moves) {
                pc += size;
                continue;
            }
            out.bytes(source, code + unchangedFrom + shift, pc - unchangedFrom);
            unchangedFrom = pc + size;
            if (isShortBranch(opcode)) {
                out.u1(opcode);
                out.u2(labels[pc + (short) u2(code + pc + 1)] - instructions[pc]);
            } else if (opcode == GOTO_W || opcode == JSR_W) {
                out.u1(opcode);
                out.u4(labels[pc + u4(code + pc + 1)] - instructions[pc]);
            } else if (opcode == TABLESWITCH || opcode == LOOKUPSWITCH) {
                out.u1(opcode);
                for (int pad = padding(instructions[pc]); pad > 0; pad--) {
                    out.u1(0);
                }
                int operands = code + pc + 1 + padding(pc);
                out.u4(labels[pc + u4(operands)] - instructions[pc]);   // default
                if (opcode == TABLESWITCH) {
                    int low = u4(operands + 4);
                    int high = u4(operands + 8);
                    out.u4(low);
                    out.u4(high);
                    for (int i = 0; i <= high - low; i++) {
                        out.u4(labels[pc + u4(operands + 12 + 4 * i)] - instructions[pc]);
                    }
                } else {
                    int pairs = u4(operands + 4);
                    out.u4(pairs);
                    for (int i = 0; i < pairs; i++) {
                        out.u4(u4(operands + 8 + 8 * i));
                        out.u4(labels[pc + u4(operands + 12 + 8 * i)] - instructions[pc]);
                    }
                }
            }
            pc += size;
        }
        out.bytes(source, code + unchangedFrom + shift, length - unchangedFrom);
        int at = code + length;
        int entries = u2(at);
        out.u2(entries);
        for (int e = 0; e < entries; e++) {
            int entry = at + 2 + 8 * e;
            out.u2(labels[u2(entry)]);
            out.u2(labels[u2(entry + 2)]);
            out.u2(labels[u2(entry + 4)]);
            out.u2(u2(entry + 6));
        }
        at += 2 + 8 * entries;
        int attributes = u2(at);
        out.u2(attributes);
        at += 2;
        for (int a = 0; a < attributes; a++) {
            int name = u2(at);
            int end = at + 6 + u4(at + 2);
            out.u2(name);
            int attributeLengthAt = out.size();
            out.u4(0);
            if (names.utf8Equals(name, "StackMapTable")) {
                frames(out, at + 6);
            } else if (names.utf8Equals(name, "LineNumberTable")) {
                int count = u2(at + 6);
                out.u2(count);
                for (int i = 0; i < count; i++) {
                    int line = at + 8 + 4 * i;
                    out.u2(labels[u2(line)]);
                    out.u2(u2(line + 2));
                }
            } else {   // LocalVariableTable, LocalVariableTypeTable: start, length, name, descriptor or signature, index
                int count = u2(at + 6);
                out.u2(count);
                for (int i = 0; i < count; i++) {
                    int variable = at + 8 + 10 * i;
                    int start = u2(variable);
                    out.u2(labels[start]);
                    out.u2(labels[start + u2(variable + 2)] - labels[start]);
                    out.bytes(bytes, variable + 4, 6);
                }
            }
            out.setU4(attributeLengthAt, out.size() - attributeLengthAt - 4);
            at = end;
        }
        out.setU4(lengthAt, out.size() - lengthAt - 4);
    }

    /** The stack map frames of the table at {@code table}, each at its moved offset, in the shortest form that fits. */
    private void frames(ByteSink out, int table) {
        int frames = u2(table);
        out.u2(frames);
        int at = table + 2;
        int offset = -1;      // the previous frame's offset, before and after the move
        int newOffset = -1;
        for (int f = 0; f < frames; f++) {
            int type = bytes[at] & 0xff;
            int delta = type < 128 ? type & 63 : u2(at + 1);
            offset += delta + 1;
            int moved = labels[offset];
            int newDelta = moved - newOffset - 1;
            newOffset = moved;
            if (type < 64 || type == 251) {                      // same frame
                if (newDelta < 64) {
                    out.u1(newDelta);
                } else {
                    out.u1(251);
                    out.u2(newDelta);
                }
            } else if (type < 128 || type == 247) {              // same locals, one stack item
                if (newDelta < 64) {
                    out.u1(64 + newDelta);
                } else {
                    out.u1(247);
                    out.u2(newDelta);
                }
                verificationTypes(out, type < 128 ? at + 1 : at + 3, 1);
            } else if (type < 255) {                             // chop, append
                out.u1(type);
                out.u2(newDelta);
                verificationTypes(out, at + 3, Math.max(type - 251, 0));
            } else {                                             // full frame
                out.u1(type);
                out.u2(newDelta);
                int locals = u2(at + 3);
                out.u2(locals);
                int stackAt = verificationTypes(out, at + 5, locals);
                int stack = u2(stackAt);
                out.u2(stack);
                verificationTypes(out, stackAt + 2, stack);
            }
            at = skipFrame(at);
        }
    }

    /** Copies {@code count} verification types from {@code at}, an uninitialized one's offset moved; returns the end. */
    private int verificationTypes(ByteSink out, int at, int count) {
        for (int i = 0; i < count; i++) {
            int tag = bytes[at] & 0xff;
            out.u1(tag);
            if (tag == 7) {                                      // Object: a constant pool class
                out.u2(u2(at + 1));
                at += 3;
            } else if (tag == 8) {                               // Uninitialized: the offset of its new instruction
                out.u2(instructions[u2(at + 1)]);
                at += 3;
            } else {
                at++;
            }
        }
        return at;
    }

    private int skipFrame(int at) {
        int type = bytes[at] & 0xff;
        if (type < 64 || type == 251 || type >= 248 && type <= 250) {
            return at + (type < 64 ? 1 : 3);
        }
        if (type < 128) {
            return skipVerificationTypes(at + 1, 1);
        }
        if (type == 247) {
            return skipVerificationTypes(at + 3, 1);
        }
        if (type < 255) {
            return skipVerificationTypes(at + 3, type - 251);
        }
        int stackAt = skipVerificationTypes(at + 5, u2(at + 3));
        return skipVerificationTypes(stackAt + 2, u2(stackAt));
    }

    private int skipVerificationTypes(int at, int count) {
        for (int i = 0; i < count; i++) {
            int tag = bytes[at] & 0xff;
            at += tag == 7 || tag == 8 ? 3 : 1;
        }
        return at;
    }

    /**
     * Lays out the code at {@code code} with the calls inserted: per old offset, where a label there goes
     * ({@link #labels}: before a call inserted there) and where the instruction there goes ({@link #instructions}:
     * after it); returns the new code length. A switch's padding follows its new offset.
     */
    private int layout(int code, int length, int[] insertions) {
        labels = new int[length + 1];
        instructions = new int[length + 1];
        Arrays.fill(labels, -1);   // an offset inside an instruction has no place to move to
        int moved = 0;
        int next = 0;
        for (int pc = 0; pc < length; ) {
            labels[pc] = moved;
            if (next < insertions.length && insertions[next] == pc) {
                moved += CALL_LENGTH;
                next++;
            }
            instructions[pc] = moved;
            int opcode = bytes[code + pc] & 0xff;
            int size = instructionLength(code, pc);
            moved += opcode == TABLESWITCH || opcode == LOOKUPSWITCH ? size - padding(pc) + padding(moved) : size;
            pc += size;
        }
        labels[length] = moved;
        instructions[length] = moved;
        return moved;
    }

    /** The zero bytes after a switch opcode at {@code offset}, up to its 4-byte aligned operands. */
    private static int padding(int offset) {
        return (4 - (offset + 1) % 4) % 4;
    }

    private static boolean isShortBranch(int opcode) {
        return opcode >= 0x99 && opcode <= 0xa8 || opcode == 0xc6 || opcode == 0xc7;   // if*, goto, jsr, ifnull, ifnonnull
    }

    private int instructionLength(int code, int pc) {
        return names.instructionLength(code, pc, bytes[code + pc] & 0xff);
    }

    private int u2(int at) {
        return names.u2(at);
    }

    private int u4(int at) {
        return names.u4(at);
    }
}
