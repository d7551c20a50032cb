package io.greening.patch;

import io.greening.Green;
import io.greening.HubOptions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Timeout(30)
class ClockPatchesTest {

    /** Whether {@code clock} shows a time between two whole milliseconds within many reads. */
    private static boolean showsSubMilliseconds(Supplier<Instant> clock) {
        for (int i = 0; i < 100_000; i++) {
            if (clock.get().getNano() % 1_000_000 != 0) {
                return true;
            }
        }
        return false;
    }

    @Test
    void instantNowKeepsTheJdksPrecisionWhereTheClockIsReal() {
        assumeTrue(showsSubMilliseconds(Instant::now), "this system's clock has millisecond precision only");
        assertTrue(showsSubMilliseconds(ClockPatches::now), "off any hub");
        assertTrue(Green.run(() -> showsSubMilliseconds(ClockPatches::now)), "on a hub with a real clock");
        assertTrue(Green.run(() -> showsSubMilliseconds(() -> ClockPatches.systemUTC().instant())), "the patched Clock");
    }

    @Test
    void underAVirtualClockInstantNowMovesExactlyWithVirtualTime() {
        Duration slept = Green.run(HubOptions.DEFAULT.withVirtualClock(true), () -> {
            Instant before = ClockPatches.now();
            Green.sleep(Duration.ofNanos(1_500_250));
            return Duration.between(before, ClockPatches.now());
        });
        assertEquals(Duration.ofNanos(1_500_250), slept);
    }

    @Test
    void currentTimeMillisAgreesWithInstantNowUnderAVirtualClock() {
        Green.run(HubOptions.DEFAULT.withVirtualClock(true), () -> {
            Green.sleep(Duration.ofHours(5));
            assertEquals(ClockPatches.now().toEpochMilli(), ClockPatches.currentTimeMillis());
            assertTrue(ClockPatches.now().isAfter(Instant.now().plus(Duration.ofHours(4))), "five virtual hours ahead");
            return null;
        });
    }
}
