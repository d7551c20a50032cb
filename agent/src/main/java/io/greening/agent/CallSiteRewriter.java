package io.greening.agent;

import io.greening.agent.Rewrites.Kind;
import io.greening.agent.Rewrites.Rewrite;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Applies the rows of {@link Rewrites} to one class: rewrites its call sites and constructions, calls the monitor
 * entry row's method right after each monitor entry, and, in the main class with the {@code main=green} prologue
 * row, makes {@code main} start with {@code if (GreenMain.enter(args, Main.class)) return;}. It changes instructions only, never the class's shape (no
 * fields or methods added), so it is safe for retransformation too.
 */
public final class CallSiteRewriter extends ClassVisitor {
    /** Answers whether one class (internal name) is a subtype of another. */
    @FunctionalInterface
    public interface Hierarchy {
        /** Whether {@code type} is {@code supertype} or a subtype of it; false if unknown. */
        boolean isSubtype(String type, String supertype);
    }

    private final Map<String, List<Rewrite>> rows;
    private final Hierarchy hierarchy;
    private final String greenMainClass;
    private final Consumer<Rewrite> onRewrite;
    private final BitSet methodsToRewrite;
    private int methodIndex = -1;
    private String className;
    private int classVersion;

    /**
     * @param next           the visitor to pass the rewritten class to
     * @param rows           the rows to apply ({@link Rewrites#index})
     * @param hierarchy      subtype answers for instance rows
     * @param greenMainClass the internal name of the main class, which gets the prologue row if {@code rows} hold it;
     *                       or null
     * @param onRewrite      told of every rewritten call site
     */
    public CallSiteRewriter(ClassVisitor next, Map<String, List<Rewrite>> rows, Hierarchy hierarchy, String greenMainClass,
                            Consumer<Rewrite> onRewrite) {
        this(next, rows, hierarchy, greenMainClass, null, onRewrite);
    }

    /**
     * A rewriter that visits only some of the class's methods and passes the others on untouched (to a
     * {@code ClassWriter} built from the same {@code ClassReader}, which then copies their bytes as they are).
     *
     * @param methodsToRewrite per method, in class file order, whether it may hold something to rewrite; null for all
     * @see #CallSiteRewriter(ClassVisitor, Map, Hierarchy, String, Consumer)
     */
    public CallSiteRewriter(ClassVisitor next, Map<String, List<Rewrite>> rows, Hierarchy hierarchy, String greenMainClass,
                            BitSet methodsToRewrite, Consumer<Rewrite> onRewrite) {
        super(Opcodes.ASM9, next);
        this.methodsToRewrite = methodsToRewrite;
        this.rows = rows;
        this.hierarchy = hierarchy;
        this.greenMainClass = greenMainClass;
        this.onRewrite = onRewrite;
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
        className = name;
        classVersion = version & 0xFFFF;
        super.visit(version, access, name, signature, superName, interfaces);
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
        methodIndex++;
        MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
        if (mv == null || methodsToRewrite != null && !methodsToRewrite.get(methodIndex)) {
            return mv;
        }
        List<Rewrite> monitorEntries = rows.get(Rewrites.MONITOR_ENTRY_KEY);
        Rewrite monitorEntry = monitorEntries == null || monitorEntries.isEmpty() ? null : monitorEntries.getFirst();
        Rewrite prologue = null;
        if (className.equals(greenMainClass) && (access & Opcodes.ACC_STATIC) != 0 && classVersion >= Opcodes.V1_6) {
            for (Rewrite row : rows.getOrDefault(name + descriptor, List.of())) {
                if (row.kind() == Kind.MAIN_PROLOGUE) {
                    prologue = row;
                }
            }
        }
        return new Rewriting(mv, prologue, monitorEntry, (access & Opcodes.ACC_SYNCHRONIZED) != 0);
    }

    /** A {@code new} of a class with constructor rows, waiting for its {@code <init>}. */
    private static final class PendingNew {
        final String owner;
        boolean duplicated;

        PendingNew(String owner) {
            this.owner = owner;
        }
    }

