package io.greening.agent;

import io.greening.internal.PatchGroup;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.greening.internal.PatchGroup.CLOCKS;
import static io.greening.internal.PatchGroup.DNS;
import static io.greening.internal.PatchGroup.FILE_IO;
import static io.greening.internal.PatchGroup.MAIN;
import static io.greening.internal.PatchGroup.SLEEPS;
import static io.greening.internal.PatchGroup.SOCKETS;
import static io.greening.internal.PatchGroup.THREADS;
import static io.greening.internal.PatchGroup.TIMED_WAITS;
import static io.greening.internal.PatchGroup.WAITS;
import static org.objectweb.asm.Opcodes.INVOKEINTERFACE;
import static org.objectweb.asm.Opcodes.INVOKESPECIAL;
import static org.objectweb.asm.Opcodes.INVOKESTATIC;
import static org.objectweb.asm.Opcodes.INVOKEVIRTUAL;

/**
 * THE rewrite table: every change the agent makes to bytecode, one row each, and the runtime method it calls. A new
 * patch is one row here plus one public static method in {@code io.greening.patch}; {@code RewritesTest} checks
 * every row against the JDK and the runtime.
 *
 * <h2>Row format</h2>
 * <pre>{@code
 * call(GROUP, OPCODE, "jdk/Owner", "name", "(jdk descriptor)R", "PatchClass#method"),
 * constructor(GROUP, "jdk/Owner", "(ctor args)V", "PatchClass#method"),
 * insideJdk(GROUP, List.of("java/base/Class", ...), OPCODE, "jdk/Owner", "name", "(descriptor)R", "PatchClass#method"),
 * onEach(GROUP, List.of("jdk/Interface", "jdk/Class", ...), "name", "(jdk descriptor)R", "PatchClass#method"),
 * monitorEntry(GROUP, "PatchClass#method"),
 * mainPrologue("PatchClass#method"),
 * }</pre>
 * <ul>
 *   <li>{@code call}: in a selected class, a call site {@code OPCODE owner.name descriptor} (OPCODE one of
 *       {@code INVOKESTATIC}, {@code INVOKEVIRTUAL}, {@code INVOKEINTERFACE}, {@code INVOKESPECIAL}) becomes
 *       {@code INVOKESTATIC io/greening/patch/PatchClass.method}, whose descriptor is the row's descriptor with, for
 *       an instance call, the owner type put first (the receiver). Example: {@code INVOKEVIRTUAL java/lang/Thread.join
 *       (J)V} -> {@code ThreadPatches.join(Ljava/lang/Thread;J)V}. Instance rows also match call sites whose owner
 *       is a subtype of the row's owner ({@code myThread.join()} compiles to {@code MyThread.join}).
 *       {@code .receivedAs(type)} makes the patch method take a supertype of the owner as its receiver.</li>
 *   <li>{@code onEach}: a call row per owner, the interface (invokeinterface) and the JDK classes implementing it
 *       (invokevirtual: a call site names the static type of its receiver), all received as the interface, so that one
 *       patch method serves them.</li>
 *   <li>{@code monitorEntry}: in a selected class, right after each {@code synchronized} block has entered its monitor
 *       (inside the exception range that releases it) and at the start of each {@code synchronized} method, a call of
 *       the patch method, {@code ()V}.</li>
 *   <li>{@code constructor}: in a selected class, {@code new Owner(args)} becomes {@code PatchClass.method(args)}, a
 *       static method with the constructor's arguments returning {@code Owner}. Only {@code new} expressions are
 *       rewritten, not {@code super(...)} calls in subclasses.</li>
 *   <li>{@code insideJdk}: the same as {@code call}, but inside the listed JDK classes, all of one module (instructions
 *       only). Those of {@code java.base} the agent retransforms before the first hub; those of another module
 *       ({@code java.net.http}) it rewrites as they load, from its set-up on (retransformed if already loaded), after
 *       having that module read the runtime ({@link JdkCallSites}). {@code .receivedAs(type)} names the patch method's
 *       receiver type when the owner is not public; {@code .underVirtualClockOnly()} applies the row only with
 *       {@code clock=virtual}.</li>
 *   <li>{@code mainPrologue}: with {@code main=green}, the main class's {@code public static void main(String[])}
 *       begins with {@code if (PatchClass.method(args, Main.class)) return;}.</li>
 *   <li>{@code GROUP}: the {@link PatchGroup} that turns the row on: a {@code patch=} value, or {@code MAIN} for
 *       {@code main=green}.</li>
 * </ul>
 * The runtime method must be public, static, in {@code io.greening.patch}, and behave as the JDK call everywhere but
 * on a green thread.
 */
public final class Rewrites {
    /** The internal name of the package holding the patch classes. */
    public static final String PATCH_PACKAGE = "io/greening/patch/";

    /** {@code Lock} and the JDK's locks: their call sites name the interface or the class. */
    private static final List<String> LOCKS = List.of("java/util/concurrent/locks/Lock",
            "java/util/concurrent/locks/ReentrantLock", "java/util/concurrent/locks/ReentrantReadWriteLock$ReadLock",
            "java/util/concurrent/locks/ReentrantReadWriteLock$WriteLock");
    /**
     * {@code BlockingQueue} (its sub-interfaces match it) and the JDK's blocking queues; not {@code DelayQueue}, whose
     * methods erase to {@code Delayed} (its call sites through {@code BlockingQueue} match).
     */
    private static final List<String> BLOCKING_QUEUES = List.of("java/util/concurrent/BlockingQueue",
            "java/util/concurrent/LinkedBlockingQueue", "java/util/concurrent/ArrayBlockingQueue",
            "java/util/concurrent/LinkedBlockingDeque", "java/util/concurrent/PriorityBlockingQueue",
            "java/util/concurrent/SynchronousQueue", "java/util/concurrent/LinkedTransferQueue");
    /** {@code Future} and the JDK's futures. */
    private static final List<String> FUTURES = List.of("java/util/concurrent/Future", "java/util/concurrent/FutureTask",
            "java/util/concurrent/CompletableFuture");

