package io.greening.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The groups of the agent's rewrite table ({@code io.greening.agent.Rewrites}), named for what they do: the values of
 * the {@code patch=} setting, and {@link #MAIN}, which {@code main=green} turns on. The names before the groups were
 * split ({@code sleep}, {@code locks}, {@code files}) are still accepted and stand for the groups they covered.
 */
public enum PatchGroup {
    /** Thread starts, joins, thread pools and factories: the application's threads become green threads. */
    THREADS("threads", "thread starts, joins, pools and factories: the app's threads become green threads"),
    /** {@code Thread.sleep} and {@code TimeUnit.sleep}. */
    SLEEPS("sleeps", "Thread.sleep and TimeUnit.sleep wait on a hub timer"),
    /** The JDK's clocks, which read the hub's clock (and, under {@code clock=virtual}, the JDK's timed waits too). */
    CLOCKS("clocks", "System.currentTimeMillis and nanoTime, Instant.now and Clock.system* read the hub's clock; under "
            + "clock=virtual java.util.concurrent's timed waits read it too"),
    /** The timeouts of timed parks and waits of green threads, set on their hub's timers. */
    TIMED_WAITS("timed-waits", "timed parks and waits of green threads (wait(ms), tryLock, await, poll, parkNanos, ...) "
            + "time out on their hub's timers, not on the JDK's timer threads"),
    /**
     * {@code Object.wait}, the blocking calls of {@code java.util.concurrent} and {@code synchronized} entry, which
     * raise a green thread's kill or {@code Timeout}.
     */
    WAITS("waits", "Object.wait, synchronized entry and the blocking calls of java.util.concurrent (locks, conditions, "
            + "queues, semaphores, latches, barriers, phasers, exchangers, futures) raise a green thread's kill or Timeout "
            + "(GreenletExit, GreenTimeout), as an interrupt raises InterruptedException"),
    /** File stream reads and writes, sent to the offload pool. */
    FILE_IO("file-io", "FileInputStream, FileOutputStream and RandomAccessFile reads and writes run on the offload pool"),
    /** Host name lookups, sent to the offload pool. */
    DNS("dns", "InetAddress.getByName and getAllByName and new InetSocketAddress(host, port) look names up on the offload pool"),
    /** Blocking sockets and socket channels, which wait on the hub's selector. */
    SOCKETS("sockets", "blocking sockets and socket channels wait on the hub's selector (docs/sockets.md)"),
    /** The main class's {@code main} runs as a green thread; turned on by {@code main=green}, not by {@code patch=}. */
    MAIN("main", "the main class's main runs as a green thread; turned on by main=green, not a patch= value");

    /**
     * The names before the groups were split, and the groups each stood for. (No {@code EnumSet} in this class: the agent
     * parses its settings before {@code main}, and an enum's first {@code EnumSet} reads its constants reflectively,
     * which spins a method handle class.)
     */
    private static final Map<String, Set<PatchGroup>> OLD_NAMES = Map.of(
            "sleep", Set.of(SLEEPS, CLOCKS),
            "locks", Set.of(TIMED_WAITS),
            "files", Set.of(FILE_IO, DNS));

    private final String optionName;
    private final String doc;

    PatchGroup(String optionName, String doc) {
        this.optionName = optionName;
        this.doc = doc;
    }

    /** The name in {@code patch=} and in the exit report, e.g. {@code timed-waits}. */
    public String optionName() {
        return optionName;
    }

    /** What the group's rows do, in one line. */
    public String doc() {
        return doc;
    }

    /** Whether {@code patch=} names it (every group but {@link #MAIN}). */
    public boolean isPatchValue() {
        return this != MAIN;
    }

    /** Every group {@code patch=} can name: its default. */
    public static Set<PatchGroup> patchValues() {
        List<PatchGroup> groups = new ArrayList<>();
        for (PatchGroup group : values()) {
            if (group.isPatchValue()) {
                groups.add(group);
            }
        }
        return Set.copyOf(groups);
    }

    /** The older names {@code patch=} still accepts, each with the groups it stands for, by name. */
    public static Map<String, Set<PatchGroup>> oldNames() {
        return OLD_NAMES;
    }

    /**
     * The groups a {@code patch=} value names: one group, or several for an older name.
     *
     * @throws IllegalArgumentException saying what is expected
     */
    public static Set<PatchGroup> named(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (PatchGroup group : patchValues()) {
            if (group.optionName.equals(n)) {
                return Set.of(group);
            }
        }
        Set<PatchGroup> old = OLD_NAMES.get(n);
        if (old == null) {
            throw new IllegalArgumentException("expected " + String.join(", ", names()) + " (or the older "
                    + String.join(", ", new TreeSet<>(OLD_NAMES.keySet())) + ")");
        }
        return old;
    }

    /** The names of the {@code patch=} values, in table order. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        for (PatchGroup group : values()) {
            if (group.isPatchValue()) {
                names.add(group.optionName);
            }
        }
        return names;
    }
}
