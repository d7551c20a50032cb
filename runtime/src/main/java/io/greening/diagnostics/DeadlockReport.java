package io.greening.diagnostics;

import io.greening.GreenThread;
import io.greening.Hub;
import io.greening.internal.Access;
import io.greening.internal.LazyLogger;
import io.greening.internal.ThreadRecord;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.AbstractOwnableSynchronizer;
import java.util.concurrent.locks.LockSupport;

/**
 * What the green threads of a hub wait on, and the wait-for cycles among them: a thread joining a green thread waits
 * for it; a thread parked on a {@code ReentrantLock} or write lock waits for its owner. It covers every green thread
 * of the hub, however it was made (spawned, or started by code the agent greened). The JDK's
 * {@code ThreadMXBean.findDeadlockedThreads} does not see virtual threads; this does. Made by
 * {@link Hub#findDeadlocks()}, and by the hub itself when it stays quiet.
 *
 * <p>Lock owners are read through {@code AbstractOwnableSynchronizer}, which needs {@code java.util.concurrent.locks}
 * open to greening: {@code --add-opens java.base/java.util.concurrent.locks=ALL-UNNAMED} on the class path,
 * {@code =io.greening} on the module path. The agent does not open it; without it lock edges are left out and only
 * joins make cycles.
 */
public final class DeadlockReport {
    private static final System.Logger LOG = LazyLogger.named("io.greening.deadlock");
    private static final MethodHandle LOCK_OWNER = lockOwnerHandle();

    private final List<List<Thread>> cycles;
    private final String text;

    private DeadlockReport(List<List<Thread>> cycles, String text) {
        this.cycles = cycles;
        this.text = text;
    }

    /** The wait-for cycles found, each a list of threads where each waits for the next (and the last for the first). */
    public List<List<Thread>> cycles() {
        return cycles;
    }

    /** Whether at least one cycle was found. */
    public boolean isDeadlocked() {
        return !cycles.isEmpty();
    }

    /** The report: the cycles, then every green thread of the hub with what it waits on and its stack. */
    @Override
    public String toString() {
        return text;
    }

    /** The edges and cycles among a hub's green threads, before any text is made of them. */
    private record Analysis(String hub, List<ThreadRecord> threads, Map<Thread, Thread> waitsFor, List<List<Thread>> cycles) {
        DeadlockReport withText() {
            StringBuilder text = new StringBuilder("hub ").append(hub).append(": ").append(threads.size())
                    .append(" green threads blocked, ").append(cycles.size()).append(" wait-for cycle(s)\n");
            for (List<Thread> cycle : cycles) {
                text.append("  cycle:");
                for (Thread t : cycle) {
                    text.append(' ').append(t.getName()).append(" ->");
                }
                text.append(' ').append(cycle.get(0).getName()).append('\n');
            }
            for (ThreadRecord record : threads) {
                Thread t = record.thread();
                text.append("  ").append(Waits.line(record));
                Thread owner = waitsFor.get(t);
                if (owner != null) {
                    text.append(" held by ").append(owner.getName());
                }
                text.append('\n');
                for (StackTraceElement frame : t.getStackTrace()) {
                    text.append("      at ").append(frame).append('\n');
                }
            }
            return new DeadlockReport(cycles, text.toString());
        }
    }

    /** Analyses the hub's live green threads. Carrier only. */
    static DeadlockReport analyze(Hub hub) {
        return edges(hub).withText();
    }

    private static Analysis edges(Hub hub) {
        List<ThreadRecord> threads = Access.greening().registry(hub).snapshot();
        Map<Thread, Thread> waitsFor = new IdentityHashMap<>();
        for (ThreadRecord record : threads) {
            Thread owner = ownerOf(LockSupport.getBlocker(record.thread()));
            if (owner != null) {
                waitsFor.put(record.thread(), owner);
            }
        }
        return new Analysis(hub.name(), threads, waitsFor, findCycles(waitsFor));
    }

    /** See {@link io.greening.internal.DiagnosticsAccess#reportQuiet}. The text (every stack) is made only if it is logged. */
    static DeadlockReport reportQuiet(Hub hub) {
        Analysis analysis = edges(hub);
        boolean deterministic = hub.options().isSeeded() || hub.options().virtualClock();
        System.Logger.Level level = analysis.cycles().isEmpty() && !deterministic ? System.Logger.Level.DEBUG
                : System.Logger.Level.WARNING;
        if (!deterministic && !LOG.isLoggable(level)) {
            return null;
        }
        DeadlockReport report = analysis.withText();
        LOG.log(level, report.text);
        return deterministic ? report : null;
    }

    private static Thread ownerOf(Object blocker) {
        if (blocker instanceof GreenThread<?> g) {
            return g.isDead() ? null : g.thread();
        }
        if (blocker instanceof AbstractOwnableSynchronizer sync && LOCK_OWNER != null) {
            try {
                return (Thread) LOCK_OWNER.invokeExact(sync);
            } catch (Throwable e) {
                return null;
            }
        }
        return null;
    }

    /**
     * Each thread waits for at most one other, so following the edges from each thread finds every cycle. An edge may
     * lead to a thread of another hub (a green thread owning a lock on another carrier): its own edge is read there.
     */
    private static List<List<Thread>> findCycles(Map<Thread, Thread> waitsFor) {
        List<List<Thread>> cycles = new ArrayList<>();
        Map<Thread, Integer> visitedInWalk = new IdentityHashMap<>();
        int walk = 0;
        for (Thread start : List.copyOf(waitsFor.keySet())) {
            if (visitedInWalk.containsKey(start)) {
                continue;
            }
            walk++;
            List<Thread> path = new ArrayList<>();
            Thread t = start;
            while (t != null && !visitedInWalk.containsKey(t)) {
                visitedInWalk.put(t, walk);
                path.add(t);
                t = waitsFor.computeIfAbsent(t, other -> ownerOf(LockSupport.getBlocker(other)));
            }
            if (t != null && visitedInWalk.get(t) == walk) {
                cycles.add(List.copyOf(path.subList(path.indexOf(t), path.size())));
            }
        }
        return cycles;
    }

    private static MethodHandle lockOwnerHandle() {
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(AbstractOwnableSynchronizer.class, MethodHandles.lookup());
            return lookup.findVirtual(AbstractOwnableSynchronizer.class, "getExclusiveOwnerThread", MethodType.methodType(Thread.class));
        } catch (ReflectiveOperationException | RuntimeException notOpen) {
            return null;
        }
    }
}