    private final class Rewriting extends MethodVisitor {
        private final Rewrite prologue;
        private final Rewrite monitorEntry;
        private final boolean synchronizedMethod;
        private final Deque<PendingNew> news = new ArrayDeque<>();
        private PendingNew justNew;   // the NEW just visited, to see whether a DUP follows at once
        private int extraStack;
        /** Labels where an exception range caught by a catch-all handler starts: a synchronized block's, among others. */
        private final Set<Label> catchAllStarts = new HashSet<>();
        /** A MONITORENTER was just visited: the monitor entry call goes in if a catch-all range starts next. */
        private boolean enteredMonitor;
        /** The monitor entry call goes before the next instruction, which is inside the synchronized block's range. */
        private boolean monitorEntryDue;

        Rewriting(MethodVisitor mv, Rewrite prologue, Rewrite monitorEntry, boolean synchronizedMethod) {
            super(Opcodes.ASM9, mv);
            this.prologue = prologue;
            this.monitorEntry = monitorEntry;
            this.synchronizedMethod = synchronizedMethod;
        }

        @Override
        public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
            if (type == null) {
                catchAllStarts.add(start);   // ASM visits every try-catch block before the code
            }
            super.visitTryCatchBlock(start, end, handler, type);
        }

        /**
         * Before each instruction: the monitor entry call, if a synchronized block has just entered its monitor and its
         * range has just started. javac compiles {@code synchronized (x) { body }} as {@code MONITORENTER}, then the
         * body in a range whose catch-all handler exits the monitor and rethrows: a call at the start of that range
         * that throws leaves the monitor released. Code of other shapes gets no call.
         */
        private void beforeInstruction() {
            justNew = null;
            enteredMonitor = false;
            if (monitorEntryDue) {
                monitorEntryDue = false;
                callMonitorEntry();
            }
        }

        private void callMonitorEntry() {
            super.visitMethodInsn(Opcodes.INVOKESTATIC, monitorEntry.patchClass(), monitorEntry.patchMethod(),
                    monitorEntry.patchDescriptor(), false);
            onRewrite.accept(monitorEntry);
        }

        /** {@code if (patch(args, ThisClass.class)) return;} before the method's own code. */
        @Override
        public void visitCode() {
            super.visitCode();
            if (synchronizedMethod && monitorEntry != null) {
                monitorEntryDue = true;   // the JVM entered the monitor; an exception thrown here releases it
            }
            if (prologue != null) {
                Label runAsIs = new Label();
                super.visitVarInsn(Opcodes.ALOAD, 0);
                super.visitLdcInsn(Type.getObjectType(className));
                super.visitMethodInsn(Opcodes.INVOKESTATIC, prologue.patchClass(), prologue.patchMethod(), prologue.patchDescriptor(), false);
                super.visitJumpInsn(Opcodes.IFEQ, runAsIs);
                super.visitInsn(Opcodes.RETURN);
                super.visitLabel(runAsIs);
                super.visitFrame(Opcodes.F_NEW, 1, new Object[] {"[Ljava/lang/String;"}, 0, new Object[0]);
                super.visitInsn(Opcodes.NOP);   // keeps a frame the original code may have at its start apart from ours
                extraStack = Math.max(extraStack, 2);
            }
        }

        @Override
        public void visitTypeInsn(int opcode, String type) {
            beforeInstruction();
            if (opcode == Opcodes.NEW) {
                PendingNew pending = new PendingNew(type);
                news.push(pending);
                super.visitTypeInsn(opcode, type);
                justNew = pending;
                return;
            }
            super.visitTypeInsn(opcode, type);
        }

        @Override
        public void visitInsn(int opcode) {
            if (opcode == Opcodes.DUP && justNew != null) {
                justNew.duplicated = true;
            }
            beforeInstruction();
            super.visitInsn(opcode);
            enteredMonitor = opcode == Opcodes.MONITORENTER && monitorEntry != null;
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            beforeInstruction();
            PendingNew constructed = null;
            if (opcode == Opcodes.INVOKESPECIAL && name.equals("<init>") && !news.isEmpty() && news.peek().owner.equals(owner)) {
                constructed = news.pop();   // else it is a super(...) or this(...) call
            }
            if (constructed != null && constructed.duplicated) {
                Rewrite row = findConstructor(owner, descriptor);
                if (row != null) {
                    replaceConstructor(row);
                    return;
                }
            }
            Rewrite row = findCall(opcode, owner, name, descriptor);
            if (row != null) {
                replaceCall(row);
                return;
            }
            super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
        }

        private Rewrite findConstructor(String owner, String descriptor) {
            for (Rewrite row : rows.getOrDefault("<init>" + descriptor, List.of())) {
                if (row.kind() == Kind.CONSTRUCTOR && owner.equals(row.owner())) {
                    return row;
                }
            }
            return null;
        }

