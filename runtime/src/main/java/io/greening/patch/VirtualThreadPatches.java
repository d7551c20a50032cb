package io.greening.patch;

import io.greening.Hub;
import io.greening.internal.AgentSelection;
import io.greening.internal.ThreadRecord;
import io.greening.internal.ThreadRegistry;
import io.greening.internal.VirtualThreads;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.LongAdder;

/**
 * The app's own JDK virtual threads, green. Every virtual thread the JDK makes, through {@code Thread.ofVirtual()}'s
 * builder or its factory, {@code Thread.startVirtualThread} or {@code Executors.newVirtualThreadPerTaskExecutor()},
 * directly or reflectively (Tomcat's and Jetty's virtual-thread executors call {@code Thread.ofVirtual()} through
 * reflection), is made in one JDK method, {@code ThreadBuilders.newVirtualThread(scheduler, name, characteristics,
 * task)}; the agent retransforms its three callers so that it comes here ({@link #newVirtualThread}). A virtual thread
 * without a scheduler of its own is then made as follows:
 * <ul>
 *   <li>made by a green thread: on that thread's hub or group, as the JDK would (it inherits its maker's scheduler),
 *       and registered (thread dump, stall and deadlock reports, a hub's quiet);</li>
 *   <li>made by a platform thread in code the agent selected (the first caller outside the JDK's thread-making classes
 *       and greening's): on the agent's hubs ({@link Hubs#scheduler()}: its work-stealing group, or the one hub of a
 *       seeded schedule or virtual clock), registered;</li>
 *   <li>otherwise (code not selected, the JDK's own socket pollers, no agent): the JDK's default scheduler, unchanged;
 *       the JDK's socket pollers also when a green thread starts them (its first wait on a JDK socket), so that the
 *       first hub need not start them beforehand.</li>
 * </ul>
 * A builder with a scheduler of its own (greening's own, or the app's) is left alone. Green or not, a virtual thread
 * stays a virtual thread ({@code isVirtual()}), with its name, thread-locals setting and uncaught-exception handler.
 *
 * <p>The rows inside the JDK are applied before the first hub is made. The call rows in selected code make sure of
 * the hubs first: {@link #ofVirtual()} starts them, so that the JDK row is in place when its builder is used by an app
 * that has made no green thread yet; {@link #startVirtualThread} and {@link #newVirtualThreadPerTaskExecutor()} make
 * their threads here, as selected code's, without a stack walk.
 */
public final class VirtualThreadPatches {
    private static final MethodHandle JDK_NEW_VIRTUAL_THREAD;   // ThreadBuilders.newVirtualThread
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    /** Virtual threads made green here, for the exit report: by green threads, and moved off the JDK's scheduler. */
    private static final LongAdder MADE_BY_GREEN = new LongAdder();
    private static final LongAdder MOVED_TO_HUBS = new LongAdder();

