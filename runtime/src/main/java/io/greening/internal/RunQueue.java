package io.greening.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * The ready green threads of one hub of a group: a ring of {@value #CAPACITY} tasks that the hub's carrier offers and
 * polls at its two ends and that other carriers steal half of, as Go's per-P run queue ({@code runqput},
 * {@code runqget}, {@code runqsteal} in {@code runtime/proc.go}). The owner writes the tail alone (a release store,
 * no atomic); consumers, the owner included, claim from the head by CAS, so a steal never runs a task twice or loses
 * one. A full ring spills half of itself to the group's shared queue ({@link #spillHalf}), as {@code runqputslow}.
 */
public final class RunQueue {
    /**
     * Slots in the ring: two selects' worth of wake-ups (the JDK's epoll selector reports at most 1,024 channels a
     * select), so that the threads one select wakes stay on their hub. Go's and Tokio's 256 spilled a third of an echo
     * server's wake-ups at 10,000 connections to the shared queue, where either hub took them, and a thread that ran
     * on the other hub registered its channel with that hub's selector too (benchmarks/README.md, section 13).
     */
    public static final int CAPACITY = 2048;
    private static final int MASK = CAPACITY - 1;
    private static final VarHandle HEAD = VarHandles.field(MethodHandles.lookup(), RunQueue.class, "head", int.class);
    private static final VarHandle TAIL = VarHandles.field(MethodHandles.lookup(), RunQueue.class, "tail", int.class);
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Runnable[].class);

    private final Runnable[] ring = new Runnable[CAPACITY];
    @SuppressWarnings("unused")
    private volatile int head;   // next to take; advanced by CAS by whoever takes
    @SuppressWarnings("unused")
    private volatile int tail;   // next free slot; written by the owner only (release)

    /** Adds {@code task} at the tail; returns false, adding nothing, if the ring is full. Owner only. */
    public boolean offer(Runnable task) {
        int t = (int) TAIL.getOpaque(this);
        if (t - (int) HEAD.getAcquire(this) >= CAPACITY) {
            return false;
        }
        SLOT.setOpaque(ring, t & MASK, task);
        TAIL.setRelease(this, t + 1);
        return true;
    }

    /** Takes the task at the head, or {@code null} if empty. Owner only. */
    public Runnable poll() {
        int t = (int) TAIL.getOpaque(this);
        while (true) {
            int h = (int) HEAD.getAcquire(this);
            if (h == t) {
                return null;
            }
            Runnable task = (Runnable) SLOT.getOpaque(ring, h & MASK);
            if (HEAD.compareAndSet(this, h, h + 1)) {
                SLOT.setOpaque(ring, h & MASK, null);   // thieves that read this slot lost their CAS: let it be collected
                return task;
            }
        }
    }

    /**
     * Moves the older half of a full ring to {@code overflow} (in order) so that the owner can go on offering; returns
     * how many it moved. Owner only.
     */
    public int spillHalf(Consumer<Runnable> overflow) {
        return takeOldest(overflow, true);
    }

    /**
     * Steals half of this queue (rounded up) into {@code thief}, the caller's own queue, which must be empty; returns
     * the newest stolen task to run now (the others wait in {@code thief}), or {@code null} if there was nothing to take.
     * Any thread that owns {@code thief}.
     */
    public Runnable stealInto(RunQueue thief) {
        int dt = (int) TAIL.getOpaque(thief);
        while (true) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getAcquire(this);
            int n = t - h;
            if (n <= 0) {
                return null;
            }
            if (n > CAPACITY) {
                continue;   // read head and tail at different moments: read again
            }
            n -= n / 2;
            for (int i = 0; i < n; i++) {
                SLOT.setOpaque(thief.ring, (dt + i) & MASK, SLOT.getOpaque(ring, (h + i) & MASK));
            }
            if (HEAD.compareAndSet(this, h, h + n)) {
                // as runqsteal: the newest stolen task runs now, the others wait in the thief's queue
                int last = (dt + n - 1) & MASK;
                Runnable now = (Runnable) SLOT.getOpaque(thief.ring, last);
                SLOT.setOpaque(thief.ring, last, null);
                if (n > 1) {
                    TAIL.setRelease(thief, dt + n - 1);
                }
                return now;
            }
        }
    }

    /** Takes every task (for a hub that is stuck or leaving), in order, into {@code into}; any thread. */
    public void drainTo(Consumer<Runnable> into) {
        takeOldest(into, false);
    }

    /** Claims the oldest half of the tasks, or all, by one CAS, and hands them to {@code into} in order. */
    private int takeOldest(Consumer<Runnable> into, boolean half) {
        while (true) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getAcquire(this);
            int n = t - h;
            if (n > CAPACITY) {
                continue;   // read head and tail at different moments: read again
            }
            if (half) {
                n /= 2;
            }
            if (n <= 0) {
                return 0;
            }
            Runnable[] batch = new Runnable[n];
            for (int i = 0; i < n; i++) {
                batch[i] = (Runnable) SLOT.getOpaque(ring, (h + i) & MASK);
            }
            if (HEAD.compareAndSet(this, h, h + n)) {
                for (Runnable task : batch) {
                    into.accept(task);
                }
                return n;
            }
        }
    }

    /** How many tasks wait; exact for the owner, a moment's view for others. */
    public int size() {
        int n = (int) TAIL.getAcquire(this) - (int) HEAD.getAcquire(this);
        return Math.max(0, Math.min(n, CAPACITY));
    }

    /** Whether no task waits (a moment's view from other threads). */
    public boolean isEmpty() {
        return size() == 0;
    }
}