    /** Every row. */
    public static final List<Rewrite> ALL = rows(
            // ---- threads: io.greening.patch.ThreadPatches ----
            call(THREADS, INVOKEVIRTUAL, "java/lang/Thread", "start", "()V", "ThreadPatches#start"),
            call(THREADS, INVOKESPECIAL, "java/lang/Thread", "start", "()V", "ThreadPatches#startSuper"),
            call(THREADS, INVOKEVIRTUAL, "java/lang/Thread", "join", "()V", "ThreadPatches#join"),
            call(THREADS, INVOKEVIRTUAL, "java/lang/Thread", "join", "(J)V", "ThreadPatches#join"),
            call(THREADS, INVOKEVIRTUAL, "java/lang/Thread", "join", "(JI)V", "ThreadPatches#join"),
            call(THREADS, INVOKEVIRTUAL, "java/lang/Thread", "join", "(Ljava/time/Duration;)Z", "ThreadPatches#join"),
            call(THREADS, INVOKEVIRTUAL, "java/lang/Thread", "isAlive", "()Z", "ThreadPatches#isAlive"),
            call(THREADS, INVOKEVIRTUAL, "java/lang/Thread", "interrupt", "()V", "ThreadPatches#interrupt"),
            call(THREADS, INVOKEVIRTUAL, "java/lang/Thread", "isInterrupted", "()Z", "ThreadPatches#isInterrupted"),
            call(THREADS, INVOKEVIRTUAL, "java/lang/Thread", "getState", "()Ljava/lang/Thread$State;", "ThreadPatches#getState"),
            call(THREADS, INVOKEVIRTUAL, "java/lang/Thread", "setDaemon", "(Z)V", "ThreadPatches#setDaemon"),
            // identity: in selected code the current thread of a stand-in is the Thread object the app started, and
            // the calls that would see the difference reach the green thread running for it
            call(THREADS, INVOKESTATIC, "java/lang/Thread", "currentThread", "()Ljava/lang/Thread;", "ThreadPatches#currentThread"),
            call(THREADS, INVOKEVIRTUAL, "java/lang/Thread", "setName", "(Ljava/lang/String;)V", "ThreadPatches#setName"),
            call(THREADS, INVOKEVIRTUAL, "java/lang/Thread", "getContextClassLoader", "()Ljava/lang/ClassLoader;", "ThreadPatches#getContextClassLoader"),
            call(THREADS, INVOKEVIRTUAL, "java/lang/Thread", "setContextClassLoader", "(Ljava/lang/ClassLoader;)V", "ThreadPatches#setContextClassLoader"),
            call(THREADS, INVOKEVIRTUAL, "java/lang/Thread", "getStackTrace", "()[Ljava/lang/StackTraceElement;", "ThreadPatches#getStackTrace"),
            call(THREADS, INVOKESTATIC, "java/util/concurrent/locks/LockSupport", "unpark", "(Ljava/lang/Thread;)V", "ThreadPatches#unpark"),
            call(THREADS, INVOKEINTERFACE, "java/lang/Thread$Builder", "start", "(Ljava/lang/Runnable;)Ljava/lang/Thread;", "ThreadPatches#start"),
            call(THREADS, INVOKEINTERFACE, "java/lang/Thread$Builder$OfPlatform", "start", "(Ljava/lang/Runnable;)Ljava/lang/Thread;", "ThreadPatches#start"),
            call(THREADS, INVOKEINTERFACE, "java/lang/Thread$Builder", "factory", "()Ljava/util/concurrent/ThreadFactory;", "ThreadPatches#factory"),
            call(THREADS, INVOKEINTERFACE, "java/lang/Thread$Builder$OfPlatform", "factory", "()Ljava/util/concurrent/ThreadFactory;", "ThreadPatches#factory"),
            call(THREADS, INVOKESTATIC, "java/util/concurrent/Executors", "defaultThreadFactory", "()Ljava/util/concurrent/ThreadFactory;", "ThreadPatches#defaultThreadFactory"),
            call(THREADS, INVOKESTATIC, "java/util/concurrent/Executors", "newFixedThreadPool", "(I)Ljava/util/concurrent/ExecutorService;", "ThreadPatches#newFixedThreadPool"),
            call(THREADS, INVOKESTATIC, "java/util/concurrent/Executors", "newFixedThreadPool", "(ILjava/util/concurrent/ThreadFactory;)Ljava/util/concurrent/ExecutorService;", "ThreadPatches#newFixedThreadPool"),
            call(THREADS, INVOKESTATIC, "java/util/concurrent/Executors", "newCachedThreadPool", "()Ljava/util/concurrent/ExecutorService;", "ThreadPatches#newCachedThreadPool"),
            call(THREADS, INVOKESTATIC, "java/util/concurrent/Executors", "newCachedThreadPool", "(Ljava/util/concurrent/ThreadFactory;)Ljava/util/concurrent/ExecutorService;", "ThreadPatches#newCachedThreadPool"),
            call(THREADS, INVOKESTATIC, "java/util/concurrent/Executors", "newSingleThreadExecutor", "()Ljava/util/concurrent/ExecutorService;", "ThreadPatches#newSingleThreadExecutor"),
            call(THREADS, INVOKESTATIC, "java/util/concurrent/Executors", "newSingleThreadExecutor", "(Ljava/util/concurrent/ThreadFactory;)Ljava/util/concurrent/ExecutorService;", "ThreadPatches#newSingleThreadExecutor"),
            call(THREADS, INVOKESTATIC, "java/util/concurrent/Executors", "newScheduledThreadPool", "(I)Ljava/util/concurrent/ScheduledExecutorService;", "ThreadPatches#newScheduledThreadPool"),
            call(THREADS, INVOKESTATIC, "java/util/concurrent/Executors", "newScheduledThreadPool", "(ILjava/util/concurrent/ThreadFactory;)Ljava/util/concurrent/ScheduledExecutorService;", "ThreadPatches#newScheduledThreadPool"),
            call(THREADS, INVOKESTATIC, "java/util/concurrent/Executors", "newSingleThreadScheduledExecutor", "()Ljava/util/concurrent/ScheduledExecutorService;", "ThreadPatches#newSingleThreadScheduledExecutor"),
            call(THREADS, INVOKESTATIC, "java/util/concurrent/Executors", "newSingleThreadScheduledExecutor", "(Ljava/util/concurrent/ThreadFactory;)Ljava/util/concurrent/ScheduledExecutorService;", "ThreadPatches#newSingleThreadScheduledExecutor"),
            constructor(THREADS, "java/util/concurrent/ThreadPoolExecutor", "(IIJLjava/util/concurrent/TimeUnit;Ljava/util/concurrent/BlockingQueue;)V", "ThreadPatches#newThreadPoolExecutor"),
            constructor(THREADS, "java/util/concurrent/ThreadPoolExecutor", "(IIJLjava/util/concurrent/TimeUnit;Ljava/util/concurrent/BlockingQueue;Ljava/util/concurrent/RejectedExecutionHandler;)V", "ThreadPatches#newThreadPoolExecutor"),
            constructor(THREADS, "java/util/concurrent/ThreadPoolExecutor", "(IIJLjava/util/concurrent/TimeUnit;Ljava/util/concurrent/BlockingQueue;Ljava/util/concurrent/ThreadFactory;)V", "ThreadPatches#newThreadPoolExecutor"),
            constructor(THREADS, "java/util/concurrent/ThreadPoolExecutor", "(IIJLjava/util/concurrent/TimeUnit;Ljava/util/concurrent/BlockingQueue;Ljava/util/concurrent/ThreadFactory;Ljava/util/concurrent/RejectedExecutionHandler;)V", "ThreadPatches#newThreadPoolExecutor"),
            constructor(THREADS, "java/util/concurrent/ScheduledThreadPoolExecutor", "(I)V", "ThreadPatches#newScheduledThreadPoolExecutor"),
            constructor(THREADS, "java/util/concurrent/ScheduledThreadPoolExecutor", "(ILjava/util/concurrent/RejectedExecutionHandler;)V", "ThreadPatches#newScheduledThreadPoolExecutor"),
            constructor(THREADS, "java/util/concurrent/ScheduledThreadPoolExecutor", "(ILjava/util/concurrent/ThreadFactory;)V", "ThreadPatches#newScheduledThreadPoolExecutor"),
            // HikariCP's housekeeper: a factory and a DiscardPolicy
            constructor(THREADS, "java/util/concurrent/ScheduledThreadPoolExecutor", "(ILjava/util/concurrent/ThreadFactory;Ljava/util/concurrent/RejectedExecutionHandler;)V", "ThreadPatches#newScheduledThreadPoolExecutor"),
            // the app's own virtual threads (io.greening.patch.VirtualThreadPatches): the one JDK method that makes a virtual
            // thread, called by its builder, its factory and Thread.startVirtualThread, also when reached reflectively
            // (Tomcat's and Jetty's virtual-thread executors); the call rows start the hubs, and so this row, first
            insideJdk(THREADS, List.of("java/lang/Thread", "java/lang/ThreadBuilders$VirtualThreadBuilder",
                            "java/lang/ThreadBuilders$VirtualThreadFactory"),
                    INVOKESTATIC, "java/lang/ThreadBuilders", "newVirtualThread",
                    "(Ljava/util/concurrent/Executor;Ljava/lang/String;ILjava/lang/Runnable;)Ljava/lang/Thread;",
                    "VirtualThreadPatches#newVirtualThread"),
            call(THREADS, INVOKESTATIC, "java/lang/Thread", "ofVirtual", "()Ljava/lang/Thread$Builder$OfVirtual;", "VirtualThreadPatches#ofVirtual"),
            call(THREADS, INVOKESTATIC, "java/lang/Thread", "startVirtualThread", "(Ljava/lang/Runnable;)Ljava/lang/Thread;", "VirtualThreadPatches#startVirtualThread"),
            call(THREADS, INVOKESTATIC, "java/util/concurrent/Executors", "newVirtualThreadPerTaskExecutor", "()Ljava/util/concurrent/ExecutorService;", "VirtualThreadPatches#newVirtualThreadPerTaskExecutor"),
            // the JDK HttpClient's default executor: a client built without .executor(...) makes this pool in its
            // constructor, inside java.net.http, and runs its response handling on it; its workers become green
            // wherever the client is built (Spring's RestClient builds it in code that is rarely selected)
            insideJdk(THREADS, List.of("jdk/internal/net/http/HttpClientImpl"), INVOKESTATIC, "java/util/concurrent/Executors",
                    "newCachedThreadPool", "(Ljava/util/concurrent/ThreadFactory;)Ljava/util/concurrent/ExecutorService;",
                    "ThreadPatches#newCachedThreadPool"),

            // ---- sleeps: io.greening.patch.SleepPatches ----
            call(SLEEPS, INVOKESTATIC, "java/lang/Thread", "sleep", "(J)V", "SleepPatches#sleep"),
            call(SLEEPS, INVOKESTATIC, "java/lang/Thread", "sleep", "(JI)V", "SleepPatches#sleep"),
            call(SLEEPS, INVOKESTATIC, "java/lang/Thread", "sleep", "(Ljava/time/Duration;)V", "SleepPatches#sleep"),
            call(SLEEPS, INVOKEVIRTUAL, "java/util/concurrent/TimeUnit", "sleep", "(J)V", "SleepPatches#sleep"),

            // ---- clocks: io.greening.patch.ClockPatches; they read the hub's time, so they agree with sleeps ----
            call(CLOCKS, INVOKESTATIC, "java/lang/System", "currentTimeMillis", "()J", "ClockPatches#currentTimeMillis"),
            call(CLOCKS, INVOKESTATIC, "java/lang/System", "nanoTime", "()J", "ClockPatches#nanoTime"),
            call(CLOCKS, INVOKESTATIC, "java/time/Instant", "now", "()Ljava/time/Instant;", "ClockPatches#now"),
            call(CLOCKS, INVOKESTATIC, "java/time/Clock", "systemUTC", "()Ljava/time/Clock;", "ClockPatches#systemUTC"),
            call(CLOCKS, INVOKESTATIC, "java/time/Clock", "systemDefaultZone", "()Ljava/time/Clock;", "ClockPatches#systemDefaultZone"),

            // Under clock=virtual, the java.util.concurrent classes whose timed waits re-check System.nanoTime after
            // each park read the hub's clock too. Otherwise such a wait parks on a virtual timer, wakes at once, sees
            // that almost no real time passed and parks again: a busy loop until real time catches up.
            insideJdk(CLOCKS, List.of(
                            "java/util/concurrent/locks/AbstractQueuedSynchronizer",
                            "java/util/concurrent/locks/AbstractQueuedSynchronizer$ConditionObject",
                            "java/util/concurrent/locks/AbstractQueuedLongSynchronizer",
                            "java/util/concurrent/locks/AbstractQueuedLongSynchronizer$ConditionObject",
                            "java/util/concurrent/FutureTask",
                            "java/util/concurrent/CompletableFuture",
                            "java/util/concurrent/CompletableFuture$Signaller",
                            "java/util/concurrent/LinkedTransferQueue$DualNode",   // and SynchronousQueue
                            "java/util/concurrent/Exchanger",
                            "java/util/concurrent/Phaser$QNode",
                            "java/util/concurrent/ScheduledThreadPoolExecutor",
                            "java/util/concurrent/ScheduledThreadPoolExecutor$ScheduledFutureTask"),
                    INVOKESTATIC, "java/lang/System", "nanoTime", "()J", "ClockPatches#nanoTime").underVirtualClockOnly(),
            // Under clock=virtual, a green thread's wait for a socket in the JDK's own poller (code not selected, such as
            // HttpURLConnection) is real I/O in flight, and its timeout an I/O timeout: time gives them a grace and never jumps to their timeout.
            insideJdk(CLOCKS, List.of("sun/nio/ch/Poller"), INVOKESTATIC, "java/util/concurrent/locks/LockSupport", "park",
                    "()V", "IoParks#park").underVirtualClockOnly(),
            insideJdk(CLOCKS, List.of("sun/nio/ch/Poller"), INVOKESTATIC, "java/util/concurrent/locks/LockSupport", "parkNanos",
                    "(J)V", "IoParks#parkNanos").underVirtualClockOnly(),

            // ---- timed-waits: io.greening.patch.VirtualThreadTimers. Blocking itself needs no rows: a JDK 25 virtual
            // thread that blocks on synchronized, Object.wait, j.u.c locks, conditions, semaphores, latches or queues
            // gives its hub's carrier back (LocksOnHubTest). But the timeout of a timed park or wait is set on the
            // JDK's own timer threads, through VirtualThread's private schedule(Runnable, long, TimeUnit). ----
            insideJdk(TIMED_WAITS, List.of("java/lang/VirtualThread"), INVOKEVIRTUAL, "java/lang/VirtualThread", "schedule",
                    "(Ljava/lang/Runnable;JLjava/util/concurrent/TimeUnit;)Ljava/util/concurrent/Future;",
                    "VirtualThreadTimers#schedule").receivedAs("java/lang/Thread"),

            // ---- waits: io.greening.patch.WaitPatches. The JDK's blocking calls as blocking points of green threads: a kill
            // or Timeout raises GreenletExit / GreenTimeout there (through an interrupt, turned back by the patch). A call
            // on an interface and on the JDK classes implementing it (whose call sites name the class) is one row each,
            // all received as the interface. ----
            call(WAITS, INVOKEVIRTUAL, "java/lang/Object", "wait", "()V", "WaitPatches#waitOn"),
            call(WAITS, INVOKEVIRTUAL, "java/lang/Object", "wait", "(J)V", "WaitPatches#waitOn"),
            call(WAITS, INVOKEVIRTUAL, "java/lang/Object", "wait", "(JI)V", "WaitPatches#waitOn"),
            monitorEntry(WAITS, "WaitPatches#monitorEntered"),
            onEach(WAITS, LOCKS, "lock", "()V", "WaitPatches#lock"),
            onEach(WAITS, LOCKS, "lockInterruptibly", "()V", "WaitPatches#lockInterruptibly"),
            onEach(WAITS, LOCKS, "tryLock", "(JLjava/util/concurrent/TimeUnit;)Z", "WaitPatches#tryLock"),
            call(WAITS, INVOKEINTERFACE, "java/util/concurrent/locks/Condition", "await", "()V", "WaitPatches#await"),
            call(WAITS, INVOKEINTERFACE, "java/util/concurrent/locks/Condition", "await", "(JLjava/util/concurrent/TimeUnit;)Z", "WaitPatches#await"),
            call(WAITS, INVOKEINTERFACE, "java/util/concurrent/locks/Condition", "awaitNanos", "(J)J", "WaitPatches#awaitNanos"),
            call(WAITS, INVOKEINTERFACE, "java/util/concurrent/locks/Condition", "awaitUntil", "(Ljava/util/Date;)Z", "WaitPatches#awaitUntil"),
            call(WAITS, INVOKEINTERFACE, "java/util/concurrent/locks/Condition", "awaitUninterruptibly", "()V", "WaitPatches#awaitUninterruptibly"),
            onEach(WAITS, BLOCKING_QUEUES, "put", "(Ljava/lang/Object;)V", "WaitPatches#put"),
            onEach(WAITS, BLOCKING_QUEUES, "take", "()Ljava/lang/Object;", "WaitPatches#take"),
            onEach(WAITS, BLOCKING_QUEUES, "offer", "(Ljava/lang/Object;JLjava/util/concurrent/TimeUnit;)Z", "WaitPatches#offer"),
            onEach(WAITS, BLOCKING_QUEUES, "poll", "(JLjava/util/concurrent/TimeUnit;)Ljava/lang/Object;", "WaitPatches#poll"),
            call(WAITS, INVOKEVIRTUAL, "java/util/concurrent/Semaphore", "acquire", "()V", "WaitPatches#acquire"),
            call(WAITS, INVOKEVIRTUAL, "java/util/concurrent/Semaphore", "acquire", "(I)V", "WaitPatches#acquire"),
            call(WAITS, INVOKEVIRTUAL, "java/util/concurrent/Semaphore", "acquireUninterruptibly", "()V", "WaitPatches#acquireUninterruptibly"),
            call(WAITS, INVOKEVIRTUAL, "java/util/concurrent/Semaphore", "acquireUninterruptibly", "(I)V", "WaitPatches#acquireUninterruptibly"),
            call(WAITS, INVOKEVIRTUAL, "java/util/concurrent/Semaphore", "tryAcquire", "(JLjava/util/concurrent/TimeUnit;)Z", "WaitPatches#tryAcquire"),
            call(WAITS, INVOKEVIRTUAL, "java/util/concurrent/Semaphore", "tryAcquire", "(IJLjava/util/concurrent/TimeUnit;)Z", "WaitPatches#tryAcquire"),
            call(WAITS, INVOKEVIRTUAL, "java/util/concurrent/CountDownLatch", "await", "()V", "WaitPatches#await"),
            call(WAITS, INVOKEVIRTUAL, "java/util/concurrent/CountDownLatch", "await", "(JLjava/util/concurrent/TimeUnit;)Z", "WaitPatches#await"),
            call(WAITS, INVOKEVIRTUAL, "java/util/concurrent/CyclicBarrier", "await", "()I", "WaitPatches#await"),
            call(WAITS, INVOKEVIRTUAL, "java/util/concurrent/CyclicBarrier", "await", "(JLjava/util/concurrent/TimeUnit;)I", "WaitPatches#await"),
            call(WAITS, INVOKEVIRTUAL, "java/util/concurrent/Phaser", "awaitAdvance", "(I)I", "WaitPatches#awaitAdvance"),
            call(WAITS, INVOKEVIRTUAL, "java/util/concurrent/Phaser", "awaitAdvanceInterruptibly", "(I)I", "WaitPatches#awaitAdvanceInterruptibly"),
            call(WAITS, INVOKEVIRTUAL, "java/util/concurrent/Phaser", "awaitAdvanceInterruptibly", "(IJLjava/util/concurrent/TimeUnit;)I", "WaitPatches#awaitAdvanceInterruptibly"),
            call(WAITS, INVOKEVIRTUAL, "java/util/concurrent/Phaser", "arriveAndAwaitAdvance", "()I", "WaitPatches#arriveAndAwaitAdvance"),
            call(WAITS, INVOKEVIRTUAL, "java/util/concurrent/Exchanger", "exchange", "(Ljava/lang/Object;)Ljava/lang/Object;", "WaitPatches#exchange"),
            call(WAITS, INVOKEVIRTUAL, "java/util/concurrent/Exchanger", "exchange", "(Ljava/lang/Object;JLjava/util/concurrent/TimeUnit;)Ljava/lang/Object;", "WaitPatches#exchange"),
            onEach(WAITS, FUTURES, "get", "()Ljava/lang/Object;", "WaitPatches#get"),
            onEach(WAITS, FUTURES, "get", "(JLjava/util/concurrent/TimeUnit;)Ljava/lang/Object;", "WaitPatches#get"),
            call(WAITS, INVOKEVIRTUAL, "java/util/concurrent/CompletableFuture", "join", "()Ljava/lang/Object;", "WaitPatches#join"),

            // ---- file-io: io.greening.patch.FilePatches ----
            call(FILE_IO, INVOKEVIRTUAL, "java/io/FileInputStream", "read", "()I", "FilePatches#read"),
            call(FILE_IO, INVOKEVIRTUAL, "java/io/FileInputStream", "read", "([B)I", "FilePatches#read"),
            call(FILE_IO, INVOKEVIRTUAL, "java/io/FileInputStream", "read", "([BII)I", "FilePatches#read"),
            call(FILE_IO, INVOKEVIRTUAL, "java/io/FileInputStream", "readAllBytes", "()[B", "FilePatches#readAllBytes"),
            call(FILE_IO, INVOKEVIRTUAL, "java/io/FileInputStream", "readNBytes", "(I)[B", "FilePatches#readNBytes"),
            call(FILE_IO, INVOKEVIRTUAL, "java/io/FileInputStream", "readNBytes", "([BII)I", "FilePatches#readNBytes"),
            call(FILE_IO, INVOKEVIRTUAL, "java/io/FileOutputStream", "write", "(I)V", "FilePatches#write"),
            call(FILE_IO, INVOKEVIRTUAL, "java/io/FileOutputStream", "write", "([B)V", "FilePatches#write"),
            call(FILE_IO, INVOKEVIRTUAL, "java/io/FileOutputStream", "write", "([BII)V", "FilePatches#write"),
            call(FILE_IO, INVOKEVIRTUAL, "java/io/RandomAccessFile", "read", "()I", "FilePatches#read"),
            call(FILE_IO, INVOKEVIRTUAL, "java/io/RandomAccessFile", "read", "([B)I", "FilePatches#read"),
            call(FILE_IO, INVOKEVIRTUAL, "java/io/RandomAccessFile", "read", "([BII)I", "FilePatches#read"),
            call(FILE_IO, INVOKEVIRTUAL, "java/io/RandomAccessFile", "readFully", "([B)V", "FilePatches#readFully"),
            call(FILE_IO, INVOKEVIRTUAL, "java/io/RandomAccessFile", "readFully", "([BII)V", "FilePatches#readFully"),
            call(FILE_IO, INVOKEVIRTUAL, "java/io/RandomAccessFile", "write", "(I)V", "FilePatches#write"),
            call(FILE_IO, INVOKEVIRTUAL, "java/io/RandomAccessFile", "write", "([B)V", "FilePatches#write"),
            call(FILE_IO, INVOKEVIRTUAL, "java/io/RandomAccessFile", "write", "([BII)V", "FilePatches#write"),

            // ---- dns: io.greening.patch.FilePatches ----
            call(DNS, INVOKESTATIC, "java/net/InetAddress", "getByName", "(Ljava/lang/String;)Ljava/net/InetAddress;", "FilePatches#getByName"),
            call(DNS, INVOKESTATIC, "java/net/InetAddress", "getAllByName", "(Ljava/lang/String;)[Ljava/net/InetAddress;", "FilePatches#getAllByName"),
            // looks the name up inside the JDK: pgJDBC and many clients connect through it, not through getByName
            constructor(DNS, "java/net/InetSocketAddress", "(Ljava/lang/String;I)V", "FilePatches#newInetSocketAddress"),

            // ---- sockets: io.greening.patch.SocketPatches, io.greening.patch.GreenChannels (rows from docs/sockets.md) ----
            constructor(SOCKETS, "java/net/Socket", "()V", "SocketPatches#newSocket"),
            constructor(SOCKETS, "java/net/Socket", "(Ljava/lang/String;I)V", "SocketPatches#newSocket"),
            constructor(SOCKETS, "java/net/Socket", "(Ljava/net/InetAddress;I)V", "SocketPatches#newSocket"),
            constructor(SOCKETS, "java/net/Socket", "(Ljava/lang/String;ILjava/net/InetAddress;I)V", "SocketPatches#newSocket"),
            constructor(SOCKETS, "java/net/Socket", "(Ljava/net/InetAddress;ILjava/net/InetAddress;I)V", "SocketPatches#newSocket"),
            constructor(SOCKETS, "java/net/ServerSocket", "()V", "SocketPatches#newServerSocket"),
            constructor(SOCKETS, "java/net/ServerSocket", "(I)V", "SocketPatches#newServerSocket"),
            constructor(SOCKETS, "java/net/ServerSocket", "(II)V", "SocketPatches#newServerSocket"),
            constructor(SOCKETS, "java/net/ServerSocket", "(IILjava/net/InetAddress;)V", "SocketPatches#newServerSocket"),
            call(SOCKETS, INVOKESTATIC, "java/nio/channels/SocketChannel", "open", "(Ljava/net/SocketAddress;)Ljava/nio/channels/SocketChannel;", "GreenChannels#open"),
            call(SOCKETS, INVOKEVIRTUAL, "java/nio/channels/SocketChannel", "connect", "(Ljava/net/SocketAddress;)Z", "GreenChannels#connect"),
            call(SOCKETS, INVOKEVIRTUAL, "java/nio/channels/SocketChannel", "finishConnect", "()Z", "GreenChannels#finishConnect"),
            call(SOCKETS, INVOKEVIRTUAL, "java/nio/channels/SocketChannel", "read", "(Ljava/nio/ByteBuffer;)I", "GreenChannels#read"),
            call(SOCKETS, INVOKEVIRTUAL, "java/nio/channels/SocketChannel", "read", "([Ljava/nio/ByteBuffer;II)J", "GreenChannels#read"),
            call(SOCKETS, INVOKEVIRTUAL, "java/nio/channels/SocketChannel", "read", "([Ljava/nio/ByteBuffer;)J", "GreenChannels#read"),
            call(SOCKETS, INVOKEVIRTUAL, "java/nio/channels/SocketChannel", "write", "(Ljava/nio/ByteBuffer;)I", "GreenChannels#write"),
            call(SOCKETS, INVOKEVIRTUAL, "java/nio/channels/SocketChannel", "write", "([Ljava/nio/ByteBuffer;II)J", "GreenChannels#write"),
            call(SOCKETS, INVOKEVIRTUAL, "java/nio/channels/SocketChannel", "write", "([Ljava/nio/ByteBuffer;)J", "GreenChannels#write"),
            call(SOCKETS, INVOKEVIRTUAL, "java/nio/channels/SocketChannel", "close", "()V", "GreenChannels#close"),
            call(SOCKETS, INVOKEVIRTUAL, "java/nio/channels/ServerSocketChannel", "accept", "()Ljava/nio/channels/SocketChannel;", "GreenChannels#accept"),
            call(SOCKETS, INVOKEVIRTUAL, "java/nio/channels/ServerSocketChannel", "close", "()V", "GreenChannels#close"),

            // ---- main: io.greening.patch.GreenMain, with main=green ----
            mainPrologue("GreenMain#enter")
    );

