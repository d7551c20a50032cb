package io.greening.agent;

import io.greening.agent.AgentOptions.Group;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.greening.agent.AgentOptions.Group.FILES;
import static io.greening.agent.AgentOptions.Group.SLEEP;
import static io.greening.agent.AgentOptions.Group.SOCKETS;
import static io.greening.agent.AgentOptions.Group.THREADS;
import static org.objectweb.asm.Opcodes.INVOKEINTERFACE;
import static org.objectweb.asm.Opcodes.INVOKESPECIAL;
import static org.objectweb.asm.Opcodes.INVOKESTATIC;
import static org.objectweb.asm.Opcodes.INVOKEVIRTUAL;

/**
 * THE rewrite table: every JDK call site the agent replaces, one row each, and the runtime method that replaces it.
 * A new patch is one row here plus one public static method in {@code io.greening.patch}.
 *
 * <h2>Row format</h2>
 * <pre>{@code
 * call(GROUP, OPCODE, "jdk/Owner", "name", "(jdk descriptor)R", "PatchClass#method"),
 * constructor(GROUP, "jdk/Owner", "(ctor args)V", "PatchClass#method"),
 * }</pre>
 * <ul>
 *   <li>{@code call}: a call site {@code OPCODE owner.name descriptor} (OPCODE one of {@code INVOKESTATIC},
 *       {@code INVOKEVIRTUAL}, {@code INVOKEINTERFACE}, {@code INVOKESPECIAL}) becomes
 *       {@code INVOKESTATIC io/greening/patch/PatchClass.method}, whose descriptor is the row's descriptor with, for
 *       an instance call, the owner type put first (the receiver). Example: {@code INVOKEVIRTUAL java/lang/Thread.join
 *       (J)V} -> {@code ThreadPatches.join(Ljava/lang/Thread;J)V}. Instance rows also match call sites whose owner
 *       is a subtype of the row's owner ({@code myThread.join()} compiles to {@code MyThread.join}).</li>
 *   <li>{@code constructor}: {@code new Owner(args)} becomes {@code PatchClass.method(args)}, a static method
 *       with the constructor's arguments returning {@code Owner}. Only {@code new} expressions are rewritten, not
 *       {@code super(...)} calls in subclasses.</li>
 *   <li>{@code GROUP}: the {@code patch=} group that turns the row on ({@code threads}, {@code sleep}, {@code sockets},
 *       {@code locks}, {@code files}).</li>
 * </ul>
 * The runtime method must be public, static, in {@code io.greening.patch}, and behave as the JDK call everywhere but
 * on a green thread; {@code RewritesTest} checks every row has its method with the derived descriptor.
 */
public final class Rewrites {
    /** The internal name of the package holding the patch classes. */
    public static final String PATCH_PACKAGE = "io/greening/patch/";

    /** Every row. */
    public static final List<Rewrite> ALL = List.of(
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

            // ---- sleep: io.greening.patch.SleepPatches ----
            call(SLEEP, INVOKESTATIC, "java/lang/Thread", "sleep", "(J)V", "SleepPatches#sleep"),
            call(SLEEP, INVOKESTATIC, "java/lang/Thread", "sleep", "(JI)V", "SleepPatches#sleep"),
            call(SLEEP, INVOKESTATIC, "java/lang/Thread", "sleep", "(Ljava/time/Duration;)V", "SleepPatches#sleep"),
            call(SLEEP, INVOKEVIRTUAL, "java/util/concurrent/TimeUnit", "sleep", "(J)V", "SleepPatches#sleep"),
            // clocks read the hub's time, so they agree with sleeps under clock=virtual: io.greening.patch.ClockPatches
            call(SLEEP, INVOKESTATIC, "java/lang/System", "currentTimeMillis", "()J", "ClockPatches#currentTimeMillis"),
            call(SLEEP, INVOKESTATIC, "java/lang/System", "nanoTime", "()J", "ClockPatches#nanoTime"),
            call(SLEEP, INVOKESTATIC, "java/time/Instant", "now", "()Ljava/time/Instant;", "ClockPatches#now"),
            call(SLEEP, INVOKESTATIC, "java/time/Clock", "systemUTC", "()Ljava/time/Clock;", "ClockPatches#systemUTC"),
            call(SLEEP, INVOKESTATIC, "java/time/Clock", "systemDefaultZone", "()Ljava/time/Clock;", "ClockPatches#systemDefaultZone"),

            // ---- locks: no rows. JDK 25 virtual threads already release the hub's carrier when they block on
            // synchronized, Object.wait, j.u.c locks, conditions, semaphores, latches and queues (LocksOnHubTest).

            // ---- files: io.greening.patch.FilePatches ----
            call(FILES, INVOKEVIRTUAL, "java/io/FileInputStream", "read", "()I", "FilePatches#read"),
            call(FILES, INVOKEVIRTUAL, "java/io/FileInputStream", "read", "([B)I", "FilePatches#read"),
            call(FILES, INVOKEVIRTUAL, "java/io/FileInputStream", "read", "([BII)I", "FilePatches#read"),
            call(FILES, INVOKEVIRTUAL, "java/io/FileInputStream", "readAllBytes", "()[B", "FilePatches#readAllBytes"),
            call(FILES, INVOKEVIRTUAL, "java/io/FileInputStream", "readNBytes", "(I)[B", "FilePatches#readNBytes"),
            call(FILES, INVOKEVIRTUAL, "java/io/FileInputStream", "readNBytes", "([BII)I", "FilePatches#readNBytes"),
            call(FILES, INVOKEVIRTUAL, "java/io/FileOutputStream", "write", "(I)V", "FilePatches#write"),
            call(FILES, INVOKEVIRTUAL, "java/io/FileOutputStream", "write", "([B)V", "FilePatches#write"),
            call(FILES, INVOKEVIRTUAL, "java/io/FileOutputStream", "write", "([BII)V", "FilePatches#write"),
            call(FILES, INVOKEVIRTUAL, "java/io/RandomAccessFile", "read", "()I", "FilePatches#read"),
            call(FILES, INVOKEVIRTUAL, "java/io/RandomAccessFile", "read", "([B)I", "FilePatches#read"),
            call(FILES, INVOKEVIRTUAL, "java/io/RandomAccessFile", "read", "([BII)I", "FilePatches#read"),
            call(FILES, INVOKEVIRTUAL, "java/io/RandomAccessFile", "readFully", "([B)V", "FilePatches#readFully"),
            call(FILES, INVOKEVIRTUAL, "java/io/RandomAccessFile", "readFully", "([BII)V", "FilePatches#readFully"),
            call(FILES, INVOKEVIRTUAL, "java/io/RandomAccessFile", "write", "(I)V", "FilePatches#write"),
            call(FILES, INVOKEVIRTUAL, "java/io/RandomAccessFile", "write", "([B)V", "FilePatches#write"),
            call(FILES, INVOKEVIRTUAL, "java/io/RandomAccessFile", "write", "([BII)V", "FilePatches#write"),
            call(FILES, INVOKESTATIC, "java/net/InetAddress", "getByName", "(Ljava/lang/String;)Ljava/net/InetAddress;", "FilePatches#getByName"),
            call(FILES, INVOKESTATIC, "java/net/InetAddress", "getAllByName", "(Ljava/lang/String;)[Ljava/net/InetAddress;", "FilePatches#getAllByName"),

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
            call(SOCKETS, INVOKEVIRTUAL, "java/nio/channels/ServerSocketChannel", "close", "()V", "GreenChannels#close")
    );

