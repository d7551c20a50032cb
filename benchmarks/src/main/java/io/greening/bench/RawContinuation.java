package io.greening.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * {@code jdk.internal.vm.Continuation}, the mechanism under every virtual thread, reached through method handles so
 * the benchmarks compile with {@code --release 25}. Running needs
 * {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED}. The handles are static finals, which the JIT
 * inlines, so calling through them costs what a direct call costs.
 */
final class RawContinuation {
    static final String ADD_EXPORTS = "--add-exports java.base/jdk.internal.vm=ALL-UNNAMED";

    private static final MethodHandle NEW_SCOPE;      // (String) -> ContinuationScope
    private static final MethodHandle NEW_CONTINUATION; // (ContinuationScope, Runnable) -> Continuation
    private static final MethodHandle RUN;            // (Continuation) -> void
    private static final MethodHandle YIELD;          // (ContinuationScope) -> boolean
    private static final MethodHandle IS_DONE;        // (Continuation) -> boolean

    static {
        try {
            Class<?> scope = Class.forName("jdk.internal.vm.ContinuationScope");
            Class<?> continuation = Class.forName("jdk.internal.vm.Continuation");
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            NEW_SCOPE = lookup.findConstructor(scope, MethodType.methodType(void.class, String.class))
                    .asType(MethodType.methodType(Object.class, String.class));
            NEW_CONTINUATION = lookup.findConstructor(continuation, MethodType.methodType(void.class, scope, Runnable.class))
                    .asType(MethodType.methodType(Object.class, Object.class, Runnable.class));
            RUN = lookup.findVirtual(continuation, "run", MethodType.methodType(void.class))
                    .asType(MethodType.methodType(void.class, Object.class));
            YIELD = lookup.findStatic(continuation, "yield", MethodType.methodType(boolean.class, scope))
                    .asType(MethodType.methodType(boolean.class, Object.class));
            IS_DONE = lookup.findVirtual(continuation, "isDone", MethodType.methodType(boolean.class))
                    .asType(MethodType.methodType(boolean.class, Object.class));
        } catch (ReflectiveOperationException | IllegalAccessError e) {
            throw new IllegalStateException("jdk.internal.vm.Continuation is not reachable: run with " + ADD_EXPORTS, e);
        }
    }

    private RawContinuation() {}

    static Object newScope(String name) {
        try {
            return NEW_SCOPE.invokeExact(name);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Object newContinuation(Object scope, Runnable body) {
        try {
            return NEW_CONTINUATION.invokeExact(scope, body);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Mounts {@code continuation} on the current thread and runs it until it yields or ends. */
    static void run(Object continuation) {
        try {
            RUN.invokeExact(continuation);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Unmounts the innermost continuation of {@code scope}, returning to whoever ran it. */
    static void yield(Object scope) {
        try {
            boolean ignored = (boolean) YIELD.invokeExact(scope);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static boolean isDone(Object continuation) {
        try {
            return (boolean) IS_DONE.invokeExact(continuation);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
