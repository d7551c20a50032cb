package io.greening.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The hub's decision when nothing is ready, case by case, on snapshots alone. */
class WaitTest {
    private static final long NOW = 1_000_000_000L;
    private static final long GRACE = 1000;
    private static final long IO_GRACE = 10;

    /** A hub with no timer, no work coming in, nothing in flight and no green thread: the baseline every case varies. */
    private static Wait.Snapshot idle(boolean virtualClock) {
        return new Wait.Snapshot(virtualClock, NOW, 0, false, false, false, 0, 0, 0, false, GRACE, IO_GRACE);
    }

    private static Wait.Snapshot withTimerIn(boolean virtualClock, long nanos) {
        return new Wait.Snapshot(virtualClock, NOW, NOW + nanos, true, false, false, 0, 0, 0, false, GRACE, IO_GRACE);
    }

    @Test
    void workFromAnotherThreadRunsAtOnceWhateverElseIsPending() {
        for (boolean virtual : new boolean[] {false, true}) {
            assertEquals(Wait.RUN_NOW, Wait.decide(new Wait.Snapshot(virtual, NOW, NOW + 5_000_000, true, false, true, 2, 1, 3, false, GRACE, IO_GRACE)));
            assertEquals(Wait.RUN_NOW, Wait.decide(new Wait.Snapshot(virtual, NOW, 0, false, false, true, 0, 0, 3, false, GRACE, IO_GRACE)));
        }
    }

    @Test
    void aDueTimerRunsAtOnce() {
        assertEquals(Wait.RUN_NOW, Wait.decide(withTimerIn(false, 0)));
        assertEquals(Wait.RUN_NOW, Wait.decide(withTimerIn(false, -5)));
    }

    @Test
    void aRealTimerUnderAMillisecondAwayIsAParkOfExactlyTheRest() {
        assertEquals(new Wait.ParkForTimer(999_999), Wait.decide(withTimerIn(false, 999_999)));
        assertEquals(new Wait.ParkForTimer(1), Wait.decide(withTimerIn(false, 1)));
    }

    @Test
    void aRealTimerWithAChannelToWatchIsASelectRoundedUpSoItNeverFiresEarly() {
        Wait.Snapshot soonWithChannel = new Wait.Snapshot(false, NOW, NOW + 200_000, true, false, false, 1, 0, 1, false, GRACE, IO_GRACE);
        assertEquals(new Wait.SelectFor(1), Wait.decide(soonWithChannel));
        assertEquals(new Wait.SelectFor(1), Wait.decide(withTimerIn(false, 1_000_000)));
        assertEquals(new Wait.SelectFor(2), Wait.decide(withTimerIn(false, 1_000_001)));
        assertEquals(new Wait.SelectFor(250), Wait.decide(withTimerIn(false, 250_000_000)));
    }

    @Test
    void aFarRealTimerDoesNotOverflowTheSelectTimeout() {
        long farthest = Deadlines.after(NOW, Long.MAX_VALUE);
        Wait decision = Wait.decide(new Wait.Snapshot(false, NOW, farthest, true, false, false, 0, 0, 1, false, GRACE, IO_GRACE));
        assertEquals(new Wait.SelectFor((farthest - NOW) / 1_000_000 + 1), decision);
    }

    @Test
    void aVirtualClockJumpsToTheNextTimerWhenNothingElseCanHappen() {
        assertEquals(new Wait.JumpClock(NOW + 3_600_000_000_000L), Wait.decide(withTimerIn(true, 3_600_000_000_000L)));
        assertEquals(new Wait.JumpClock(NOW - 7), Wait.decide(withTimerIn(true, -7)), "a due timer: the clock stays (HubClock never goes back)");
    }

    @Test
    void aVirtualClockGivesRealIoAndOffloadedWorkAGraceThenJumps() {
        long hour = 3_600_000_000_000L;
        Wait.Snapshot io = new Wait.Snapshot(true, NOW, NOW + hour, true, false, false, 1, 0, 1, false, GRACE, IO_GRACE);
        Wait.Snapshot offload = new Wait.Snapshot(true, NOW, NOW + hour, true, false, false, 0, 1, 1, false, GRACE, IO_GRACE);
        assertEquals(new Wait.FollowRealTime(IO_GRACE, true, NOW + hour), Wait.decide(io));
        assertEquals(new Wait.FollowRealTime(IO_GRACE, true, NOW + hour), Wait.decide(offload));
    }

    @Test
    void aTimerNearerThanTheGraceIsWaitedForInRealTime() {
        Wait.Snapshot io = new Wait.Snapshot(true, NOW, NOW + 3_000_000, true, false, false, 1, 0, 1, false, GRACE, IO_GRACE);
        assertEquals(new Wait.FollowRealTime(3, true, NOW + 3_000_000), Wait.decide(io));
        Wait.Snapshot due = new Wait.Snapshot(true, NOW, NOW, true, false, false, 1, 0, 1, false, GRACE, IO_GRACE);
        assertEquals(Wait.RUN_NOW, Wait.decide(due));
    }

    @Test
    void aRealIoWaitsOwnTimeoutIsNeverJumpedTo() {
        long fiveSeconds = 5_000_000_000L;
        Wait.Snapshot read = new Wait.Snapshot(true, NOW, NOW + fiveSeconds, true, true, false, 1, 0, 1, false, GRACE, IO_GRACE);
        assertEquals(new Wait.FollowRealTime(5000, false, NOW + fiveSeconds), Wait.decide(read));
    }

    @Test
    void liveThreadsWithNothingToWakeThemAreAQuietSpell() {
        for (boolean virtual : new boolean[] {false, true}) {
            Wait.Snapshot quiet = new Wait.Snapshot(virtual, NOW, 0, false, false, false, 0, 0, 2, false, GRACE, IO_GRACE);
            assertEquals(new Wait.QuietGrace(GRACE), Wait.decide(quiet));
        }
    }

    @Test
    void aQuietSpellIsReportedOnce() {
        Wait.Snapshot reported = new Wait.Snapshot(false, NOW, 0, false, false, false, 0, 0, 2, true, GRACE, IO_GRACE);
        assertEquals(Wait.SELECT_UNTIL_WOKEN, Wait.decide(reported));
    }

    @Test
    void channelsOrOffloadsInFlightAreNoQuietSpell() {
        assertEquals(Wait.SELECT_UNTIL_WOKEN, Wait.decide(new Wait.Snapshot(false, NOW, 0, false, false, false, 1, 0, 2, false, GRACE, IO_GRACE)));
        assertEquals(Wait.SELECT_UNTIL_WOKEN, Wait.decide(new Wait.Snapshot(false, NOW, 0, false, false, false, 0, 1, 2, false, GRACE, IO_GRACE)));
    }

    @Test
    void anEmptyHubWithNoTimerSelectsUntilWoken() {
        assertEquals(Wait.SELECT_UNTIL_WOKEN, Wait.decide(idle(false)));
        assertEquals(Wait.SELECT_UNTIL_WOKEN, Wait.decide(idle(true)));
    }
}
