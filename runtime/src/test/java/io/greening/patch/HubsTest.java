package io.greening.patch;

import io.greening.Hub;
import io.greening.HubGroup;
import io.greening.HubOptions;
import io.greening.testing.LogCapture;

import org.junit.jupiter.api.Test;

import java.util.concurrent.Executor;

import static org.junit.jupiter.api.Assertions.*;

/** Where the agent's green threads run: a group of hubs, except for a deterministic run or {@code hubs=1}. */
class HubsTest {

    @Test
    void seededPctAndVirtualClockRunsStayOnOneHubWhateverHubsSays() {
        try (LogCapture log = LogCapture.of("io.greening.agent")) {
            for (HubOptions deterministic : new HubOptions[] {HubOptions.parse("random:7", "real"),
                    HubOptions.parse("pct:7:3", "real"), HubOptions.parse("fifo", "virtual")}) {
                assertSame(Hub.shared(), Hubs.choose(deterministic, 4, false), deterministic.toString());
            }
            assertTrue(log.records().isEmpty(), "hubs=auto says nothing");
            assertSame(Hub.shared(), Hubs.choose(HubOptions.parse("random:7", "real"), 4, true));
            assertEquals(1, log.records().size(), "an explicit hubs=4 that cannot be had is said once");
            assertTrue(log.records().getFirst().getMessage().contains("hubs=4 is not used"));
        }
    }

    @Test
    void oneHubIsTheSharedHubAndMoreAreAGroup() {
        assertSame(Hub.shared(), Hubs.choose(HubOptions.DEFAULT, 1, true));
        Executor chosen = Hubs.choose(HubOptions.DEFAULT, 2, false);
        try {
            assertInstanceOf(HubGroup.class, chosen);
            assertEquals(2, ((HubGroup) chosen).size());
        } finally {
            ((HubGroup) chosen).close();
        }
    }
}
