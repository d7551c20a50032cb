package io.greening.diagnostics;

import io.greening.Hub;
import io.greening.internal.Access;
import io.greening.internal.DiagnosticsAccess;
import io.greening.internal.GreeningAccess;
import io.greening.internal.HubCarrier;
import io.greening.internal.LazyLogger;
import io.greening.internal.MonitorSleep;
import io.greening.internal.Settings;
import io.greening.internal.ThreadCpu;
import io.greening.internal.ThreadRecord;

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
 *
 * <p>For the hubs of a {@link io.greening.HubGroup} the same thread is the group's sysmon: once one task has kept a
 * hub's carrier longer than the {@code handoff} setting (5 ms unless set), or its carrier has waited as long to enter
 * a monitor (inside its selector, held by a thread of another carrier), it marks the hub stuck and hands its ready
 * threads, due timers and ready I/O to the group, and keeps doing so, at the stuck hub's timers and every millisecond
 * while threads wait on its selector, until the task returns. Time the OS keeps a carrier waiting for a core does not
 * count (where Linux says so): a preempted carrier is not stuck, and a spare would only compete with it for the same
 * cores; nor does it count toward a group hub's stall report. It looks every half handoff while a group hub runs the same task at two looks, every handoff while busy
 * hubs run a new task at each look, backing off to 25 ms while none is busy, as Go's sysmon backs off from 20 us to
 * 10 ms. Once a look finds every hub it watches idle and no task run since the look before, it sleeps until the first
 * hub that becomes busy wakes it, as Go's sysmon does ({@code sysmonwait}): an idle application wakes it not at all,
 * and a hub that goes busy while it is awake pays a volatile read, no wake-up ({@link MonitorSleep}).
 */
