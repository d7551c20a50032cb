package io.greening.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * A hub's timers: a binary min-heap of {@link Timer}s by deadline (ties in scheduling order), each timer knowing its
 * index so cancellation is O(log n). Its own lock (a spin lock, see {@link #locked}) guards it, as Go guards each P's timers: its hub's carrier adds,
 * fires and cancels nearly all of them, uncontended; in a group of hubs a thread that parked on one hub may cancel
 * its timer from another, and a stuck hub's due timers are fired by another thread.
 */
public final class TimerHeap {
    /** A scheduled action: unparks a thread or runs a runnable on the hub's carrier. */
    public static final class Timer {
        final long deadline;
        final long sequence;
        final Object action;
        final boolean ioTimeout;
        int index = -1;

        Timer(long deadline, long sequence, Object action, boolean ioTimeout) {
            this.deadline = deadline;
            this.sequence = sequence;
            this.action = action;
            this.ioTimeout = ioTimeout;
        }

        /** Whether it is the timeout of a wait on real I/O, which a virtual clock never jumps to. */
        public boolean isIoTimeout() {
            return ioTimeout;
        }

        /** The time, on its hub's clock, at which it fires. */
        public long deadline() {
            return deadline;
        }

        /** Whether it is still waiting in its heap. */
        public boolean isPending() {
            return index >= 0;
        }

        /** The thread to unpark, or the runnable to run. */
        public Object action() {
            return action;
        }
    }

    private static final VarHandle SIZE = VarHandles.field(MethodHandles.lookup(), TimerHeap.class, "size", int.class);

    private static final VarHandle LOCKED = VarHandles.field(MethodHandles.lookup(), TimerHeap.class, "locked", boolean.class);
    /** How many times a waiter for the lock spins before it yields its thread between tries. */
    private static final int SPINS_BEFORE_YIELD = 64;

    /**
     * Held while the heap changes; taken by spinning, never by parking. A green thread adds its wait's timer after it
     * has checked its wait's condition and before it parks ({@link Parking#parkUntil}): a park to take a lock here
     * would consume the unpark meant for that wait (a thread has one permit), and the wait would then last until its
     * deadline. Not a monitor either: a green thread that finds a monitor taken is unmounted, and the carrier that
     * must run it may be the one waiting. A holder never blocks inside (a few array moves), so the wait is short.
     */
    @SuppressWarnings("unused")
    private volatile boolean locked;
    private Timer[] heap = new Timer[64];
    private int size;   // written under the lock (release), read by size() without it
    private long nextSequence;

    /** Schedules {@code action} (a {@link Thread} to unpark or a {@link Runnable}) at {@code deadline}. */
    public Timer add(long deadline, Object action) {
        return add(deadline, action, false);
    }

    /**
     * Schedules {@code action} at {@code deadline}, saying whether it is the timeout of a wait on real I/O (a socket,
     * a channel), which a virtual clock follows in real time rather than jumps to.
     */
    public Timer add(long deadline, Object action, boolean ioTimeout) {
        lock();
        try {
            Timer timer = new Timer(deadline, nextSequence++, action, ioTimeout);
            if (size == heap.length) {
                heap = Arrays.copyOf(heap, size * 2);
            }
            timer.index = size;
            heap[size] = timer;
            SIZE.setRelease(this, size + 1);
            siftUp(timer.index);
            return timer;
        } finally {
            unlock();
        }
    }

    /** Removes a pending timer; does nothing if it already fired or was cancelled. */
    public void cancel(Timer timer) {
        lock();
        try {
            remove(timer);
        } finally {
            unlock();
        }
    }

    private void remove(Timer timer) {
        int i = timer.index;
        if (i < 0) {
            return;
        }
        timer.index = -1;
        SIZE.setRelease(this, size - 1);
        Timer last = heap[size];
        heap[size] = null;
        if (i < size) {
            heap[i] = last;
            last.index = i;
            siftDown(i);
            siftUp(last.index);
        }
    }

    /** The earliest timer, or {@code null}. */
    public Timer peek() {
        lock();
        try {
            return size == 0 ? null : heap[0];
        } finally {
            unlock();
        }
    }

    /** Removes and returns the earliest timer if it is due at {@code now}, else {@code null}. */
    public Timer pollDue(long now) {
        lock();
        try {
            if (size == 0 || heap[0].deadline - now > 0) {
                return null;
            }
            Timer first = heap[0];
            remove(first);
            return first;
        } finally {
            unlock();
        }
    }

    /** Takes the heap's lock, spinning (see {@link #locked}). */
    void lock() {
        for (int spins = 0; !LOCKED.compareAndSet(this, false, true); spins++) {
            if (spins < SPINS_BEFORE_YIELD) {
                Thread.onSpinWait();
            } else {
                Thread.yield();   // a holder preempted by the OS gets the core; a green thread's yield is no park
            }
        }
    }

    void unlock() {
        LOCKED.setRelease(this, false);
    }

    /** How many timers are pending; without the lock, a moment's view. */
    public int size() {
        return (int) SIZE.getAcquire(this);
    }

    private boolean less(Timer a, Timer b) {
        long d = a.deadline - b.deadline;
        return d < 0 || (d == 0 && a.sequence < b.sequence);
    }

    private void siftUp(int i) {
        Timer t = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Timer p = heap[parent];
            if (!less(t, p)) {
                break;
            }
            heap[i] = p;
            p.index = i;
            i = parent;
        }
        heap[i] = t;
        t.index = i;
    }

    private void siftDown(int i) {
        Timer t = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && less(heap[right], heap[child])) {
                child = right;
            }
            if (!less(heap[child], t)) {
                break;
            }
            heap[i] = heap[child];
            heap[i].index = i;
            i = child;
        }
        heap[i] = t;
        t.index = i;
    }
}