    private Rewrites() {}

    /** The table: rows, and lists of rows ({@link #onEach}), flattened in order. */
    private static List<Rewrite> rows(Object... rowsAndLists) {
        List<Rewrite> all = new ArrayList<>();
        for (Object entry : rowsAndLists) {
            if (entry instanceof Rewrite row) {
                all.add(row);
            } else {
                for (Object row : (List<?>) entry) {
                    all.add((Rewrite) row);
                }
            }
        }
        return List.copyOf(all);
    }

    /** Where a row changes bytecode, and how. */
    public enum Kind {
        /** In selected classes, an invoke instruction becomes an invokestatic of the patch method. */
        CALL,
        /** In selected classes, a {@code new Owner(args)} expression becomes an invokestatic of the patch factory. */
        CONSTRUCTOR,
        /** Inside the row's JDK classes, retransformed or rewritten as they load ({@link JdkCallSites}): as {@link #CALL}. */
        JDK_CALL,
        /** The start of the main class's {@code main}, with {@code main=green}. */
        MAIN_PROLOGUE,
        /**
         * In selected classes, right after a {@code synchronized} block has entered its monitor (inside the block's
         * exception range, so the monitor is released if the patch throws) and at the start of a {@code synchronized}
         * method: an invokestatic of the patch method, {@code ()V}.
         */
        MONITOR_ENTRY
    }