        private Rewrite findCall(int opcode, String owner, String name, String descriptor) {
            return Rewrites.findCall(rows, hierarchy, opcode, owner, name, descriptor);
        }

        private void replaceCall(Rewrite row) {
            super.visitMethodInsn(Opcodes.INVOKESTATIC, row.patchClass(), row.patchMethod(), row.patchDescriptor(), false);
            onRewrite.accept(row);
        }

        /**
         * {@code NEW X; DUP; args; INVOKESPECIAL X.<init>} becomes {@code NEW X; DUP; args; INVOKESTATIC patch(args)X}
         * and then drops the two never-initialised references under the result: popping an uninitialised reference
         * is legal, and it keeps every stack map frame between the NEW and here valid.
         */
        private void replaceConstructor(Rewrite row) {
            super.visitMethodInsn(Opcodes.INVOKESTATIC, row.patchClass(), row.patchMethod(), row.patchDescriptor(), false);
            super.visitInsn(Opcodes.DUP_X2);   // u u x -> x u u x
            super.visitInsn(Opcodes.POP);
            super.visitInsn(Opcodes.POP);
            super.visitInsn(Opcodes.POP);
            extraStack = Math.max(extraStack, 2);
            onRewrite.accept(row);
        }

        @Override
        public void visitIntInsn(int opcode, int operand) {
            beforeInstruction();
            super.visitIntInsn(opcode, operand);
        }

        @Override
        public void visitVarInsn(int opcode, int varIndex) {
            beforeInstruction();
            super.visitVarInsn(opcode, varIndex);
        }

        @Override
        public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
            beforeInstruction();
            super.visitFieldInsn(opcode, owner, name, descriptor);
        }

        @Override
        public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
            beforeInstruction();
            // A method reference (Thread::start, Socket::new) is a LambdaMetafactory call site whose second argument is
            // the target: point it at the patch method, which has the same shape with the receiver first.
            if (bootstrap.getOwner().equals("java/lang/invoke/LambdaMetafactory") && arguments.length >= 3
                    && arguments[1] instanceof Handle target) {
                Rewrite row = switch (target.getTag()) {
                    case Opcodes.H_INVOKEVIRTUAL -> findCall(Opcodes.INVOKEVIRTUAL, target.getOwner(), target.getName(), target.getDesc());
                    case Opcodes.H_INVOKEINTERFACE -> findCall(Opcodes.INVOKEINTERFACE, target.getOwner(), target.getName(), target.getDesc());
                    case Opcodes.H_INVOKESTATIC -> findCall(Opcodes.INVOKESTATIC, target.getOwner(), target.getName(), target.getDesc());
                    case Opcodes.H_NEWINVOKESPECIAL -> findConstructor(target.getOwner(), target.getDesc());
                    default -> null;
                };
                if (row != null) {
                    Object[] patched = arguments.clone();
                    patched[1] = new Handle(Opcodes.H_INVOKESTATIC, row.patchClass(), row.patchMethod(), row.patchDescriptor(), false);
                    super.visitInvokeDynamicInsn(name, descriptor, bootstrap, patched);
                    onRewrite.accept(row);
                    return;
                }
            }
            super.visitInvokeDynamicInsn(name, descriptor, bootstrap, arguments);
        }

        @Override
        public void visitJumpInsn(int opcode, Label label) {
            beforeInstruction();
            super.visitJumpInsn(opcode, label);
        }

        @Override
        public void visitLdcInsn(Object value) {
            beforeInstruction();
            super.visitLdcInsn(value);
        }

        @Override
        public void visitIincInsn(int varIndex, int increment) {
            beforeInstruction();
            super.visitIincInsn(varIndex, increment);
        }

        @Override
        public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
            beforeInstruction();
            super.visitTableSwitchInsn(min, max, dflt, labels);
        }

        @Override
        public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
            beforeInstruction();
            super.visitLookupSwitchInsn(dflt, keys, labels);
        }

        @Override
        public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
            beforeInstruction();
            super.visitMultiANewArrayInsn(descriptor, numDimensions);
        }

        @Override
        public void visitLabel(Label label) {
            justNew = null;
            super.visitLabel(label);
            if (enteredMonitor && catchAllStarts.contains(label)) {
                monitorEntryDue = true;
            }
            enteredMonitor = false;
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitMaxs(maxStack + extraStack, maxLocals);
        }
    }
}