    static {
        try {
            Class<?> builders = Class.forName("java.lang.ThreadBuilders");
            JDK_NEW_VIRTUAL_THREAD = MethodHandles.privateLookupIn(builders, MethodHandles.lookup()).findStatic(builders,
                    "newVirtualThread", MethodType.methodType(Thread.class, Executor.class, String.class, int.class, Runnable.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private VirtualThreadPatches() {}

    /** {@code Thread.ofVirtual()}: the JDK's builder, once greening is set up (see the class comment). */
    public static Thread.Builder.OfVirtual ofVirtual() {
        setUpHubs();
        return Thread.ofVirtual();
    }

    /**
     * {@code Thread.startVirtualThread(task)}: made here, without the walk of {@link #newVirtualThread}, since
     * selected code calls it.
     */
    public static Thread startVirtualThread(Runnable task) {
        if (!AgentSelection.isInstalled()) {
            return Thread.startVirtualThread(task);
        }
        Thread thread = make(null, null, 0, Objects.requireNonNull(task), true);
        thread.start();
        return thread;
    }

    /**
     * {@code Executors.newVirtualThreadPerTaskExecutor()}: the JDK's executor (as the JDK makes it, a thread per task
     * from a virtual-thread factory), whose factory makes its threads as selected code's.
     */
    public static ExecutorService newVirtualThreadPerTaskExecutor() {
        if (!AgentSelection.isInstalled()) {
            return Executors.newVirtualThreadPerTaskExecutor();
        }
        return Executors.newThreadPerTaskExecutor(SELECTED_CODES_FACTORY);
    }

    /** The factory of {@link #newVirtualThreadPerTaskExecutor()}: unnamed virtual threads, as the JDK's. */
    private static final ThreadFactory SELECTED_CODES_FACTORY = task -> make(null, null, 0, Objects.requireNonNull(task), true);

    /** Starts the agent's hubs (and so applies the rows inside the JDK) if the agent is here and they are not up yet. */
    private static void setUpHubs() {
        if (AgentSelection.isInstalled() && !Thread.currentThread().isVirtual()) {
            Hubs.scheduler();
        }
    }

    /**
     * {@code ThreadBuilders.newVirtualThread(scheduler, name, characteristics, task)} inside the JDK: the one place
     * where a virtual thread is made. See the class comment for when it is made green.
     */
    public static Thread newVirtualThread(Executor scheduler, String name, int characteristics, Runnable task) {
        return make(scheduler, name, characteristics, task, false);
    }

    /**
     * Makes a virtual thread as the JDK's {@code ThreadBuilders.newVirtualThread} does, green as the class comment
     * says; {@code inSelectedCode} when the caller knows that selected code asks (a call row), which spares the walk.
     */
    private static Thread make(Executor scheduler, String name, int characteristics, Runnable task, boolean inSelectedCode) {
        Executor chosen = scheduler;
        Runnable body = task;
        if (scheduler == null && task != null) {
            Thread maker = Thread.currentThread();
            if (maker.isVirtual()) {
                if (isJdkSocketPoller(name)) {
                    chosen = VirtualThreads.jdkDefaultScheduler();   // started by a green thread's first JDK socket wait
                } else if (Hub.of(maker) != null) {
                    body = new Registered(task);   // the JDK gives it its maker's hub
                    MADE_BY_GREEN.increment();
                }
            } else if (inSelectedCode || AgentSelection.selects(makingClass())) {
                chosen = Hubs.scheduler();
                body = new Registered(task);
                MOVED_TO_HUBS.increment();
            }
        }
        try {
            return (Thread) JDK_NEW_VIRTUAL_THREAD.invokeExact(chosen, name, characteristics, body);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable impossible) {   // the JDK method throws no checked exception
            throw new IllegalStateException(impossible);
        }
    }

    /**
     * Whether the thread being made is one of the JDK's socket pollers ({@code sun.nio.ch.Poller}, which names them
     * {@code SubPoller-<n>} and starts them on its first use): they belong on the JDK's own scheduler, not on the hub
     * of a green thread that happens to use a JDK socket first. The name spares the stack walk for any other thread.
     */
    private static boolean isJdkSocketPoller(String name) {
        if (name == null || !name.startsWith("SubPoller-")) {
            return false;
        }
        Class<?> making = makingClass();
        return making != null && making.getName().startsWith("sun.nio.ch.Poller");
    }

    /**
     * The exit report's line on the app's own virtual threads, e.g. {@code 400 (made by platform threads in selected
     * code: 3; by green threads: 397)}; null if none was made green.
     */
    public static String madeGreen() {
        long moved = MOVED_TO_HUBS.sum(), byGreen = MADE_BY_GREEN.sum();
        return moved + byGreen == 0 ? null
                : (moved + byGreen) + " (made by platform threads in selected code: " + moved + "; by green threads: " + byGreen + ")";
    }

    /**
     * The class whose code asked for the thread: the first caller that is not part of making threads (the JDK's
     * {@code java.lang.Thread*}, {@code java.util.concurrent} executors and factories, reflection, and greening's patches, through which selected code's
     * rewritten calls reach the builder).
     * Reflection's own frames are not shown by the walker, so a reflective call finds the class that made it.
     */
    private static Class<?> makingClass() {
        return WALKER.walk(frames -> {
            Iterator<StackWalker.StackFrame> it = frames.iterator();
            while (it.hasNext()) {
                Class<?> type = it.next().getDeclaringClass();
                if (!makesThreads(type)) {
                    return type;
                }
            }
            return null;
        });
    }

    private static boolean makesThreads(Class<?> type) {
        String name = type.getName();
        return name.startsWith("java.lang.Thread") || name.startsWith("java.util.concurrent.")
                || name.startsWith("java.lang.reflect.") || name.startsWith("jdk.internal.reflect.")
                || name.startsWith("java.lang.invoke.") || name.startsWith("io.greening.patch.");
    }

    /** A virtual thread's task that registers the thread as green while it runs. */
    private record Registered(Runnable task) implements Runnable {
        @Override
        public void run() {
            ThreadRecord record = ThreadRegistry.enter("virtual thread");
            try {
                task.run();
            } finally {
                ThreadRegistry.exit(record);
            }
        }
    }
}
