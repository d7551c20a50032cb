package io.greening.internal;

import io.greening.Green;
import io.greening.Hub;

/**
 * What a hub's loop does when it has no ready task: the one decision of {@code Hub.waitForWork}, named, and made by
 * {@link #decide} from a {@link Snapshot} of the hub's state alone, so that it can be checked case by case.
 */
public sealed interface Wait {
    /** Do not wait: work came in from another thread, or the next timer is due. */
    Wait RUN_NOW = new RunNow();
    /** Select until a channel is ready or another thread hands the hub work: no timer to wait for. */
    Wait SELECT_UNTIL_WOKEN = new SelectUntilWoken();

    /** See {@link #RUN_NOW}. */
    record RunNow() implements Wait { }

    /** Virtual time jumps to the next timer, {@code to}: nothing can happen before it. */
    record JumpClock(long to) implements Wait { }

    /**
     * Virtual clock, real I/O or offloaded work in flight: select up to {@code millis} of real time, while virtual time
     * follows the real time waited (never past the next timer, {@code to}); then, if {@code thenJump} and nothing came
     * (no channel ready, no work handed over), jump to {@code to}.
     */
    record FollowRealTime(long millis, boolean thenJump, long to) implements Wait { }

    /**
     * Green threads are alive but none is ready and nothing (timer, channel, offloaded call) can wake them: select for
     * the grace period, and report the hub quiet if nothing came meanwhile.
     */
    record QuietGrace(long millis) implements Wait { }

    /**
     * The next timer is due in under a millisecond and no channel is watched: park the carrier {@code nanos}, since
     * {@code select}'s millisecond timeout would fire it up to a millisecond late.
     */
    record ParkForTimer(long nanos) implements Wait { }

    /** Select until a channel is ready, another thread hands the hub work, or the next timer is due in {@code millis}. */
    record SelectFor(long millis) implements Wait { }

    /** See {@link #SELECT_UNTIL_WOKEN}. */
    record SelectUntilWoken() implements Wait { }

    /**
     * What the decision depends on, read by the carrier when its ready queue is empty.
     *
     * @param virtualClock    whether the hub keeps virtual time
     * @param now             the hub's time now (its clock: virtual or {@link System#nanoTime()})
     * @param nextTimer       the deadline of the earliest timer; ignored without one
     * @param hasTimer        whether a timer is pending
     * @param nextTimerIsIo   whether the earliest timer is the timeout of a real I/O wait (never jumped to)
     * @param remoteWork      whether another thread handed the hub work not taken in yet
     * @param ioWaiters       how many green threads wait on the hub's selector
     * @param offloads        how many offloaded calls green threads of the hub wait for
     * @param liveThreads     how many green threads of the hub are alive
     * @param quietReported   whether this quiet spell (no task run since) was reported already
     * @param graceMillis     how long the hub stays quiet before it reports
     * @param ioGraceMillis   under a virtual clock with real I/O in flight, how long the I/O has to become ready before
     *                        time jumps to the next timer
     */
    record Snapshot(boolean virtualClock, long now, long nextTimer, boolean hasTimer, boolean nextTimerIsIo,
                    boolean remoteWork, int ioWaiters, int offloads, int liveThreads, boolean quietReported,
                    long graceMillis, long ioGraceMillis) { }

    /** The decision for {@code s}. */
    static Wait decide(Snapshot s) {
        if (s.remoteWork()) {
            return RUN_NOW;
        }
        boolean outsideWorkPending = s.ioWaiters() > 0 || s.offloads() > 0;
        if (s.hasTimer()) {
            long remaining = s.nextTimer() - s.now();
            if (s.virtualClock()) {
                if (!outsideWorkPending) {
                    return new JumpClock(s.nextTimer());   // nothing outside the hub can happen first
                }
                if (remaining <= 0) {
                    return RUN_NOW;
                }
                // Real I/O and offloaded work take real time: give them a short grace to become ready, following real
                // time, then jump. A real I/O wait's own timeout is never jumped to: it bounds a wait on a real peer.
                long untilTimer = Deadlines.selectMillis(remaining);
                return s.nextTimerIsIo()
                        ? new FollowRealTime(untilTimer, false, s.nextTimer())
                        : new FollowRealTime(Math.min(untilTimer, s.ioGraceMillis()), true, s.nextTimer());
            }
            if (remaining <= 0) {
                return RUN_NOW;
            }
            // with no channel to watch, a nanosecond park serves a timer due within 1 ms on time (select's
            // millisecond timeout would make it up to 1 ms late; benchmarks/README.md, sleepers: p50 0.6 ms -> 0.05 ms)
            return remaining < 1_000_000 && s.ioWaiters() == 0
                    ? new ParkForTimer(remaining)
                    : new SelectFor(Deadlines.selectMillis(remaining));
        }
        if (!outsideWorkPending && s.liveThreads() > 0 && !s.quietReported()) {
            return new QuietGrace(s.graceMillis());
        }
        return SELECT_UNTIL_WOKEN;
    }
}
