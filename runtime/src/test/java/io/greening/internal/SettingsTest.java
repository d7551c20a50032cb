package io.greening.internal;

import io.greening.HubOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** The one list of {@code greening.*} settings: its grammars, how the runtime reads it, and the docs made from it. */
class SettingsTest {
    @AfterEach
    void backToTheProperties() {
        Settings.uninstall();
    }

    @Test
    void keysAreUniqueAndEveryOneIsNamed() {
        Set<String> keys = new HashSet<>();
        for (Settings.Setting<?> s : Settings.ALL) {
            assertTrue(keys.add(s.key()), "twice: " + s.key());
            assertSame(s, Settings.named(s.key()));
            assertEquals("greening." + s.key(), s.property());
            assertTrue(Settings.validOptions().contains(s.usage()), s.key());
            assertFalse(s.doc().isBlank() || s.defaultText().isBlank(), s.key());
        }
        assertNull(Settings.named("hub"));
    }

    /**
     * Every {@code greening.*} property the code reads is in the list: a read of any other is a typo the agent would
     * refuse. Scans the runtime's and the agent's sources for property reads.
     */
    @Test
    void everyGreeningPropertyInTheSourcesIsASetting() throws IOException {
        List<Path> sources;
        try (var files = Files.walk(Path.of("..").resolve("runtime/src/main/java"))) {
            sources = files.filter(p -> p.toString().endsWith(".java")).toList();
        }
        try (var files = Files.walk(Path.of("..").resolve("agent/src/main/java"))) {
            sources = java.util.stream.Stream.concat(sources.stream(), files.filter(p -> p.toString().endsWith(".java"))).toList();
        }
        java.util.regex.Pattern read = java.util.regex.Pattern.compile(
                "(?:getProperty|getBoolean|getInteger|getLong)\\(\\s*\"greening\\.([a-z.]+)\"");
        for (Path source : sources) {
            var m = read.matcher(Files.readString(source, StandardCharsets.UTF_8));
            while (m.find()) {
                assertNotNull(Settings.named(m.group(1)), source + " reads greening." + m.group(1) + ", which is no setting");
            }
        }
    }

    @Test
    void durationsAreOneGrammarThatNeverOverflows() {
        assertEquals(Duration.ofMillis(100), Durations.parse("100ms"));
        assertEquals(Duration.ofMillis(250), Durations.parse(" 250 "));
        assertEquals(Duration.ofSeconds(2), Durations.parse("2S"));
        assertEquals(Duration.ofNanos(500_000), Durations.parse("500us"));
        assertEquals(Duration.ofMinutes(1), Durations.parse("1m"));
        assertEquals(Duration.ZERO, Durations.parse("off"));
        for (String bad : List.of("9999999999s", "1000000000m", "9223372036855ms", "99999999999999999999", "-5ms",
                "soon", "", "1h", "9223372036854775807us")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
            assertEquals(Durations.EXPECTED, e.getMessage());
        }
        assertEquals(Long.MAX_VALUE / 1_000_000, Durations.parse(Long.MAX_VALUE / 1_000_000 + "ms").toMillis());
    }

    @Test
    void theRuntimeReadsTheAgentsValuesOnceInstalledElseTheProperty() {
        String key = Settings.OFFLOAD_THREADS.property();
        String before = System.getProperty(key);
        try {
            System.clearProperty(key);
            assertEquals(20, Settings.get(Settings.OFFLOAD_THREADS), "the default");
            System.setProperty(key, "7");
            assertEquals(7, Settings.get(Settings.OFFLOAD_THREADS), "the property without the agent");
            System.setProperty(key, "lots");
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Settings.get(Settings.OFFLOAD_THREADS));
            assertEquals("greening: bad value -Dgreening.offload.threads=lots (expected a whole number from 1 to 10000)", bad.getMessage());
            Settings.install(Settings.parse("include=a.*,offload.threads=3", new Properties()));
            assertEquals(3, Settings.get(Settings.OFFLOAD_THREADS), "the agent's value, the property no longer read");
            assertEquals(Duration.ofMillis(100), Settings.get(Settings.STALL), "defaults for what the agent was not given");
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
    }

    @Test
    void hubsGetTheAgentsScheduleAndClockAsParsed() {
        Settings.install(Settings.parse("include=a.*,schedule=pct:7:3:50,clock=virtual", new Properties()));
        assertEquals(HubOptions.DEFAULT.withPctSchedule(7, 3, 50).withVirtualClock(true), HubOptions.configured());
        Settings.uninstall();
        assertEquals(HubOptions.DEFAULT, HubOptions.configured());
    }

    @Test
    void aBadSettingIsOneLineNamingItAndTheValidOptions() {
        Properties typo = new Properties();
        typo.setProperty("greening.hub", "2");
        for (Runnable bad : List.<Runnable>of(
                () -> Settings.parse("include=a.*,stall=9999999999s", new Properties()),
                () -> Settings.parse("include=a.*", typo),
                () -> Settings.parse("include=a.*,patch=network", new Properties()),
                () -> Settings.parse("include=app.", new Properties()))) {
            Settings.BadSettingException e = assertThrows(Settings.BadSettingException.class, bad::run);
            assertTrue(e.getMessage().startsWith("greening: "), e.getMessage());
            assertTrue(e.getMessage().endsWith("; " + Settings.validOptions()), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void patchGroupsByNameAndByTheirOlderNames() {
        assertEquals(Set.of(PatchGroup.TIMED_WAITS), PatchGroup.named("Timed-Waits"));
        assertEquals(Set.of(PatchGroup.SLEEPS, PatchGroup.CLOCKS), PatchGroup.named("sleep"));
        assertEquals(Set.of(PatchGroup.FILE_IO, PatchGroup.DNS), PatchGroup.named("files"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PatchGroup.named("main"));
        assertTrue(e.getMessage().contains("timed-waits"), e.getMessage());
        assertFalse(PatchGroup.patchValues().contains(PatchGroup.MAIN));
    }

    /** The docs hold exactly what {@link SettingsDocs} renders from the list (run its main to update them). */
    @Test
    void theDocsAreGeneratedFromTheList() throws IOException {
        for (String document : SettingsDocs.DOCUMENTS) {
            String text = Files.readString(Path.of("..").resolve(document), StandardCharsets.UTF_8);
            assertTrue(SettingsDocs.parts(text) > 0, document + " has generated parts");
            assertEquals(SettingsDocs.render(text), text, document + " is out of date: run SettingsDocs (see its Javadoc)");
        }
    }
}