    /**
     * One row of the table.
     *
     * @param group          the group that turns it on
     * @param kind           where and how it changes bytecode
     * @param opcode         the invoke opcode matched ({@code INVOKESPECIAL} for a constructor, {@code INVOKESTATIC} for
     *                       the main prologue)
     * @param owner          the JDK class or interface called (internal name); the main class for the prologue is
     *                       whichever class is main, so {@code *}
     * @param name           the method name ({@code <init>} for a constructor, {@code main} for the prologue)
     * @param descriptor     the JDK method's descriptor
     * @param patchClass     the patch class (internal name, in {@link #PATCH_PACKAGE})
     * @param patchMethod    the patch method's name
     * @param receiver       the patch method's receiver type for an instance call (internal name): the owner unless
     *                       the owner is not public
     * @param jdkClasses     for {@link Kind#JDK_CALL}, the JDK classes (of one module) whose call sites are rewritten
     *                       (internal names); else empty
     * @param virtualClockOnly whether the row applies only with {@code clock=virtual}
     */
    public record Rewrite(PatchGroup group, Kind kind, int opcode, String owner, String name, String descriptor,
                          String patchClass, String patchMethod, String receiver, List<String> jdkClasses,
                          boolean virtualClockOnly) {

        // equals and hashCode written out, as the record's would be: the generated ones bootstrap through method handles
        // on first use, which the agent's start (rows are map keys there) would pay for
        @Override
        public boolean equals(Object other) {
            return other instanceof Rewrite row && group == row.group && kind == row.kind && opcode == row.opcode
                    && owner.equals(row.owner) && name.equals(row.name) && descriptor.equals(row.descriptor)
                    && patchClass.equals(row.patchClass) && patchMethod.equals(row.patchMethod)
                    && receiver.equals(row.receiver) && jdkClasses.equals(row.jdkClasses)
                    && virtualClockOnly == row.virtualClockOnly;
        }

        @Override
        public int hashCode() {
            int hash = group.hashCode();
            hash = 31 * hash + kind.hashCode();
            hash = 31 * hash + opcode;
            hash = 31 * hash + owner.hashCode();
            hash = 31 * hash + name.hashCode();
            hash = 31 * hash + descriptor.hashCode();
            hash = 31 * hash + patchClass.hashCode();
            hash = 31 * hash + patchMethod.hashCode();
            hash = 31 * hash + receiver.hashCode();
            hash = 31 * hash + jdkClasses.hashCode();
            return 31 * hash + Boolean.hashCode(virtualClockOnly);
        }

        /** The patch method's descriptor: receiver first for an instance call, the owner returned for a constructor. */
        public String patchDescriptor() {
            return switch (kind) {
                case CONSTRUCTOR -> descriptor.substring(0, descriptor.lastIndexOf(')') + 1) + "L" + owner + ";";
                case CALL, JDK_CALL -> opcode == INVOKESTATIC ? descriptor : "(L" + receiver + ";" + descriptor.substring(1);
                case MAIN_PROLOGUE -> descriptor.substring(0, descriptor.lastIndexOf(')')) + "Ljava/lang/Class;)Z";
                case MONITOR_ENTRY -> descriptor;
            };
        }

        /**
         * Whether call sites on a subtype of {@link #owner} match too: instance methods, and static ones, which
         * subclasses inherit (javac names the subclass as the owner of an unqualified {@code currentThread()} or
         * {@code sleep(ms)} inside a {@code Thread} subclass, as Netty's {@code FastThreadLocalThread} has it). Every
         * static row's owner is a class, whose statics a subtype inherits, not an interface, whose statics it does not.
         */
        public boolean matchesSubtypes() {
            return kind == Kind.CALL;
        }

        /**
         * The name the exit report counts it under, e.g. {@code Thread.start}, {@code new ThreadPoolExecutor} or
         * {@code System.nanoTime in java.util.concurrent}.
         */
        public String label() {
            String simple = owner.substring(owner.lastIndexOf('/') + 1).replace('$', '.');
            return switch (kind) {
                case CONSTRUCTOR -> "new " + simple;
                case CALL -> simple + "." + name;
                case JDK_CALL -> simple + "." + name + (jdkClasses.equals(List.of(owner)) ? "" : " in " + commonPackage(jdkClasses));
                case MAIN_PROLOGUE -> "main prologue";
                case MONITOR_ENTRY -> "synchronized entry";
            };
        }

        /** This row with {@code type} (internal name) as the patch method's receiver type. */
        Rewrite receivedAs(String type) {
            return new Rewrite(group, kind, opcode, owner, name, descriptor, patchClass, patchMethod, type, jdkClasses, virtualClockOnly);
        }

        /** This row, applied only with {@code clock=virtual}. */
        Rewrite underVirtualClockOnly() {
            return new Rewrite(group, kind, opcode, owner, name, descriptor, patchClass, patchMethod, receiver, jdkClasses, true);
        }

        /** Whether the row applies with these groups on and this clock. */
        boolean appliesTo(Set<PatchGroup> groups, boolean virtualClock) {
            return groups.contains(group) && (virtualClock || !virtualClockOnly);
        }
    }

