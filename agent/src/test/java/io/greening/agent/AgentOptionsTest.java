package io.greening.agent;

import io.greening.agent.AgentOptions.Group;
import io.greening.agent.AgentOptions.OptionException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.*;

class AgentOptionsTest {
    private static AgentOptions parse(String argument) {
        return AgentOptions.parse(argument, new Properties());
    }

    private static Properties props(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    @Test
    void defaultsWithOnlyInclude() {
        AgentOptions o = parse("include=com.acme.**");
        assertEquals(List.of("com.acme.**"), o.include());
        assertEquals(List.of(), o.exclude());
        assertEquals(EnumSet.allOf(Group.class), o.groups());
        assertFalse(o.greenMain());
        assertEquals(1, o.hubs());
        assertNull(o.stall());
        assertEquals("off", o.report());
        assertFalse(o.verbose());
    }

    @Test
    void everyKeyAndRepeatedListKeys() {
        AgentOptions o = parse("include=com.acme.**,include=org.eclipse.jetty.**,exclude=com.acme.legacy.Native*,"
                + "patch=threads,patch=sleep,main=green,hubs=4,stall=250ms,report=/tmp/r.txt,verbose=true");
        assertEquals(List.of("com.acme.**", "org.eclipse.jetty.**"), o.include());
        assertEquals(List.of("com.acme.legacy.Native*"), o.exclude());
        assertEquals(EnumSet.of(Group.THREADS, Group.SLEEP), o.groups());
        assertTrue(o.greenMain());
        assertEquals(4, o.hubs());
        assertEquals(Duration.ofMillis(250), o.stall());
        assertEquals("/tmp/r.txt", o.report());
        assertTrue(o.verbose());
    }

    @Test
    void stallOffIsZero() {
        assertEquals(Duration.ZERO, parse("include=a.*,stall=off").stall());
        assertEquals(Duration.ofSeconds(2), parse("include=a.*,stall=2s").stall());
    }

    @Test
    void systemPropertiesGiveTheSameKeysAndTheArgumentWins() {
        AgentOptions o = AgentOptions.parse("hubs=3", props("greening.include", "com.acme.**,org.x.*",
                "greening.hubs", "7", "greening.report", "stderr", "greening.offload.threads", "5"));
        assertEquals(List.of("com.acme.**", "org.x.*"), o.include());
        assertEquals(3, o.hubs(), "the agent argument wins");
        assertEquals("stderr", o.report());
    }

    @Test
    void missingIncludeShowsAnExampleAndTheValidOptions() {
        OptionException e = assertThrows(OptionException.class, () -> parse("hubs=2"));
        assertTrue(e.getMessage().contains("missing option 'include'"), e.getMessage());
        assertTrue(e.getMessage().contains("include=com.acme.**"), e.getMessage());
        assertTrue(e.getMessage().contains("valid options:"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
        assertThrows(OptionException.class, () -> parse(null));
        assertThrows(OptionException.class, () -> parse(""));
    }

    @Test
    void unknownKeyIsNamed() {
        OptionException e = assertThrows(OptionException.class, () -> parse("include=a.**,hub=2"));
        assertTrue(e.getMessage().startsWith("greening: unknown option 'hub'"), e.getMessage());
        assertTrue(e.getMessage().contains("hubs=<n>"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void malformedValuesAreNamed() {
        assertMessage("include=a.**,hubs=zero", "bad value hubs=zero");
        assertMessage("include=a.**,hubs=0", "bad value hubs=0");
        assertMessage("include=a.**,patch=network", "bad value patch=network");
        assertMessage("include=a.**,main=fast", "bad value main=fast");
        assertMessage("include=a.**,stall=soon", "bad value stall=soon");
        assertMessage("include=a.**,stall=-5ms", "bad value stall=-5ms");
        assertMessage("include=a.**,verbose=yes", "bad value verbose=yes");
        assertMessage("include=a.**,report=", "bad value report=");
        assertMessage("include=a b", "bad value include=a b");
        assertMessage("include=a.**,noequals", "malformed option 'noequals'");
        assertMessage("include=a.**,hubs=2,hubs=3", "option 'hubs' given twice");
    }

    private static void assertMessage(String argument, String expected) {
        OptionException e = assertThrows(OptionException.class, () -> parse(argument), argument);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void badSystemPropertyIsReportedToo() {
        OptionException e = assertThrows(OptionException.class,
                () -> AgentOptions.parse("include=a.**", props("greening.hubs", "many")));
        assertTrue(e.getMessage().contains("bad value hubs=many"), e.getMessage());
    }

    @Test
    void scheduleAndClockMakeMainGreenUnlessToldOtherwise() {
        AgentOptions o = parse("include=a.*,schedule=random:42,clock=virtual");
        assertEquals("random:42", o.schedule());
        assertEquals("virtual", o.clock());
        assertTrue(o.greenMain());
        assertFalse(parse("include=a.*,clock=virtual,main=platform").greenMain());
        assertEquals("fifo", parse("include=a.*").schedule());
        assertEquals("real", parse("include=a.*").clock());
    }

    @Test
    void badScheduleOrClockNamesTheOption() {
        OptionException schedule = assertThrows(OptionException.class, () -> parse("include=a.*,schedule=random:x"));
        assertTrue(schedule.getMessage().contains("schedule=random:x"), schedule.getMessage());
        assertTrue(schedule.getMessage().contains("valid options"), schedule.getMessage());
        OptionException clock = assertThrows(OptionException.class, () -> parse("include=a.*,clock=fast"));
        assertTrue(clock.getMessage().contains("clock=fast"), clock.getMessage());
    }
}
