package io.greening.diagnostics;

import io.greening.Hub;
import io.greening.internal.Access;
import io.greening.internal.DiagnosticsAccess;
import io.greening.internal.GreeningAccess;
import io.greening.internal.ThreadRecord;
import io.greening.internal.Settings;

import java.io.Serial;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Reports a green thread that keeps its hub's carrier longer than a threshold without yielding, so every other
 * green thread of the hub waits: once per stall, through {@code System.Logger} {@code io.greening.stall} at
 * WARNING, naming the stalling green thread (however it was made: spawned, or started by code the agent greened)
 * with its stack, as gevent's monitor thread does. The threshold is 100 ms unless the setting
 * {@code stall} says otherwise ({@code -Dgreening.stall=250ms}, {@code 1s}, {@code off}).
 */
public final class StallMonitor {
    private static final System.Logger LOG = System.getLogger("io.greening.stall");
    private static final Map<Hub, Watch> HUBS = new ConcurrentHashMap<>();
    private static volatile long thresholdNanos = Settings.get(Settings.STALL).toNanos();
    private static Thread monitor;   // guarded by StallMonitor.class

    static {
        Access.setDiagnostics(new Internals());
    }

    private StallMonitor() {}

    /** What the monitor last saw of one hub. Monitor thread only. */
    private static final class Watch {
        long tasksSeen = -1;
        long unchangedSince;
        long reportedAt = -1;
    }

    /** Sets the threshold; {@link Duration#ZERO} turns reporting off. */
    public static void setThreshold(Duration threshold) {
        thresholdNanos = threshold.toNanos();
        Thread m;
        synchronized (StallMonitor.class) {
            m = monitor;
        }
        if (m != null) {
            LockSupport.unpark(m);
        }
    }

    /** The threshold; {@link Duration#ZERO} when reporting is off. */
    public static Duration threshold() {
        return Duration.ofNanos(thresholdNanos);
    }

    private static void watch(Hub hub) {
        HUBS.put(hub, new Watch());
        synchronized (StallMonitor.class) {
            if (monitor == null) {
                monitor = Thread.ofPlatform().daemon().name("greening-stall-monitor").start(StallMonitor::monitorLoop);
            }
        }
    }

    private static void unwatch(Hub hub) {
        HUBS.remove(hub);
    }

    private static void monitorLoop() {
        while (true) {
            long threshold = thresholdNanos;
            if (threshold <= 0) {
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
                continue;
            }
            LockSupport.parkNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(2), threshold / 4));
            long now = System.nanoTime();
            HUBS.forEach((hub, watch) -> check(hub, watch, now, threshold));
        }
    }

    private static void check(Hub hub, Watch watch, long now, long threshold) {
        GreeningAccess access = Access.greening();
        long tasks = access.tasksRun(hub);
        if (!access.isBusy(hub) || tasks != watch.tasksSeen) {
            watch.tasksSeen = tasks;
            watch.unchangedSince = now;
            return;
        }
        if (now - watch.unchangedSince >= threshold && watch.reportedAt != tasks) {
            watch.reportedAt = tasks;
            report(hub, now - watch.unchangedSince);
        }
    }

    /** Carries the stalling thread's stack into the log record. */
    private static final class StalledHere extends Throwable {
        @Serial
        private static final long serialVersionUID = 1L;

        StalledHere(String where, StackTraceElement[] stack) {
            super(where, null, false, true);
            setStackTrace(stack);
        }
    }

    private static void report(Hub hub, long stalledNanos) {
        Thread carrier = hub.carrier();
        Thread culprit = carrier;
        String what = "its carrier";
        ThreadRecord record = Access.greening().registry(hub).mountedOn(carrier);
        if (record != null) {
            culprit = record.thread();
            what = "green thread " + culprit.getName() + " (" + record.kind() + ")";
        }
        String message = "hub " + hub.name() + ": " + what
                + " has run " + TimeUnit.NANOSECONDS.toMillis(stalledNanos)
                + " ms without yielding; every other green thread of the hub waits. Move blocking or CPU-heavy work to"
                + " Green.offload or add Green.cede() points.";
        LOG.log(System.Logger.Level.WARNING, message, new StalledHere("stack of " + culprit.getName(), culprit.getStackTrace()));
    }

    /** What the hub's loop asks of the diagnostics (see {@link Access}). */
    private static final class Internals implements DiagnosticsAccess {
        @Override
        public void watch(Hub hub) {
            StallMonitor.watch(hub);
        }

        @Override
        public void unwatch(Hub hub) {
            StallMonitor.unwatch(hub);
        }

        @Override
        public DeadlockReport analyze(Hub hub) {
            return DeadlockReport.analyze(hub);
        }

        @Override
        public DeadlockReport reportQuiet(Hub hub) {
            return DeadlockReport.reportQuiet(hub);
        }
    }
}
