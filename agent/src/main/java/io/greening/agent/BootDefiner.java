package io.greening.agent;

import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Writes the one class that defines a class into the boot loader, {@link #NAME}, which is a
 * {@code BiFunction<byte[], int[], Class<?>>} and a {@code Consumer<Module>}:
 * <ul>
 *   <li>{@code apply(bytes, {offset, length})} calls {@code jdk.internal.misc.Unsafe.getUnsafe().defineClass(null,
 *       bytes, offset, length, null, null)} directly (the class file names the class), which, unlike
 *       {@code sun.misc.Unsafe}'s memory methods, prints no warning on JDK 25;</li>
 *   <li>{@code accept(runtime)} makes {@code java.base} read the runtime's module and opens {@code java.lang} and
 *       {@code java.util.concurrent.locks} to it ({@code jdk.internal.module.Modules}, as
 *       {@code Instrumentation.redefineModule} does), so that the agent's start needs one {@code redefineModule}, not
 *       two: each call links lambdas of its own;</li>
 *   <li>its static initializer hands an instance to its class loader (a {@code Consumer<Object>}), so that the agent
 *       needs no reflection to make one (a reflective constructor call spins method handle classes).</li>
 * </ul>
 * Direct bytecode rather than reflection: a reflective call of the seven-argument {@code defineClass} spins method
 * handle classes outside the class data sharing archive, which cost more start-up than defining the whole runtime.
 * Written at build time ({@link RuntimeBundle}), so that the agent's start loads no ASM for it.
 * {@link RuntimePlacement} defines the class in a class loader of its own and exports {@code jdk.internal.misc} and
 * {@code jdk.internal.module} to that loader's unnamed module alone, so no other module gains access to the JDK's
 * internals.
 */
final class BootDefiner {
    /** The binary name of the written class. */
    static final String NAME = "io.greening.agent.boot.BootDefiner";

    private BootDefiner() {}

    /** The class file of {@link #NAME}. */
    static byte[] classFile() {
        String self = NAME.replace('.', '/');
        String unsafe = "jdk/internal/misc/Unsafe";
        String modules = "jdk/internal/module/Modules";
        String consumer = "java/util/function/Consumer";
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, self, null, "java/lang/Object",
                new String[] {"java/util/function/BiFunction", consumer});

        MethodVisitor init = writer.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();

        // static { ((Consumer) BootDefiner.class.getClassLoader()).accept(new BootDefiner()); }
        MethodVisitor clinit = writer.visitMethod(Opcodes.ACC_STATIC, "<clinit>", "()V", null, null);
        clinit.visitCode();
        clinit.visitLdcInsn(Type.getObjectType(self));
        clinit.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/Class", "getClassLoader", "()Ljava/lang/ClassLoader;", false);
        clinit.visitTypeInsn(Opcodes.CHECKCAST, consumer);
        clinit.visitTypeInsn(Opcodes.NEW, self);
        clinit.visitInsn(Opcodes.DUP);
        clinit.visitMethodInsn(Opcodes.INVOKESPECIAL, self, "<init>", "()V", false);
        clinit.visitMethodInsn(Opcodes.INVOKEINTERFACE, consumer, "accept", "(Ljava/lang/Object;)V", true);
        clinit.visitInsn(Opcodes.RETURN);
        clinit.visitMaxs(0, 0);
        clinit.visitEnd();

        // apply(bytes, range): Unsafe.getUnsafe().defineClass(null, bytes, range[0], range[1], null, null)
        MethodVisitor apply = writer.visitMethod(Opcodes.ACC_PUBLIC, "apply",
                "(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;", null, null);
        apply.visitCode();
        apply.visitMethodInsn(Opcodes.INVOKESTATIC, unsafe, "getUnsafe", "()L" + unsafe + ";", false);
        apply.visitInsn(Opcodes.ACONST_NULL);
        apply.visitVarInsn(Opcodes.ALOAD, 1);
        apply.visitTypeInsn(Opcodes.CHECKCAST, "[B");
        apply.visitVarInsn(Opcodes.ALOAD, 2);
        apply.visitTypeInsn(Opcodes.CHECKCAST, "[I");
        apply.visitInsn(Opcodes.ICONST_0);
        apply.visitInsn(Opcodes.IALOAD);
        apply.visitVarInsn(Opcodes.ALOAD, 2);
        apply.visitTypeInsn(Opcodes.CHECKCAST, "[I");
        apply.visitInsn(Opcodes.ICONST_1);
        apply.visitInsn(Opcodes.IALOAD);
        apply.visitInsn(Opcodes.ACONST_NULL);
        apply.visitInsn(Opcodes.ACONST_NULL);
        apply.visitMethodInsn(Opcodes.INVOKEVIRTUAL, unsafe, "defineClass",
                "(Ljava/lang/String;[BIILjava/lang/ClassLoader;Ljava/security/ProtectionDomain;)Ljava/lang/Class;", false);
        apply.visitInsn(Opcodes.ARETURN);
        apply.visitMaxs(0, 0);
        apply.visitEnd();

        // accept(runtime): java.base reads it, and opens java.lang and java.util.concurrent.locks to it
        MethodVisitor accept = writer.visitMethod(Opcodes.ACC_PUBLIC, "accept", "(Ljava/lang/Object;)V", null, null);
        accept.visitCode();
        accept.visitLdcInsn(Type.getObjectType("java/lang/Object"));
        accept.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/Class", "getModule", "()Ljava/lang/Module;", false);
        accept.visitVarInsn(Opcodes.ASTORE, 2);
        accept.visitVarInsn(Opcodes.ALOAD, 1);
        accept.visitTypeInsn(Opcodes.CHECKCAST, "java/lang/Module");
        accept.visitVarInsn(Opcodes.ASTORE, 3);
        accept.visitVarInsn(Opcodes.ALOAD, 2);
        accept.visitVarInsn(Opcodes.ALOAD, 3);
        accept.visitMethodInsn(Opcodes.INVOKESTATIC, modules, "addReads", "(Ljava/lang/Module;Ljava/lang/Module;)V", false);
        for (String pkg : new String[] {RuntimePlacement.OPENED_TO_RUNTIME, RuntimePlacement.ALSO_OPENED_TO_RUNTIME}) {
            accept.visitVarInsn(Opcodes.ALOAD, 2);
            accept.visitLdcInsn(pkg);
            accept.visitVarInsn(Opcodes.ALOAD, 3);
            accept.visitMethodInsn(Opcodes.INVOKESTATIC, modules, "addOpens",
                    "(Ljava/lang/Module;Ljava/lang/String;Ljava/lang/Module;)V", false);
        }
        accept.visitInsn(Opcodes.RETURN);
        accept.visitMaxs(0, 0);
        accept.visitEnd();

        writer.visitEnd();
        return writer.toByteArray();
    }
}
