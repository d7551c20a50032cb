package io.greening.agent;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;

/**
 * Part of the {@code locks} group: retransforms {@code java.lang.VirtualThread} so that the timeouts of green threads'
 * timed parks and waits run on their hub's timers ({@code io.greening.patch.VirtualThreadTimers}): its calls to its
 * private {@code schedule(Runnable, long, TimeUnit)} become calls of {@code VirtualThreadTimers.schedule} with the
 * thread first. Instructions only, as retransformation requires.
 */
final class VirtualThreadTimeouts implements ClassFileTransformer {
    private static final String VIRTUAL_THREAD = "java/lang/VirtualThread";
    private static final String SCHEDULE = "(Ljava/lang/Runnable;JLjava/util/concurrent/TimeUnit;)Ljava/util/concurrent/Future;";
    private static final String PATCH = Rewrites.PATCH_PACKAGE + "VirtualThreadTimers";
    private static final String PATCH_DESCRIPTOR =
            "(Ljava/lang/Thread;Ljava/lang/Runnable;JLjava/util/concurrent/TimeUnit;)Ljava/util/concurrent/Future;";

    private volatile int rewritten;

    /** Installs the transformer and retransforms {@code VirtualThread}; returns how many call sites it rewrote. */
    static int install(Instrumentation instrumentation) throws Exception {
        VirtualThreadTimeouts transformer = new VirtualThreadTimeouts();
        instrumentation.addTransformer(transformer, true);
        instrumentation.retransformClasses(Class.forName("java.lang.VirtualThread", false, null));
        return transformer.rewritten;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain domain, byte[] classfile) {
        if (loader != null || !VIRTUAL_THREAD.equals(className)) {
            return null;
        }
        ClassReader reader = new ClassReader(classfile);
        ClassWriter writer = new ClassWriter(reader, 0);
        int[] count = new int[1];
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                return new MethodVisitor(Opcodes.ASM9, mv) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean isInterface) {
                        if (VIRTUAL_THREAD.equals(owner) && "schedule".equals(method) && SCHEDULE.equals(desc)
                                && (opcode == Opcodes.INVOKEVIRTUAL || opcode == Opcodes.INVOKESPECIAL)) {
                            super.visitMethodInsn(Opcodes.INVOKESTATIC, PATCH, "schedule", PATCH_DESCRIPTOR, false);
                            count[0]++;
                            return;
                        }
                        super.visitMethodInsn(opcode, owner, method, desc, isInterface);
                    }
                };
            }
        }, 0);
        if (count[0] == 0) {
            return null;
        }
        rewritten = count[0];
        return writer.toByteArray();
    }
}