    private static String commonPackage(List<String> classes) {
        String common = classes.getFirst().substring(0, classes.getFirst().lastIndexOf('/'));
        for (String c : classes) {
            while (!c.startsWith(common + "/")) {
                common = common.substring(0, common.lastIndexOf('/'));
            }
        }
        return common.replace('/', '.');
    }

    static Rewrite call(PatchGroup group, int opcode, String owner, String name, String descriptor, String patch) {
        return row(group, Kind.CALL, opcode, owner, name, descriptor, patch, List.of());
    }

    static Rewrite constructor(PatchGroup group, String owner, String descriptor, String patch) {
        return row(group, Kind.CONSTRUCTOR, INVOKESPECIAL, owner, "<init>", descriptor, patch, List.of());
    }

    static Rewrite insideJdk(PatchGroup group, List<String> jdkClasses, int opcode, String owner, String name,
                             String descriptor, String patch) {
        return row(group, Kind.JDK_CALL, opcode, owner, name, descriptor, patch, List.copyOf(jdkClasses));
    }

    static Rewrite mainPrologue(String patch) {
        return row(MAIN, Kind.MAIN_PROLOGUE, INVOKESTATIC, "*", "main", "([Ljava/lang/String;)V", patch, List.of());
    }

    /** The key under which {@link #index} files the {@link Kind#MONITOR_ENTRY} row. */
    public static final String MONITOR_ENTRY_KEY = "<monitorenter>()V";

