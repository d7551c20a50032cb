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
 * Retransforms classes of {@code java.base} so that their calls of one JDK method go to a static patch method of the
 * runtime (on the boot class path), receiver first. Instructions only, as retransformation requires. The
 * application's own call sites go through {@link Rewrites}; this is for the few places inside the JDK that green
 * threads need changed.
 */
final class JdkCallSites implements ClassFileTransformer {
    /**
     * {@code java.lang.VirtualThread} calls its private {@code schedule(Runnable, long, TimeUnit)} for the timeout of
     * every timed park and wait: sent to {@code VirtualThreadTimers.schedule}, green threads' timeouts run on their
     * hub's timers.
     */
    static int virtualThreadTimeouts(Instrumentation instrumentation) throws Exception {
        return retransform(instrumentation, List.of("java.lang.VirtualThread"),
                "java/lang/VirtualThread", "schedule", "(Ljava/lang/Runnable;JLjava/util/concurrent/TimeUnit;)Ljava/util/concurrent/Future;",
                "VirtualThreadTimers", "schedule",
                "(Ljava/lang/Thread;Ljava/lang/Runnable;JLjava/util/concurrent/TimeUnit;)Ljava/util/concurrent/Future;");
    }

    /**
     * Under {@code clock=virtual}: the {@code java.util.concurrent} classes whose timed waits re-check
     * {@code System.nanoTime()} after each park read the hub's clock instead ({@code ClockPatches.nanoTime}, the JDK's
     * own off a virtual hub). Otherwise a timed wait parks on a virtual timer, wakes at once, sees that almost no real
     * time passed and parks again: a busy loop until real time catches up.
     */
    static int concurrentClocks(Instrumentation instrumentation) throws Exception {
        return retransform(instrumentation, List.of(
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
                        "java.util.concurrent.ScheduledThreadPoolExecutor$DelayedWorkQueue"),
                "java/lang/System", "nanoTime", "()J", "ClockPatches", "nanoTime", "()J");
    }

    private final Set<String> classes;
    private final String owner, name, descriptor, patchClass, patchMethod, patchDescriptor;
    private int rewritten;   // guarded by this

    private JdkCallSites(Set<String> classes, String owner, String name, String descriptor,
                         String patchClass, String patchMethod, String patchDescriptor) {
        this.classes = classes;
        this.owner = owner;
        this.name = name;
        this.descriptor = descriptor;
        this.patchClass = Rewrites.PATCH_PACKAGE + patchClass;
        this.patchMethod = patchMethod;
        this.patchDescriptor = patchDescriptor;
    }

    /** Installs a transformer for {@code classNames} and retransforms them; returns how many call sites it rewrote. */
    private static int retransform(Instrumentation instrumentation, List<String> classNames, String owner, String name,
                                   String descriptor, String patchClass, String patchMethod, String patchDescriptor)
            throws Exception {
        JdkCallSites transformer = new JdkCallSites(Set.copyOf(classNames.stream().map(c -> c.replace('.', '/')).toList()),
                owner, name, descriptor, patchClass, patchMethod, patchDescriptor);
        instrumentation.addTransformer(transformer, true);
        List<Class<?>> loaded = new ArrayList<>();
        for (String className : classNames) {
            try {
                loaded.add(Class.forName(className, false, null));
            } catch (ClassNotFoundException absentInThisJdk) {
                // nothing there to rewrite
            }
        }
        instrumentation.retransformClasses(loaded.toArray(Class<?>[]::new));
        synchronized (transformer) {
            return transformer.rewritten;
        }
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain domain, byte[] classfile) {
        if (loader != null || !classes.contains(className)) {
            return null;
        }
        ClassReader reader = new ClassReader(classfile);
        ClassWriter writer = new ClassWriter(reader, 0);
        int[] count = new int[1];
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String method, String desc, String signature, String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, method, desc, signature, exceptions)) {
                    @Override
                    public void visitMethodInsn(int opcode, String callOwner, String callName, String callDesc, boolean isInterface) {
                        if (owner.equals(callOwner) && name.equals(callName) && descriptor.equals(callDesc)) {
                            super.visitMethodInsn(Opcodes.INVOKESTATIC, patchClass, patchMethod, patchDescriptor, false);
                            count[0]++;
                            return;
                        }
                        super.visitMethodInsn(opcode, callOwner, callName, callDesc, isInterface);
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
