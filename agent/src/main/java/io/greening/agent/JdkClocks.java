package io.greening.agent;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Under {@code clock=virtual}: retransforms the {@code java.util.concurrent} classes whose timed waits re-check
 * {@code System.nanoTime()} after each park, so that they read the hub's clock ({@code ClockPatches.nanoTime}, the
 * JDK's own clock off a virtual hub). Without it a timed wait parks on a virtual timer, wakes at once, sees that
 * almost no real time passed, and parks again: a busy loop until real time catches up. Instructions only, as
 * retransformation requires.
 */
final class JdkClocks implements ClassFileTransformer {
    /** The JDK classes whose timed waits measure time themselves (the rest wait through these). */
    static final List<String> CLASSES = List.of(
            "java.util.concurrent.locks.AbstractQueuedSynchronizer",
            "java.util.concurrent.locks.AbstractQueuedSynchronizer$ConditionObject",
            "java.util.concurrent.locks.AbstractQueuedLongSynchronizer",
            "java.util.concurrent.locks.AbstractQueuedLongSynchronizer$ConditionObject",
            "java.util.concurrent.FutureTask",
            "java.util.concurrent.CompletableFuture",
            "java.util.concurrent.CompletableFuture$Signaller",
            "java.util.concurrent.SynchronousQueue",
            "java.util.concurrent.LinkedTransferQueue",
            "java.util.concurrent.Exchanger",
            "java.util.concurrent.Phaser",
            "java.util.concurrent.DelayQueue",
            "java.util.concurrent.ScheduledThreadPoolExecutor",
            "java.util.concurrent.ScheduledThreadPoolExecutor$ScheduledFutureTask",
            "java.util.concurrent.ScheduledThreadPoolExecutor$DelayedWorkQueue");
    private static final Set<String> INTERNAL_NAMES = Set.copyOf(CLASSES.stream().map(c -> c.replace('.', '/')).toList());
    private static final String PATCH = Rewrites.PATCH_PACKAGE + "ClockPatches";

    private volatile int rewritten;

    /** Installs the transformer and retransforms the classes; returns how many call sites it rewrote. */
    static int install(Instrumentation instrumentation) throws Exception {
        JdkClocks transformer = new JdkClocks();
        instrumentation.addTransformer(transformer, true);
        List<Class<?>> classes = new ArrayList<>();
        for (String name : CLASSES) {
            try {
                classes.add(Class.forName(name, false, null));
            } catch (ClassNotFoundException absentInThisJdk) {
                // a JDK without it has nothing there to rewrite
            }
        }
        instrumentation.retransformClasses(classes.toArray(Class<?>[]::new));
        return transformer.rewritten;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain domain, byte[] classfile) {
        if (loader != null || !INTERNAL_NAMES.contains(className)) {
            return null;
        }
        ClassReader reader = new ClassReader(classfile);
        ClassWriter writer = new ClassWriter(reader, 0);
        int[] count = new int[1];
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, descriptor, signature, exceptions)) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean isInterface) {
                        if (opcode == Opcodes.INVOKESTATIC && "java/lang/System".equals(owner) && "nanoTime".equals(method)) {
                            super.visitMethodInsn(Opcodes.INVOKESTATIC, PATCH, "nanoTime", "()J", false);
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
        synchronized (this) {
            rewritten += count[0];
        }
        return writer.toByteArray();
    }
}
