package io.greening;

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
 * What the green threads of a hub wait on, and the wait-for cycles among them: a thread joining a green thread
 * waits for it; a thread parked on a {@code ReentrantLock} or write lock waits for its owner. The JDK's
 * {@code ThreadMXBean.findDeadlockedThreads} does not see virtual threads; this does. Lock owners are read through
 * {@code AbstractOwnableSynchronizer}, which needs {@code java.util.concurrent.locks} open to greening (the agent
 * opens it; otherwise lock edges are left out).
 */
public final class DeadlockReport {
    private static final System.Logger LOG = System.getLogger("io.greening.deadlock");
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

    /** The report: the cycles, then every blocked green thread with what it waits on and its stack. */
    @Override
    public String toString() {
        return text;
    }

    /** Analyses the hub's live green threads. Carrier only (the live set is the carrier's). */
    static DeadlockReport analyze(Hub hub) {
        List<GreenThread<?>> threads = new ArrayList<>(hub.live.values());
        Map<Thread, Thread> waitsFor = new IdentityHashMap<>();
        Map<Thread, Object> blockers = new IdentityHashMap<>();
        for (GreenThread<?> green : threads) {
            Thread t = green.thread();
            Object blocker = LockSupport.getBlocker(t);
            blockers.put(t, blocker);
            Thread owner = ownerOf(blocker);
            if (owner != null) {
                waitsFor.put(t, owner);
            }
        }
        List<List<Thread>> cycles = findCycles(waitsFor);
        StringBuilder text = new StringBuilder("hub ").append(hub.name()).append(": ").append(threads.size())
                .append(" green threads blocked, ").append(cycles.size()).append(" wait-for cycle(s)\n");
        for (List<Thread> cycle : cycles) {
            text.append("  cycle:");
            for (Thread t : cycle) {
                text.append(' ').append(t.getName()).append(" ->");
            }
            text.append(' ').append(cycle.get(0).getName()).append('\n');
        }
        for (GreenThread<?> green : threads) {
            Thread t = green.thread();
            Object blocker = blockers.get(t);
            text.append("  ").append(t.getName()).append(" ").append(t.getState());
            if (blocker != null) {
                text.append(" on ").append(describe(blocker));
            }
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

    /**
     * Called by the hub when it has been quiet for its grace period: nothing ready, no timer, no I/O or offload in
     * flight, yet green threads alive. Logs the report; under a deterministic hub (random schedule or virtual
     * clock), nothing from outside is expected to wake them, so the root green thread fails with it.
     */
    static void onQuiet(Hub hub, GreenThread<?> root) {
        DeadlockReport report = analyze(hub);
        boolean deterministic = hub.options().isSeeded() || hub.options().virtualClock();
        if (report.isDeadlocked() || deterministic) {
            LOG.log(System.Logger.Level.WARNING, report.text);
        } else {
            LOG.log(System.Logger.Level.DEBUG, report.text);
        }
        if (deterministic && root != null && !root.isDead()) {
            root.kill(new GreenDeadlockException(report));
        }
    }

    private static String describe(Object blocker) {
        if (blocker instanceof GreenThread<?> g) {
            return "join of " + g.name();
        }
        return blocker.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(blocker));
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

    /** Each thread waits for at most one other, so following the edges from each thread finds every cycle. */
    private static List<List<Thread>> findCycles(Map<Thread, Thread> waitsFor) {
        List<List<Thread>> cycles = new ArrayList<>();
        Map<Thread, Integer> visitedInWalk = new IdentityHashMap<>();
        int walk = 0;
        for (Thread start : waitsFor.keySet()) {
            if (visitedInWalk.containsKey(start)) {
                continue;
            }
            walk++;
            List<Thread> path = new ArrayList<>();
            Thread t = start;
            while (t != null && !visitedInWalk.containsKey(t)) {
                visitedInWalk.put(t, walk);
                path.add(t);
                t = waitsFor.get(t);
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
