package io.greening.internal;

import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The stall monitor's sleep while every hub it watches is idle, and its wake-up by the first hub that becomes busy:
 * Go's {@code sched.sysmonwait} and {@code sysmonnote}. A hub pays one volatile read when its loop starts or leaves
 * its select; only a hub that finds the monitor asleep unparks it, and only the first of them (a CAS).
 *
 * <p>The handshake is Dekker's: the monitor says it sleeps, then looks at every hub once more before it parks; a hub
 * stores its busy mark, then (after a volatile store) reads whether the monitor sleeps. Either the monitor's last
 * look sees the hub busy, or the hub sees the monitor asleep and wakes it. Not for applications.
 */
public final class MonitorSleep {
    /** Set by the monitor before its last look; cleared by whoever wakes it. */
    private static final AtomicBoolean ASLEEP = new AtomicBoolean();
    private static volatile Thread monitor;

    private MonitorSleep() {}

    /**
     * Called by a hub's carrier once it marked itself busy and made a volatile store since: wakes the monitor if it
     * sleeps. The common case, a monitor awake, costs one volatile read.
     */
    public static void hubBusy() {
        if (ASLEEP.get()) {
            wake();
        }
    }

    /** Wakes the monitor if it sleeps, from any thread (a hub, a hub newly watched, a setting changed). */
    public static void wake() {
        if (ASLEEP.get() && ASLEEP.compareAndSet(true, false)) {
            Thread m = monitor;
            if (m != null) {
                LockSupport.unpark(m);
            }
        }
    }

    /**
     * The monitor says it is about to sleep. It must then look at every hub once more, and {@link #sleep()} only if
     * all are still idle, else {@link #stayAwake()}.
     */
    public static void announce(Thread self) {
        monitor = self;
        ASLEEP.set(true);
        VarHandle.fullFence();   // the store above before the monitor's last look at the hubs' busy marks
    }

    /** The monitor's last look found a hub busy after all. */
    public static void stayAwake() {
        ASLEEP.set(false);
    }

    /** Parks the monitor until a hub wakes it; a spurious wake-up costs one look more. */
    public static void sleep() {
        if (ASLEEP.get()) {
            LockSupport.park(MonitorSleep.class);
        }
        ASLEEP.set(false);
    }

    /** Whether the monitor sleeps now (for tests). */
    public static boolean isAsleep() {
        return ASLEEP.get();
    }
}