    static Rewrite monitorEntry(PatchGroup group, String patch) {
        return row(group, Kind.MONITOR_ENTRY, INVOKESTATIC, "*", "<monitorenter>", "()V", patch, List.of());
    }

    /**
     * The call row {@code name descriptor} on each of {@code owners}, the first an interface (invokeinterface) and the
     * others JDK classes implementing it (invokevirtual), every patch method taking the interface as its receiver.
     */
    static List<Rewrite> onEach(PatchGroup group, List<String> owners, String name, String descriptor, String patch) {
        String receiver = owners.getFirst();
        List<Rewrite> rows = new ArrayList<>();
        for (String owner : owners) {
            rows.add(call(group, owner.equals(receiver) ? INVOKEINTERFACE : INVOKEVIRTUAL, owner, name, descriptor, patch)
                    .receivedAs(receiver));
        }
        return rows;
    }

    private static Rewrite row(PatchGroup group, Kind kind, int opcode, String owner, String name, String descriptor,
                               String patch, List<String> jdkClasses) {
        int hash = patch.indexOf('#');
        return new Rewrite(group, kind, opcode, owner, name, descriptor, PATCH_PACKAGE + patch.substring(0, hash),
                patch.substring(hash + 1), owner, jdkClasses, false);
    }

    /**
     * The rows of the given groups that apply to a loading class (calls, constructors and the main prologue), indexed
     * by {@code name + descriptor} for the rewriter.
     */
    public static Map<String, List<Rewrite>> index(Set<PatchGroup> groups) {
        Map<String, List<Rewrite>> byNameAndDescriptor = new HashMap<>();
        for (Rewrite row : ALL) {
            if (row.kind() != Kind.JDK_CALL && groups.contains(row.group())) {
                String key = row.name() + row.descriptor();
                List<Rewrite> same = byNameAndDescriptor.get(key);
                if (same == null) {
                    same = new ArrayList<>();
                    byNameAndDescriptor.put(key, same);
                }
                same.add(row);
            }
        }
        for (Map.Entry<String, List<Rewrite>> entry : byNameAndDescriptor.entrySet()) {
            entry.setValue(Collections.unmodifiableList(entry.getValue()));
        }
        return Map.copyOf(byNameAndDescriptor);
    }

    /**
     * The call row that rewrites the call site {@code opcode owner.name descriptor}, or null: a row of that owner, else
     * one whose owner is a supertype of the call site's. Shared by {@link CallSiteRewriter} and the load-time in-place
     * rewrite, and kept here so that the latter loads no ASM class.
     */
    static Rewrite findCall(Map<String, List<Rewrite>> rows, CallSiteRewriter.Hierarchy hierarchy, int opcode, String owner,
                            String name, String descriptor) {
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

    /** The rows inside the JDK that apply with these groups on and this clock ({@link JdkCallSites} applies them). */
    public static List<Rewrite> jdkRows(Set<PatchGroup> groups, boolean virtualClock) {
        List<Rewrite> rows = new ArrayList<>();
        for (Rewrite row : ALL) {
            if (row.kind() == Kind.JDK_CALL && row.appliesTo(groups, virtualClock)) {
                rows.add(row);
            }
        }
        return List.copyOf(rows);
    }
}
