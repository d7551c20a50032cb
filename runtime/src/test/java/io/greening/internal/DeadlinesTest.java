package io.greening.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

class DeadlinesTest {

    @Test
    void aDeadlineIsNowPlusTheWait() {
        assertEquals(1_500, Deadlines.after(1_000, 500));
        assertEquals(1_000, Deadlines.after(1_000, 0));
        assertEquals(1_000, Deadlines.after(1_000, -5), "a negative wait is no wait");
    }

    @Test
    void theLongestWaitIsStillAheadWhereverTheClockStands() {
        for (long now : new long[] {0, 1_000, -1_000, Long.MAX_VALUE - 5, Long.MIN_VALUE + 5}) {
            long deadline = Deadlines.after(now, Long.MAX_VALUE);
            assertTrue(deadline - now > 0, "ahead of " + now);
            assertNotEquals(Deadlines.NO_DEADLINE, deadline);
        }
        assertEquals(Deadlines.NO_DEADLINE - 1, Deadlines.after(Long.MAX_VALUE - 10, 10), "exactly 'none' is not a deadline");
        assertTrue(Deadlines.after(Duration.ofSeconds(Long.MAX_VALUE)) - io.greening.Hub.now() > 0,
                "a Duration too long for nanoseconds saturates, never wraps into the past");
        assertFalse(Deadlines.hasPassed(Deadlines.after(Duration.ofSeconds(Long.MAX_VALUE))));
    }

    @Test
    void aSocketTimeoutOfZeroIsNoDeadline() {
        assertEquals(Deadlines.NO_DEADLINE, Deadlines.afterTimeoutMillis(0));
        assertNotEquals(Deadlines.NO_DEADLINE, Deadlines.afterTimeoutMillis(Integer.MAX_VALUE));
        assertFalse(Deadlines.hasPassed(Deadlines.afterTimeoutMillis(Integer.MAX_VALUE)));
    }

    @Test
    void noDeadlineNeverPasses() {
        assertFalse(Deadlines.hasPassed(Deadlines.NO_DEADLINE));
        assertEquals(Long.MAX_VALUE, Deadlines.nanosLeft(Deadlines.NO_DEADLINE));
        assertTrue(Deadlines.hasPassed(Deadlines.after(Duration.ZERO)));
        assertEquals(0, Deadlines.nanosLeft(Deadlines.after(Duration.ofNanos(-1))));
    }

    @Test
    void aSelectTimeoutIsRoundedUpToWholeMillisecondsAndNeverZero() {
        assertEquals(1, Deadlines.selectMillis(0));
        assertEquals(1, Deadlines.selectMillis(1));
        assertEquals(1, Deadlines.selectMillis(1_000_000));
        assertEquals(2, Deadlines.selectMillis(1_000_001));
        assertEquals(Long.MAX_VALUE / 1_000_000 + 1, Deadlines.selectMillis(Long.MAX_VALUE));
    }
}