public final class StallMonitor {
    private static final System.Logger LOG = LazyLogger.named("io.greening.stall");
    private static final Map<Hub, Watch> HUBS = new ConcurrentHashMap<>();
    private static volatile long thresholdNanos = Settings.get(Settings.STALL).toNanos();
    private static final long HANDOFF_NANOS = Settings.get(Settings.HANDOFF).toNanos();
    private static final long MIN_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(25);
    /** How often the monitor looks while a group hub is busy and one of them ran the same task at its last two looks. */
    private static final long LOOK_PERIOD_NANOS =
            HANDOFF_NANOS > 0 ? Math.max(MIN_PARK_NANOS, HANDOFF_NANOS / 2) : Long.MAX_VALUE;
    /**
     * How often it looks while group hubs are busy but each runs a new task at every look: the handoff setting
     * itself. A task that begins just after such a look is first seen up to one handoff later, then looked at every
     * half handoff; so a stuck hub is handed off at most half a handoff later than with half-handoff looks throughout,
     * for half the monitor's wake-ups on a server of short tasks (an echo server at 10,000 connections: 400 a second,
     * 3-4% of a core, benchmarks/results/echo-i13-keys/monitor-cpu-*.txt).
     */
    private static final long PROGRESS_LOOK_PERIOD_NANOS =
            HANDOFF_NANOS > 0 ? Math.max(LOOK_PERIOD_NANOS, HANDOFF_NANOS) : Long.MAX_VALUE;
    /** How many times the monitor has looked at the hubs (for tests). */
    private static volatile long looks;
    /** How many times it has slept until a hub became busy (for tests). */
    private static volatile long sleeps;
    /**
     * Whether the monitor sleeps while every hub is idle; off ({@code -Dgreening.internal.monitorSleeps=false}) it
     * backs off to 25 ms looks instead, as before it could sleep. For A/B measurements and tests, not a setting.
     */
    static final boolean SLEEPS_WHILE_IDLE = !"false".equals(System.getProperty("greening.internal.monitorSleeps"));
    /** {@link Watch#cpuAtFirstLook} before the monitor has read the carrier's CPU time during this task. */
    private static final long NOT_READ = Long.MIN_VALUE;
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
        /**
         * When the monitor first read the carrier's CPU time during this task (at {@link #unchangedSince}, when it saw
         * the task begin on a busy carrier), and that time (-1: unknown).
         */
        long firstLookAt;
        long cpuAtFirstLook = NOT_READ;
        /** The monitor's last look during this task, and the time it has seen the carrier wait in the kernel since. */
        long lastLookAt;
        long kernelNanos;
    }

    /** How many times the monitor has looked at the hubs so far (for tests). */
    static long looks() {
        return looks;
    }

    /** How many times the monitor has slept until a hub became busy so far (for tests). */
    static long sleeps() {
        return sleeps;
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
        // its carrier may have become busy, and found the monitor awake, before the monitor knew of it
        MonitorSleep.wake();
    }

    private static void unwatch(Hub hub) {
        HUBS.remove(hub);
    }

    private static void monitorLoop() {
        long quietPark = 0;   // grows while no group hub is busy
        while (true) {
            long threshold = thresholdNanos;
            long stallPeriod = threshold > 0 ? Math.max(TimeUnit.MILLISECONDS.toNanos(2), threshold / 4) : Long.MAX_VALUE;
            long handOffPeriod = LOOK_PERIOD_NANOS;
            long now = System.nanoTime();
            long next = Long.MAX_VALUE;
            boolean groupBusy = false;
            boolean sameTaskSeenAgain = false;
            boolean allQuiet = true;   // no hub holds its carrier, and none ran a task since the last look
            for (Map.Entry<Hub, Watch> e : HUBS.entrySet()) {
                Hub hub = e.getKey();
                Watch watch = e.getValue();
                long tasksSeenBefore = watch.tasksSeen;
                try {
                    next = Math.min(next, check(hub, watch, now, threshold));
                } catch (RuntimeException failed) {
                    // one hub's failure must not end stall reports and hand-offs for every hub of the JVM
                    LOG.log(System.Logger.Level.ERROR, "stall monitor: looking at hub " + hub.name() + " failed", failed);
                }
                boolean holdsNow = holdsItsCarrier(hub);
                allQuiet &= !holdsNow && watch.tasksSeen == tasksSeenBefore;
                boolean holds = hub.group() != null && holdsNow;
                groupBusy |= holds;
                sameTaskSeenAgain |= holds && watch.unchangedSince != now;
            }
            looks++;   // the monitor thread alone writes it
            if (allQuiet && SLEEPS_WHILE_IDLE && sleepUntilAHubIsBusy()) {
                quietPark = 0;   // woken by a hub that just became busy: look at it from the shortest period on
                continue;
            }
            long period = stallPeriod;
            if (handOffPeriod != Long.MAX_VALUE) {
                long busyPeriod = sameTaskSeenAgain ? handOffPeriod : PROGRESS_LOOK_PERIOD_NANOS;
                quietPark = groupBusy ? busyPeriod : Math.min(MAX_PARK_NANOS, Math.max(handOffPeriod, quietPark * 2));
                period = Math.min(period, quietPark);
            }
            period = Math.min(period, Math.max(MIN_PARK_NANOS, next));
            LockSupport.parkNanos(period == Long.MAX_VALUE ? TimeUnit.SECONDS.toNanos(1) : period);
        }
    }

    /**
     * Every hub is idle and none ran a task since the last look: sleeps, as Go's sysmon does ({@code sysmonwait}),
     * until the first hub that becomes busy wakes it ({@link MonitorSleep}), rather than look every 25 ms at hubs
     * that sleep in their selectors. Returns false, without sleeping, if its last look after saying it sleeps finds a
     * hub busy or a hub it had not seen (one that could have become busy before it said so).
     */
    private static boolean sleepUntilAHubIsBusy() {
        MonitorSleep.announce(Thread.currentThread());
        for (Map.Entry<Hub, Watch> e : HUBS.entrySet()) {
            if (holdsItsCarrier(e.getKey()) || Access.greening().tasksRun(e.getKey()) != e.getValue().tasksSeen) {
                MonitorSleep.stayAwake();
                return false;
            }
        }
        sleeps++;
        MonitorSleep.sleep();
        return true;
    }

    /** Looks at one hub; returns how many nanoseconds until it wants another look (Long.MAX_VALUE: no hurry). */
    private static long check(Hub hub, Watch watch, long now, long threshold) {
        GreeningAccess access = Access.greening();
        long tasks = access.tasksRun(hub);
        boolean handsOff = HANDOFF_NANOS > 0 && hub.group() != null;
        boolean holds = holdsItsCarrier(hub);
        if (!holds || tasks != watch.tasksSeen) {
            watch.tasksSeen = tasks;
            watch.unchangedSince = now;
            watch.cpuAtFirstLook = NOT_READ;
            watch.lastLookAt = now;
            watch.kernelNanos = 0;
            if (holds && handsOff) {
                // now, not at the next look: the monitor's own lateness (it too can be preempted) is no task's
                readCpu(hub, watch, now);
            }
            return Long.MAX_VALUE;
        }
        long stalled = now - watch.unchangedSince;
        long next = Long.MAX_VALUE;
        long held = stalled;
        if (handsOff) {
            if (watch.cpuAtFirstLook == NOT_READ) {
                readCpu(hub, watch, now);
            } else if (cpuOf(hub).waitsInKernel()) {
                // at most one period per look: a wait seen now may have begun just now (a safepoint, a page in)
                watch.kernelNanos += Math.min(now - watch.lastLookAt, LOOK_PERIOD_NANOS);
            }
            watch.lastLookAt = now;
            if (stalled >= HANDOFF_NANOS || (threshold > 0 && stalled >= threshold)) {   // a read of /proc: only then
                held = heldCarrier(hub, watch, stalled);
            }
            if (stalled >= HANDOFF_NANOS && held >= HANDOFF_NANOS) {
                next = access.handOff(hub);
            }
        }
        // Reported by the time it held its carrier, as it is handed off: on a machine with more runnable threads than
        // cores the OS keeps a carrier off its core for long stretches, which is no green thread's doing (greened
        // Tomcat's workers were reported at 500 ms of wall time at a load average of 24 on 2 cores)
        if (threshold > 0 && stalled >= threshold && held >= threshold && watch.reportedAt != tasks) {
            watch.reportedAt = tasks;
            report(hub, stalled, tasks);
        }
        return next;
    }

    private static void readCpu(Hub hub, Watch watch, long now) {
        watch.firstLookAt = now;
        watch.cpuAtFirstLook = cpuOf(hub).cpuNanos();
    }

    /**
     * How long the hub's task has held its carrier, out of the {@code stalled} nanoseconds since the monitor first saw
     * it: the carrier's CPU time since the monitor first read it (and the time before that read, when it came late),
     * and the time the monitor has seen it wait in the kernel (a native read, a monitor, a safepoint); all of them
     * where the kernel does not say. The rest the carrier spent ready to run but preempted, which a spare carrier
     * would only lengthen.
     */
    private static long heldCarrier(Hub hub, Watch watch, long stalled) {
        long cpuNow = watch.cpuAtFirstLook < 0 ? -1 : cpuOf(hub).cpuNanos();
        return cpuNow < 0 ? stalled
                : watch.firstLookAt - watch.unchangedSince + (cpuNow - watch.cpuAtFirstLook) + watch.kernelNanos;
    }

    private static ThreadCpu cpuOf(Hub hub) {
        return hub.carrier() instanceof HubCarrier carrier ? carrier.cpu() : ThreadCpu.unknown();
    }

    /**
     * Whether something other than the hub's own wait holds its carrier: a task it runs, or a monitor its carrier
     * waits to enter. The latter happens inside the selector, whose locks a thread of another carrier may hold (a
     * channel closed there cancels its key here); if that thread is green it needs a hub to run before it lets go.
     */
    private static boolean holdsItsCarrier(Hub hub) {
        return Access.greening().isBusy(hub) || hub.carrier().getState() == Thread.State.BLOCKED;
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

    /** Reports the stall of the task the monitor saw as the {@code tasks}-th, unless it ended while the monitor looked. */
    private static void report(Hub hub, long stalledNanos, long tasks) {
        Thread carrier = hub.carrier();
        Thread culprit = carrier;
        String what = "its carrier";
        String stalled = " has run " + TimeUnit.NANOSECONDS.toMillis(stalledNanos) + " ms without yielding; ";
        ThreadRecord record = Access.greening().registry(hub).mountedOn(carrier);
        if (record != null) {
            culprit = record.thread();
            what = "green thread " + culprit.getName() + " (" + record.kind() + ")";
        } else if (carrier.getState() == Thread.State.BLOCKED) {
            stalled = " has waited " + TimeUnit.NANOSECONDS.toMillis(stalledNanos) + " ms to enter a monitor; ";
        }
        String others = hub.group() == null ? "every other green thread of the hub waits"
                : "the hub's other work was handed to the rest of its group, but its carrier is lost to them meanwhile";
        String message = "hub " + hub.name() + ": " + what + stalled + others + ". Move blocking or CPU-heavy work to"
                + " Green.offload or add Green.cede() points.";
        StackTraceElement[] stack = culprit.getStackTrace();
        // the hand-off and the lookups above take time: a stall that ended meanwhile would be shown with the stack of
        // whatever the carrier does now (its select, or a green thread's carrier once that thread unmounted)
        if (Access.greening().tasksRun(hub) != tasks || !holdsItsCarrier(hub)) {
            return;
        }
        LOG.log(System.Logger.Level.WARNING, message, new StalledHere("stack of " + culprit.getName(), stack));
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
