package io.greening.patch;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The {@code threads} group: threads and pools started in selected code run green. See {@link GreenThreads} for how a
 * started {@code Thread} object maps to its green stand-in; the methods taking a {@code Thread} first consult that map
 * and otherwise call the JDK method on the object itself.
 */
public final class ThreadPatches {
    private ThreadPatches() {}

    /** Overrides of {@code start()}: such a thread's own {@code start()} runs, and its {@code super.start()} is greened. */
    private static final ClassValue<Boolean> OVERRIDES_START = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            try {
                return type.getMethod("start").getDeclaringClass() != Thread.class;
            } catch (NoSuchMethodException impossible) {
                return false;
            }
        }
    };

    /** {@code thread.start()}: runs {@code thread.run()} on a green thread. */
    public static void start(Thread thread) {
        if (thread.isVirtual() || OVERRIDES_START.get(thread.getClass())) {
            thread.start();
            return;
        }
        GreenThreads.startStandIn(thread);
    }

    /** {@code super.start()} in a {@code Thread} subclass. */
    public static void startSuper(Thread thread) {
        GreenThreads.startStandIn(thread);
    }

    /**
     * {@code thread.join()}; a blocking point of green threads, as the {@code waits} group's calls are. A platform
     * thread (a shutdown hook) joining a green thread stops waiting once the JVM is shutting down and the green
     * thread's hub is held in a native call by another ({@link ShutdownJoins}).
     */
    public static void join(Thread thread) throws InterruptedException {
        Thread running = target(thread);
        if (ShutdownJoins.applies(running)) {
            ShutdownJoins.join(running);
        } else {
            WaitPatches.interruptiblyVoid(running::join);
        }
    }

    /** {@code thread.join(millis)}. */
    public static void join(Thread thread, long millis) throws InterruptedException {
        Thread target = target(thread);
        WaitPatches.interruptiblyVoid(() -> target.join(millis));
    }

    /** {@code thread.join(millis, nanos)}. */
    public static void join(Thread thread, long millis, int nanos) throws InterruptedException {
        Thread target = target(thread);
        WaitPatches.interruptiblyVoid(() -> target.join(millis, nanos));
    }

    /** {@code thread.join(duration)}. */
    public static boolean join(Thread thread, Duration duration) throws InterruptedException {
        Thread target = target(thread);
        return WaitPatches.interruptibly(() -> target.join(duration));
    }

    /** {@code thread.isAlive()}. */
    public static boolean isAlive(Thread thread) {
        return target(thread).isAlive();
    }

    /** {@code thread.interrupt()}. */
    public static void interrupt(Thread thread) {
        target(thread).interrupt();
    }

    /** {@code thread.isInterrupted()}. */
    public static boolean isInterrupted(Thread thread) {
        return target(thread).isInterrupted();
    }

    /** {@code thread.getState()}. */
    public static Thread.State getState(Thread thread) {
        return target(thread).getState();
    }

    /** {@code thread.setDaemon(on)}: on a green thread (always daemon to the JDK) it only records nothing, never throws. */
    public static void setDaemon(Thread thread, boolean on) {
        if (!thread.isVirtual()) {
            thread.setDaemon(on);
        }
    }

    private static Thread target(Thread thread) {
        return GreenThreads.runningFor(thread);
    }

    // ---- identity: in selected code the current thread is the Thread object the app started ----

    /**
     * {@code Thread.currentThread()}: on a stand-in, the {@code Thread} object selected code started (or its factory
     * made), so that {@code Thread.currentThread() == this} holds in a {@code Thread} subclass's {@code run()}; else
     * the current thread. The JDK's own code (and {@code ThreadLocal}, monitors, {@code Thread.holdsLock}) still sees
     * the green thread; the patches below keep the two views in step.
     */
    public static Thread currentThread() {
        return GreenThreads.identityOfCurrent();
    }

    /** {@code thread.setName(name)}: renames the green thread running for it too, for dumps and the JDK's view. */
    public static void setName(Thread thread, String name) {
        thread.setName(name);
        Thread running = target(thread);
        if (running != thread) {
            running.setName(name);
        }
    }

    /** {@code thread.getContextClassLoader()}: the loader of the green thread running for it, which the JDK reads. */
    public static ClassLoader getContextClassLoader(Thread thread) {
        return target(thread).getContextClassLoader();
    }

    /** {@code thread.setContextClassLoader(loader)}: sets it on the green thread running for it too. */
    public static void setContextClassLoader(Thread thread, ClassLoader loader) {
        thread.setContextClassLoader(loader);
        Thread running = target(thread);
        if (running != thread) {
            running.setContextClassLoader(loader);
        }
    }

    /**
     * {@code thread.getStackTrace()}: the stack of the green thread running for it. For the current thread the trace
     * has the JDK's shape, {@code Thread.getStackTrace} first and then its caller (callers that skip a fixed number of
     * frames to find themselves still do): this method's own frame is taken out.
     */
    public static StackTraceElement[] getStackTrace(Thread thread) {
        Thread running = target(thread);
        StackTraceElement[] trace = running.getStackTrace();
        if (running != Thread.currentThread() || trace.length < 2) {
            return trace;
        }
        StackTraceElement[] shaped = new StackTraceElement[trace.length - 1];
        shaped[0] = trace[0];
        System.arraycopy(trace, 2, shaped, 1, trace.length - 2);
        return shaped;
    }

    /** {@code LockSupport.unpark(thread)}: a waiter that saved {@code Thread.currentThread()} is woken where it parks. */
    public static void unpark(Thread thread) {
        LockSupport.unpark(thread == null ? null : target(thread));
    }

    // ---- Thread.Builder ----

    /** {@code builder.start(task)}: a platform builder's thread runs green. */
    public static Thread start(Thread.Builder builder, Runnable task) {
        if (!(builder instanceof Thread.Builder.OfPlatform)) {
            return builder.start(task);
        }
        Thread thread = builder.unstarted(task);
        GreenThreads.startStandIn(thread);
        return thread;
    }

    /** {@code builder.start(task)} on a {@code Thread.Builder.OfPlatform}. */
    public static Thread start(Thread.Builder.OfPlatform builder, Runnable task) {
        return start((Thread.Builder) builder, task);
    }

    /** {@code builder.factory()}: a platform builder's factory makes green threads. */
    public static ThreadFactory factory(Thread.Builder builder) {
        ThreadFactory factory = builder.factory();
        return builder instanceof Thread.Builder.OfPlatform ? GreenThreads.greenFactory(factory) : factory;
    }

    /** {@code builder.factory()} on a {@code Thread.Builder.OfPlatform}. */
    public static ThreadFactory factory(Thread.Builder.OfPlatform builder) {
        return factory((Thread.Builder) builder);
    }

    // ---- Executors and pools: green workers, same limits ----

    /** {@code Executors.defaultThreadFactory()}. */
    public static ThreadFactory defaultThreadFactory() {
        return GreenThreads.greenFactory(Executors.defaultThreadFactory());
    }

    /** {@code Executors.newFixedThreadPool(n)}. */
    public static ExecutorService newFixedThreadPool(int threads) {
        return Executors.newFixedThreadPool(threads, defaultThreadFactory());
    }

    /** {@code Executors.newFixedThreadPool(n, factory)}. */
    public static ExecutorService newFixedThreadPool(int threads, ThreadFactory factory) {
        return Executors.newFixedThreadPool(threads, GreenThreads.greenFactory(factory));
    }

    /** {@code Executors.newCachedThreadPool()}. */
    public static ExecutorService newCachedThreadPool() {
        return Executors.newCachedThreadPool(defaultThreadFactory());
    }

    /** {@code Executors.newCachedThreadPool(factory)}. */
    public static ExecutorService newCachedThreadPool(ThreadFactory factory) {
        return Executors.newCachedThreadPool(GreenThreads.greenFactory(factory));
    }

    /** {@code Executors.newSingleThreadExecutor()}. */
    public static ExecutorService newSingleThreadExecutor() {
        return Executors.newSingleThreadExecutor(defaultThreadFactory());
    }

    /** {@code Executors.newSingleThreadExecutor(factory)}. */
    public static ExecutorService newSingleThreadExecutor(ThreadFactory factory) {
        return Executors.newSingleThreadExecutor(GreenThreads.greenFactory(factory));
    }

    /** {@code Executors.newScheduledThreadPool(n)}. */
    public static ScheduledExecutorService newScheduledThreadPool(int threads) {
        return Executors.newScheduledThreadPool(threads, defaultThreadFactory());
    }

    /** {@code Executors.newScheduledThreadPool(n, factory)}. */
    public static ScheduledExecutorService newScheduledThreadPool(int threads, ThreadFactory factory) {
        return Executors.newScheduledThreadPool(threads, GreenThreads.greenFactory(factory));
    }

    /** {@code Executors.newSingleThreadScheduledExecutor()}. */
    public static ScheduledExecutorService newSingleThreadScheduledExecutor() {
        return Executors.newSingleThreadScheduledExecutor(defaultThreadFactory());
    }

    /** {@code Executors.newSingleThreadScheduledExecutor(factory)}. */
    public static ScheduledExecutorService newSingleThreadScheduledExecutor(ThreadFactory factory) {
        return Executors.newSingleThreadScheduledExecutor(GreenThreads.greenFactory(factory));
    }

    /** {@code new ThreadPoolExecutor(core, max, keepAlive, unit, queue)}. */
    public static ThreadPoolExecutor newThreadPoolExecutor(int core, int max, long keepAlive, TimeUnit unit,
                                                           BlockingQueue<Runnable> queue) {
        return new ThreadPoolExecutor(core, max, keepAlive, unit, queue, defaultThreadFactory());
    }

    /** {@code new ThreadPoolExecutor(core, max, keepAlive, unit, queue, handler)}. */
    public static ThreadPoolExecutor newThreadPoolExecutor(int core, int max, long keepAlive, TimeUnit unit,
                                                           BlockingQueue<Runnable> queue, RejectedExecutionHandler handler) {
        return new ThreadPoolExecutor(core, max, keepAlive, unit, queue, defaultThreadFactory(), handler);
    }

    /** {@code new ThreadPoolExecutor(core, max, keepAlive, unit, queue, factory)}. */
    public static ThreadPoolExecutor newThreadPoolExecutor(int core, int max, long keepAlive, TimeUnit unit,
                                                           BlockingQueue<Runnable> queue, ThreadFactory factory) {
        return new ThreadPoolExecutor(core, max, keepAlive, unit, queue, GreenThreads.greenFactory(factory));
    }

    /** {@code new ThreadPoolExecutor(core, max, keepAlive, unit, queue, factory, handler)}. */
    public static ThreadPoolExecutor newThreadPoolExecutor(int core, int max, long keepAlive, TimeUnit unit,
                                                           BlockingQueue<Runnable> queue, ThreadFactory factory,
                                                           RejectedExecutionHandler handler) {
        return new ThreadPoolExecutor(core, max, keepAlive, unit, queue, GreenThreads.greenFactory(factory), handler);
    }

    /** {@code new ScheduledThreadPoolExecutor(core)}. */
    public static ScheduledThreadPoolExecutor newScheduledThreadPoolExecutor(int core) {
        return new ScheduledThreadPoolExecutor(core, defaultThreadFactory());
    }

    /** {@code new ScheduledThreadPoolExecutor(core, handler)}. */
    public static ScheduledThreadPoolExecutor newScheduledThreadPoolExecutor(int core, RejectedExecutionHandler handler) {
        return new ScheduledThreadPoolExecutor(core, defaultThreadFactory(), handler);
    }

    /** {@code new ScheduledThreadPoolExecutor(core, factory)}. */
    public static ScheduledThreadPoolExecutor newScheduledThreadPoolExecutor(int core, ThreadFactory factory) {
        return new ScheduledThreadPoolExecutor(core, GreenThreads.greenFactory(factory));
    }

    /** {@code new ScheduledThreadPoolExecutor(core, factory, handler)}. */
    public static ScheduledThreadPoolExecutor newScheduledThreadPoolExecutor(int core, ThreadFactory factory,
                                                                             RejectedExecutionHandler handler) {
        return new ScheduledThreadPoolExecutor(core, GreenThreads.greenFactory(factory), handler);
    }
}