    private Rewrites() {}

    /** What a row does at a call site. */
    public enum Kind {
        /** An invoke instruction becomes an invokestatic of the patch method. */
        CALL,
        /** A {@code new Owner(args)} expression becomes an invokestatic of the patch factory. */
        CONSTRUCTOR
    }

    /**
     * One row of the table.
     *
     * @param group       the {@code patch=} group that enables it
     * @param kind        call or constructor
     * @param opcode      the invoke opcode matched ({@code INVOKESPECIAL} for a constructor)
     * @param owner       the JDK class or interface (internal name)
     * @param name        the method name ({@code <init>} for a constructor)
     * @param descriptor  the JDK method's descriptor
     * @param patchClass  the patch class (internal name, in {@link #PATCH_PACKAGE})
     * @param patchMethod the patch method's name
     */
    public record Rewrite(Group group, Kind kind, int opcode, String owner, String name, String descriptor,
                          String patchClass, String patchMethod) {

        /** The patch method's descriptor: receiver first for an instance call, the owner returned for a constructor. */
        public String patchDescriptor() {
            return switch (kind) {
                case CONSTRUCTOR -> descriptor.substring(0, descriptor.lastIndexOf(')') + 1) + "L" + owner + ";";
                case CALL -> opcode == INVOKESTATIC ? descriptor : "(L" + owner + ";" + descriptor.substring(1);
            };
        }

        /** Whether call sites on a subtype of {@link #owner} match too. */
        public boolean matchesSubtypes() {
            return kind == Kind.CALL && opcode != INVOKESTATIC;
        }

        /** The name the exit report counts it under, e.g. {@code Thread.start} or {@code new ThreadPoolExecutor}. */
        public String label() {
            String simple = owner.substring(owner.lastIndexOf('/') + 1).replace('$', '.');
            return kind == Kind.CONSTRUCTOR ? "new " + simple : simple + "." + name;
        }
    }

    static Rewrite call(Group group, int opcode, String owner, String name, String descriptor, String patch) {
        int hash = patch.indexOf('#');
        return new Rewrite(group, Kind.CALL, opcode, owner, name, descriptor, PATCH_PACKAGE + patch.substring(0, hash),
                patch.substring(hash + 1));
    }

    static Rewrite constructor(Group group, String owner, String descriptor, String patch) {
        int hash = patch.indexOf('#');
        return new Rewrite(group, Kind.CONSTRUCTOR, INVOKESPECIAL, owner, "<init>", descriptor,
                PATCH_PACKAGE + patch.substring(0, hash), patch.substring(hash + 1));
    }

    /** The rows of the given groups, indexed by {@code name + descriptor} for the rewriter. */
    public static Map<String, List<Rewrite>> index(java.util.Set<Group> groups) {
        Map<String, List<Rewrite>> byNameAndDescriptor = new HashMap<>();
        for (Rewrite row : ALL) {
            if (groups.contains(row.group())) {
                byNameAndDescriptor.computeIfAbsent(row.name() + row.descriptor(), k -> new ArrayList<>()).add(row);
            }
        }
        byNameAndDescriptor.replaceAll((k, v) -> Collections.unmodifiableList(v));
        return Map.copyOf(byNameAndDescriptor);
    }
}
