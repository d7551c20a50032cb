package io.greening.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Executor;

/**
 * The reflective door into {@code java.lang} that green threads need: virtual threads with a scheduler of our
 * choosing, the scheduler of a virtual thread, its carrier, and the current carrier thread; and, for the threads the
 * agent leaves platform threads, a platform thread's stack size and {@code Thread.start()} past an override. Needs {@code java.lang}
 * opened to greening ({@link #ADD_OPENS}; the agent opens it itself). The rest of greening uses public API but for
 * two optional reads: the agent's {@code VirtualThreadTimers} calls {@code VirtualThread.schedule} through the same
 * opening, and deadlock reports read lock owners where {@code java.util.concurrent.locks} is open.
 */
public final class VirtualThreads {
    /**
     * The JVM option that opens the door: to {@code ALL-UNNAMED} on the class path, to the runtime's module
     * ({@code io.greening}) on the module path.
     */
    public static final String ADD_OPENS = "--add-opens java.base/java.lang=" + openTo(VirtualThreads.class.getModule());

    private static final MethodHandle NEW_BUILDER;        // (Executor) -> Thread.Builder.OfVirtual
    private static final MethodHandle CURRENT_CARRIER;    // () -> Thread
    private static final VarHandle SCHEDULER;             // VirtualThread.scheduler
    private static final VarHandle CARRIER;               // VirtualThread.carrierThread
    private static final Class<?> VIRTUAL_THREAD;
    private static final RuntimeException FAILURE;

    static {
        MethodHandle newBuilder = null, currentCarrier = null;
        VarHandle scheduler = null, carrier = null;
        Class<?> virtualThread = null;
        RuntimeException failure = null;
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
            Class<?> builder = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            newBuilder = lookup.findConstructor(builder, MethodType.methodType(void.class, Executor.class))
                    .asType(MethodType.methodType(Thread.Builder.OfVirtual.class, Executor.class));
            currentCarrier = lookup.findStatic(Thread.class, "currentCarrierThread", MethodType.methodType(Thread.class));
            virtualThread = Class.forName("java.lang.VirtualThread");
            MethodHandles.Lookup vtLookup = MethodHandles.privateLookupIn(virtualThread, MethodHandles.lookup());
            scheduler = vtLookup.findVarHandle(virtualThread, "scheduler", Executor.class);
            carrier = vtLookup.findVarHandle(virtualThread, "carrierThread", Thread.class);
        } catch (IllegalAccessException | IllegalArgumentException e) {
            failure = new IllegalStateException("greening cannot create green threads: java.lang is not open to it. "
                    + "Start the JVM with " + ADD_OPENS + " (or with the greening agent)", e);
        } catch (ReflectiveOperationException e) {
            failure = new IllegalStateException("greening cannot create green threads: this JDK ("
                    + Runtime.version() + ") lacks an internal it needs; greening supports JDK 25", e);
        }
        NEW_BUILDER = newBuilder;
        CURRENT_CARRIER = currentCarrier;
        SCHEDULER = scheduler;
        CARRIER = carrier;
        VIRTUAL_THREAD = virtualThread;
        FAILURE = failure;
    }

    /** {@code Thread.holder} and its {@code stackSize}; null where this JDK lacks them (stack sizes then read as 0). */
    private static final VarHandle HOLDER;
    private static final VarHandle HOLDER_STACK_SIZE;
    /** {@code Thread.start()} itself, not a subclass's override: a {@code super.start()} from outside the subclass. */
    private static final MethodHandle THREAD_START;

    static {
        VarHandle holder = null, stackSize = null;
        MethodHandle start = null;
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
            start = lookup.findSpecial(Thread.class, "start", MethodType.methodType(void.class), Thread.class);
            Class<?> fieldHolder = Class.forName("java.lang.Thread$FieldHolder");
            holder = lookup.findVarHandle(Thread.class, "holder", fieldHolder);
            stackSize = MethodHandles.privateLookupIn(fieldHolder, MethodHandles.lookup())
                    .findVarHandle(fieldHolder, "stackSize", long.class);
        } catch (ReflectiveOperationException | RuntimeException absent) {
            holder = null;
            stackSize = null;
        }
        HOLDER = holder;
        HOLDER_STACK_SIZE = stackSize;
        THREAD_START = start;
    }

    private VirtualThreads() {}

    /**
     * The JDK's own scheduler of virtual threads ({@code VirtualThread.defaultScheduler()}), for a virtual thread the
     * JDK makes for itself that must not inherit a green maker's hub (its socket pollers).
     */
    public static Executor jdkDefaultScheduler() {
        return JdkDefaultScheduler.SCHEDULER;
    }

    private static final class JdkDefaultScheduler {
        static final Executor SCHEDULER;

        static {
            ensureAvailable();
            try {
                MethodHandle get = MethodHandles.privateLookupIn(VIRTUAL_THREAD, MethodHandles.lookup())
                        .findStatic(VIRTUAL_THREAD, "defaultScheduler", MethodType.methodType(Executor.class));
                SCHEDULER = (Executor) get.invokeExact();
            } catch (Throwable e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /**
     * The stack size a platform thread was created with ({@code new Thread(group, task, name, stackSize)},
     * {@code Thread.ofPlatform().stackSize(n)}); 0 for the JVM's default, for a virtual thread, or where it cannot be
     * read.
     */
    public static long stackSizeOf(Thread thread) {
        if (thread.isVirtual() || HOLDER_STACK_SIZE == null) {
            return 0;
        }
        Object holder = HOLDER.get(thread);
        return holder == null ? 0 : (long) HOLDER_STACK_SIZE.get(holder);
    }

    /**
     * Starts {@code thread} as the JDK's {@code Thread.start()} does, a platform thread for a platform {@code Thread},
     * bypassing a subclass's {@code start()} override (whose {@code super.start()} brought us here). Only called
     * where {@link #stackSizeOf} read a stack size, so through the same opening.
     */
    public static void startAsThreadStarts(Thread thread) {
        try {
            THREAD_START.invokeExact(thread);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private static String openTo(Module runtime) {
        return runtime.isNamed() ? runtime.getName() : "ALL-UNNAMED";
    }

    /** Throws the door's failure, naming the missing JVM option, if it is shut. */
    public static void ensureAvailable() {
        if (FAILURE != null) {
            throw new IllegalStateException(FAILURE.getMessage(), FAILURE.getCause());
        }
    }

    /** A virtual-thread builder whose threads are scheduled by {@code scheduler}. */
    public static Thread.Builder.OfVirtual builder(Executor scheduler) {
        ensureAvailable();
        try {
            return (Thread.Builder.OfVirtual) NEW_BUILDER.invokeExact(scheduler);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** The platform thread the current code runs on: itself for a platform thread, the carrier for a virtual one. */
    public static Thread currentCarrierThread() {
        try {
            return (Thread) CURRENT_CARRIER.invokeExact();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** The scheduler of a virtual thread, or {@code null} for a platform thread. */
    public static Executor schedulerOf(Thread thread) {
        if (!thread.isVirtual() || SCHEDULER == null) {
            return null;
        }
        return (Executor) SCHEDULER.get(thread);
    }

    /** The carrier a virtual thread is mounted on now, or {@code null}. */
    public static Thread carrierOf(Thread thread) {
        return thread.isVirtual() && CARRIER != null && VIRTUAL_THREAD.isInstance(thread) ? (Thread) CARRIER.get(thread) : null;
    }
}
