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
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Applies the rows of {@link Rewrites} to one class: rewrites its call sites and constructions, and, in the main
 * class with the {@code main=green} prologue row, makes {@code main} start with
 * {@code if (GreenMain.enter(args, Main.class)) return;}. It changes instructions only, never the class's shape (no
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
        super(Opcodes.ASM9, next);
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
        MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
        if (mv == null) {
            return null;
        }
        Rewrite prologue = null;
        if (className.equals(greenMainClass) && (access & Opcodes.ACC_STATIC) != 0 && classVersion >= Opcodes.V1_6) {
            for (Rewrite row : rows.getOrDefault(name + descriptor, List.of())) {
                if (row.kind() == Kind.MAIN_PROLOGUE) {
                    prologue = row;
                }
            }
        }
        return new Rewriting(mv, prologue);
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
        private final Deque<PendingNew> news = new ArrayDeque<>();
        private PendingNew justNew;   // the NEW just visited, to see whether a DUP follows at once
        private int extraStack;

        Rewriting(MethodVisitor mv, Rewrite prologue) {
            super(Opcodes.ASM9, mv);
            this.prologue = prologue;
        }

        /** {@code if (patch(args, ThisClass.class)) return;} before the method's own code. */
        @Override
        public void visitCode() {
            super.visitCode();
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
            justNew = null;
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
            justNew = null;
            super.visitInsn(opcode);
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            justNew = null;
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
            List<Rewrite> candidates = rows.getOrDefault(name + descriptor, List.of());
            for (Rewrite row : candidates) {
                if (row.kind() == Kind.CALL && row.opcode() == opcode && owner.equals(row.owner())) {
                    return row;
                }
            }
            for (Rewrite row : candidates) {   // then the rows whose owner is a supertype of the call's
                if (row.kind() == Kind.CALL && row.opcode() == opcode && row.matchesSubtypes()
                        && hierarchy.isSubtype(owner, row.owner())) {
                    return row;
                }
            }
            return null;
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
            justNew = null;
            super.visitIntInsn(opcode, operand);
        }

        @Override
        public void visitVarInsn(int opcode, int varIndex) {
            justNew = null;
            super.visitVarInsn(opcode, varIndex);
        }

        @Override
        public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
            justNew = null;
            super.visitFieldInsn(opcode, owner, name, descriptor);
        }

        @Override
        public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
            justNew = null;
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
            justNew = null;
            super.visitJumpInsn(opcode, label);
        }

        @Override
        public void visitLdcInsn(Object value) {
            justNew = null;
            super.visitLdcInsn(value);
        }

        @Override
        public void visitIincInsn(int varIndex, int increment) {
            justNew = null;
            super.visitIincInsn(varIndex, increment);
        }

        @Override
        public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
            justNew = null;
            super.visitTableSwitchInsn(min, max, dflt, labels);
        }

        @Override
        public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
            justNew = null;
            super.visitLookupSwitchInsn(dflt, keys, labels);
        }

        @Override
        public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
            justNew = null;
            super.visitMultiANewArrayInsn(descriptor, numDimensions);
        }

        @Override
        public void visitLabel(Label label) {
            justNew = null;
            super.visitLabel(label);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitMaxs(maxStack + extraStack, maxLocals);
        }
    }
}
