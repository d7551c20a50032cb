package io.greening.agent;

import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Writes the one class that defines a class into the boot loader: a {@code BiFunction<String, byte[], Class<?>>} whose
 * {@code apply(name, bytes)} calls {@code jdk.internal.misc.Unsafe.getUnsafe().defineClass(name, bytes, 0,
 * bytes.length, null, null)} directly, which, unlike {@code sun.misc.Unsafe}'s memory methods, prints no warning on
 * JDK 25. Direct bytecode rather than reflection: a reflective call of that seven-argument method spins method handle
 * classes outside the class data sharing archive, which cost more start-up than defining the whole runtime. Written at
 * build time ({@link RuntimeBundle}), so that the agent's start loads no ASM for it. {@link RuntimePlacement} defines the
 * class in a class loader of its own and exports {@code jdk.internal.misc} to
 * that loader's unnamed module alone, so no other module gains access to the JDK's internals.
 */
final class BootDefiner {
    /** The binary name of the written class. */
    static final String NAME = "io.greening.agent.boot.BootDefiner";

    private BootDefiner() {}

    /** The class file of {@link #NAME}. */
    static byte[] classFile() {
        String self = NAME.replace('.', '/');
        String unsafe = "jdk/internal/misc/Unsafe";
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, self, null, "java/lang/Object",
                new String[] {"java/util/function/BiFunction"});
        MethodVisitor init = writer.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        MethodVisitor apply = writer.visitMethod(Opcodes.ACC_PUBLIC, "apply",
                "(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;", null, null);
        apply.visitCode();
        apply.visitMethodInsn(Opcodes.INVOKESTATIC, unsafe, "getUnsafe", "()L" + unsafe + ";", false);
        apply.visitVarInsn(Opcodes.ALOAD, 1);
        apply.visitTypeInsn(Opcodes.CHECKCAST, "java/lang/String");
        apply.visitVarInsn(Opcodes.ALOAD, 2);
        apply.visitTypeInsn(Opcodes.CHECKCAST, "[B");
        apply.visitInsn(Opcodes.ICONST_0);
        apply.visitVarInsn(Opcodes.ALOAD, 2);
        apply.visitTypeInsn(Opcodes.CHECKCAST, "[B");
        apply.visitInsn(Opcodes.ARRAYLENGTH);
        apply.visitInsn(Opcodes.ACONST_NULL);
        apply.visitInsn(Opcodes.ACONST_NULL);
        apply.visitMethodInsn(Opcodes.INVOKEVIRTUAL, unsafe, "defineClass",
                "(Ljava/lang/String;[BIILjava/lang/ClassLoader;Ljava/security/ProtectionDomain;)Ljava/lang/Class;", false);
        apply.visitInsn(Opcodes.ARETURN);
        apply.visitMaxs(0, 0);
        apply.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }
}
