package io.greening.diagnostics;

import io.greening.internal.ThreadRecord;
import io.greening.internal.ThreadRegistry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A dump of every live green thread of the JVM, however it was made (spawned through the API, started by code the
 * agent greened, the green {@code main}): what the agent's exit report and its JMX bean show. The JDK's own
 * {@code jcmd <pid> Thread.dump_to_file} lists green threads too, as virtual threads, with full stacks.
 */
public final class ThreadDump {
    private ThreadDump() {}

    /**
     * One line per live green thread, sorted by name, under a count: its name, how it was made ({@code spawned},
     * {@code thread}, {@code pool worker}, {@code main}), its JDK state and what it waits on (a sleep and its end, a
     * lock, a join, or the frame it is blocked in).
     */
    public static String text() {
        List<ThreadRecord> records = live();
        records.sort(Comparator.comparing(r -> r.thread().getName()));
        StringBuilder out = new StringBuilder("green threads: ").append(records.size()).append('\n');
        for (ThreadRecord record : records) {
            out.append("  ").append(Waits.line(record)).append('\n');
        }
        return out.toString();
    }

    /** How many green threads are alive in the JVM. */
    public static int liveCount() {
        int count = 0;
        for (ThreadRegistry registry : ThreadRegistry.all()) {
            count += registry.snapshot().size();
        }
        return count;
    }

    private static List<ThreadRecord> live() {
        List<ThreadRecord> records = new ArrayList<>();
        for (ThreadRegistry registry : ThreadRegistry.all()) {
            records.addAll(registry.snapshot());
        }
        return records;
    }
}
