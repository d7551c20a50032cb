package io.greening;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The schedule grammar, and options that keep one part when another changes. */
class HubOptionsTest {
    @Test
    void aVirtualClockKeepsThePctSchedule() {
        HubOptions pct = HubOptions.DEFAULT.withPctSchedule(7, 3, 50);
        assertEquals("schedule=pct:7:3:50,clock=virtual", pct.withVirtualClock(true).toString());
        assertEquals(pct, pct.withVirtualClock(true).withVirtualClock(false));
        assertEquals("schedule=random:7,clock=virtual", HubOptions.DEFAULT.withRandomSchedule(7).withVirtualClock(true).toString());
    }

    @Test
    void theScheduleGrammarReadsWhatScheduleWrites() {
        for (HubOptions options : List.of(HubOptions.DEFAULT, HubOptions.DEFAULT.withRandomSchedule(-42),
                HubOptions.DEFAULT.withPctSchedule(4, 3, 50), HubOptions.DEFAULT.withPctSchedule(4, 999_999, 999_999_999))) {
            assertEquals(options, HubOptions.parseSchedule(options.schedule()));
        }
        assertEquals(HubOptions.DEFAULT.withPctSchedule(4, 3, 1000), HubOptions.parseSchedule(" PCT:4:3 "));
        for (String bad : List.of("", "fifo:1", "random", "random:", "random:x", "pct:4", "pct:4:0", "pct:4:3:0",
                "pct:4:1000000", "pct:4:3:1000000000", "pct:4:3:5:6", "lifo")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HubOptions.parseSchedule(bad), bad);
            assertEquals(HubOptions.SCHEDULE_EXPECTED, e.getMessage());
        }
    }

    @Test
    void parseNamesTheOptionThatIsBad() {
        assertEquals(new HubOptions(5L, true), HubOptions.parse("random:5", "Virtual"));
        assertEquals("bad value clock=fast (expected real or virtual)",
                assertThrows(IllegalArgumentException.class, () -> HubOptions.parse("fifo", "fast")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> HubOptions.parse("pct:1", "real")).getMessage()
                .startsWith("bad value schedule=pct:1 (expected fifo"));
    }
}
