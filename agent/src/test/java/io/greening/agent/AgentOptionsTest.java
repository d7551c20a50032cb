package io.greening.agent;

import io.greening.HubOptions;
import io.greening.internal.PatchGroup;
import io.greening.internal.Settings;
import io.greening.internal.Settings.BadSettingException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.*;

/** The agent's settings: the argument and the {@code greening.*} properties parsed with the one key list. */
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
        assertEquals(PatchGroup.patchValues(), o.groups());
        assertFalse(o.greenMain());
        assertEquals(Runtime.getRuntime().availableProcessors(), o.settings().get(Settings.HUBS), "hubs=auto");
        assertEquals(Duration.ofMillis(5), o.settings().get(Settings.HANDOFF));
        assertEquals(Duration.ofMillis(100), o.settings().get(Settings.STALL));
        assertEquals("off", o.report());
        assertFalse(o.verbose());
        assertFalse(o.check());
        assertNull(o.jmx());
    }

    @Test
    void everyKeyAndRepeatedListKeys() {
        AgentOptions o = parse("include=com.acme.**,include=org.eclipse.jetty.**,exclude=com.acme.legacy.Native*,"
                + "patch=threads,patch=sleeps,main=green,hubs=4,stall=250ms,report=/tmp/r.txt,verbose=true,"
                + "offload.threads=5,deadlock.grace.ms=200,check=true,jmx=false");
        assertEquals(List.of("com.acme.**", "org.eclipse.jetty.**"), o.include());
        assertEquals(List.of("com.acme.legacy.Native*"), o.exclude());
        assertEquals(EnumSet.of(PatchGroup.THREADS, PatchGroup.SLEEPS, PatchGroup.MAIN), o.groups());
        assertTrue(o.greenMain());
        assertEquals(4, o.settings().get(Settings.HUBS));
        assertEquals(Duration.ofMillis(250), o.settings().get(Settings.STALL));
        assertEquals("/tmp/r.txt", o.report());
        assertTrue(o.verbose());
        assertEquals(5, o.settings().get(Settings.OFFLOAD_THREADS));
        assertEquals(200L, o.settings().get(Settings.DEADLOCK_GRACE_MS));
        assertTrue(o.check());
        assertFalse(o.jmx());
    }

    @Test
    void theOlderGroupNamesStandForTheGroupsTheyCovered() {
        assertEquals(EnumSet.of(PatchGroup.SLEEPS, PatchGroup.CLOCKS), parse("include=a.*,patch=sleep").groups());
        assertEquals(EnumSet.of(PatchGroup.TIMED_WAITS), parse("include=a.*,patch=locks").groups());
        assertEquals(EnumSet.of(PatchGroup.FILE_IO, PatchGroup.DNS, PatchGroup.THREADS),
                parse("include=a.*,patch=files,patch=threads").groups());
    }

    @Test
    void stallOffIsZero() {
        assertEquals(Duration.ZERO, parse("include=a.*,stall=off").settings().get(Settings.STALL));
        assertEquals(Duration.ofSeconds(2), parse("include=a.*,stall=2s").settings().get(Settings.STALL));
    }

    @Test
    void systemPropertiesGiveTheSameKeysAndTheArgumentWins() {
        AgentOptions o = AgentOptions.parse("hubs=3,stall=1s", props("greening.include", "com.acme.**,org.x.*",
                "greening.hubs", "7", "greening.report", "stderr", "greening.offload.threads", "5", "greening.stall", "5s"));
        assertEquals(List.of("com.acme.**", "org.x.*"), o.include());
        assertEquals(3, o.settings().get(Settings.HUBS), "the agent argument wins");
        assertEquals(Duration.ofSeconds(1), o.settings().get(Settings.STALL), "the agent argument wins");
        assertEquals("stderr", o.report());
        assertEquals(5, o.settings().get(Settings.OFFLOAD_THREADS));
    }

    @Test
    void missingIncludeShowsAnExampleAndTheValidOptions() {
        BadSettingException e = assertThrows(BadSettingException.class, () -> parse("hubs=2"));
        assertTrue(e.getMessage().contains("missing option 'include'"), e.getMessage());
        assertTrue(e.getMessage().contains("include=com.acme.**"), e.getMessage());
        assertTrue(e.getMessage().endsWith(Settings.validOptions()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
        assertThrows(BadSettingException.class, () -> parse(null));
        assertThrows(BadSettingException.class, () -> parse(""));
    }

    @Test
    void unknownKeyIsNamed() {
        BadSettingException e = assertThrows(BadSettingException.class, () -> parse("include=a.**,hub=2"));
        assertTrue(e.getMessage().startsWith("greening: unknown option 'hub'"), e.getMessage());
        assertTrue(e.getMessage().contains("hubs=auto|<n>"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void malformedValuesAreNamed() {
        assertMessage("include=a.**,hubs=zero", "bad value hubs=zero");
        assertMessage("include=a.**,hubs=0", "bad value hubs=0");
        assertMessage("include=a.**,hubs=automatic", "bad value hubs=automatic");
        assertMessage("include=a.**,handoff=soon", "bad value handoff=soon");
        assertMessage("include=a.**,patch=network", "bad value patch=network");
        assertMessage("include=a.**,main=fast", "bad value main=fast");
        assertMessage("include=a.**,stall=soon", "bad value stall=soon");
        assertMessage("include=a.**,stall=-5ms", "bad value stall=-5ms");
        assertMessage("include=a.**,verbose=yes", "bad value verbose=yes");
        assertMessage("include=a.**,report=", "bad value report=");
        assertMessage("include=a b", "bad value include=a b");
        assertMessage("include=a.**,noequals", "malformed option 'noequals'");
        assertMessage("include=a.**,hubs=2,hubs=3", "option 'hubs' given twice");
        assertMessage("include=app.", "bad value include=app.");
        assertMessage("include=com.acme-x.**", "bad value include=com.acme-x.**");
        assertEquals(List.of("com.\u00e4cme.$Proxy*", "\ud801\udc00.**"),
                parse("include=com.\u00e4cme.$Proxy*,include=\ud801\udc00.**").include(), "identifier characters beyond ASCII");
        assertMessage("include=a.**,schedule=pct:1:0", "bad value schedule=pct:1:0");
        assertMessage("include=a.**,offload.threads=0", "bad value offload.threads=0");
        assertMessage("include=a.**,deadlock.grace.ms=0", "bad value deadlock.grace.ms=0");
        assertMessage("include=a.**,check=1", "bad value check=1");
    }

    @Test
    void anOverflowingDurationIsABadValueNotACrash() {
        assertMessage("include=a.**,stall=9999999999s", "bad value stall=9999999999s (expected a duration");
        assertMessage("include=a.**,stall=1000000000m", "bad value stall=1000000000m");
        assertMessage("include=a.**,stall=99999999999999999999", "bad value stall=99999999999999999999");
        assertEquals(Duration.ofDays(365 * 290L), parse("include=a.**,stall=" + 365 * 290 * 24 * 60 + "m").settings().get(Settings.STALL));
    }

    @Test
    void aReportFileMustBeWritableWhereItIsNamed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        assertMessage("include=a.**,report=" + dir, "is a directory");
        assertMessage("include=a.**,report=" + dir.resolve("missing/report.txt"), "does not exist");
        assertEquals(dir.resolve("report.txt").toString(), parse("include=a.**,report=" + dir.resolve("report.txt")).report());
    }

    private static void assertMessage(String argument, String expected) {
        BadSettingException e = assertThrows(BadSettingException.class, () -> parse(argument), argument);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    /** Parsing {@code argument} with the properties {@code keyValues} fails with one line starting {@code start}. */
    private static void assertBadProperty(String argument, String start, String... keyValues) {
        BadSettingException e = assertThrows(BadSettingException.class, () -> AgentOptions.parse(argument, props(keyValues)));
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
        assertTrue(e.getMessage().endsWith(Settings.validOptions()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void badSystemPropertyIsTheSameOneLineEvenWhenTheArgumentWins() {
        assertBadProperty("include=a.**", "greening: bad value -Dgreening.hubs=many (", "greening.hubs", "many");
        assertBadProperty("include=a.**,stall=1s", "greening: bad value -Dgreening.stall=xyz (", "greening.stall", "xyz");
    }

    @Test
    void anUnknownGreeningPropertyIsAnError() {
        assertBadProperty("include=a.**", "greening: unknown property -Dgreening.hub;", "greening.hub", "2");
        assertEquals(List.of("a.**"), AgentOptions.parse("include=a.**", props("greeningx.hub", "2", "other", "1")).include(),
                "only the greening.* namespace is ours");
    }

    @Test
    void scheduleAndClockMakeMainGreenUnlessToldOtherwise() {
        AgentOptions o = parse("include=a.*,schedule=random:42,clock=virtual");
        assertEquals(new HubOptions(42L, true), o.hubOptions());
        assertTrue(o.greenMain());
        assertTrue(o.groups().contains(PatchGroup.MAIN), "the main prologue row is on");
        assertFalse(parse("include=a.*,clock=virtual,main=platform").greenMain());
        assertEquals(HubOptions.DEFAULT, parse("include=a.*").hubOptions());
    }

    @Test
    void aSeededScheduleKeepsVirtualTimeUnlessTheClockIsGivenAsReal() {
        assertEquals(new HubOptions(7L, true), parse("include=a.*,schedule=random:7").hubOptions());
        assertEquals("schedule=pct:7:3:1000,clock=virtual", parse("include=a.*,schedule=pct:7:3").hubOptions().toString());
        assertEquals(new HubOptions(7L, false), parse("include=a.*,schedule=random:7,clock=real").hubOptions());
        assertEquals(HubOptions.DEFAULT, parse("include=a.*,schedule=fifo").hubOptions());
    }

    @Test
    void aPctScheduleKeepsItsDepthUnderTheVirtualClock() {
        assertEquals("schedule=pct:7:3:1000,clock=virtual", parse("include=a.*,schedule=pct:7:3,clock=virtual").hubOptions().toString());
        assertEquals("schedule=pct:7:3:1000,clock=virtual", AgentOptions.parse("include=a.*",
                props("greening.schedule", "pct:7:3", "greening.clock", "virtual")).hubOptions().toString());
    }

    @Test
    void badScheduleOrClockNamesTheOption() {
        BadSettingException schedule = assertThrows(BadSettingException.class, () -> parse("include=a.*,schedule=random:x"));
        assertTrue(schedule.getMessage().contains("schedule=random:x"), schedule.getMessage());
        assertTrue(schedule.getMessage().contains("valid options"), schedule.getMessage());
        BadSettingException clock = assertThrows(BadSettingException.class, () -> parse("include=a.*,clock=fast"));
        assertTrue(clock.getMessage().contains("clock=fast"), clock.getMessage());
    }
}
