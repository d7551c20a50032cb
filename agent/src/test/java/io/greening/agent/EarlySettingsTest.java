package io.greening.agent;

import io.greening.internal.PatchGroup;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.*;

/**
 * premain parses the settings in a class loader of its own, before the runtime is in the boot loader
 * ({@link EarlySettings}): it must take and refuse exactly what the agent's own parse does, with the same one line, and
 * leave the application's view of the runtime alone.
 */
class EarlySettingsTest {
    private static final Path CLASSES = Path.of("target/classes");

    @Test
    void theIsolatedParseSeesWhatTheAgentsParseSees() throws Exception {
        BiFunction<String, Properties, Object[]> parser = parser();
        Properties properties = new Properties();
        properties.setProperty("greening.report", "stderr");
        for (String argument : List.of("include=com.acme.**", "include=com.acme.**,exclude=com.acme.x.*,verbose=true,check=true",
                "include=a.B,patch=sleeps,patch=threads,schedule=random:7,jmx=false", "include=a.**,main=green")) {
            EarlySettings.Values early = new EarlySettings.Values(parser.apply(argument, properties));
            AgentOptions options = AgentOptions.parse(argument, properties);
            assertEquals(options.include(), early.include, argument);
            assertEquals(options.exclude(), early.exclude, argument);
            assertEquals(options.verbose(), early.verbose, argument);
            assertEquals(options.check(), early.check, argument);
            assertEquals(options.greenMain(), early.greenMain, argument);
            assertEquals(options.groups().contains(PatchGroup.WAITS), early.monitorEntries, argument);
            assertEquals(options.report(), early.report, argument);
            assertEquals(options.jmx(), early.jmx, argument);
        }
    }

    @Test
    void aBadSettingIsTheSameOneLine() throws Exception {
        BiFunction<String, Properties, Object[]> parser = parser();
        Properties bad = new Properties();
        bad.setProperty("greening.stall", "soon");
        for (Object[] input : new Object[][] {{"include=com.acme.**,bogus=1", new Properties()}, {"", new Properties()},
                {"include=com.acme.**", bad}}) {
            String argument = (String) input[0];
            Properties properties = (Properties) input[1];
            IllegalArgumentException expected = assertThrows(IllegalArgumentException.class,
                    () -> AgentOptions.parse(argument, properties));
            IllegalArgumentException early = assertThrows(IllegalArgumentException.class, () -> parser.apply(argument, properties));
            assertEquals(expected.getMessage(), early.getMessage());
        }
    }

    @Test
    void itsRuntimeClassesAreItsOwn() throws Exception {
        BiFunction<String, Properties, Object[]> parser = parser();
        ClassLoader loader = parser.getClass().getClassLoader();
        assertNotSame(AgentOptions.class.getClassLoader(), loader);
        Class<?> settings = Class.forName("io.greening.internal.Settings", false, loader);
        assertSame(loader, settings.getClassLoader());
        assertNotSame(io.greening.internal.Settings.class, settings);
    }

    @Test
    void theSnapshotHoldsTheGreeningPropertiesAsTheyWere() {
        Properties system = new Properties();
        system.setProperty("greening.stall", "1s");
        system.setProperty("java.version", "25");
        Properties snapshot = EarlySettings.snapshot(system);
        system.setProperty("greening.stall", "2s");
        system.setProperty("greening.report", "stderr");
        assertEquals("1s", snapshot.getProperty("greening.stall"));
        assertEquals(1, snapshot.size());
    }

    private static BiFunction<String, Properties, Object[]> parser() throws Exception {
        try (InputStream bundle = Files.newInputStream(CLASSES.resolve(RuntimeBundle.RESOURCE))) {
            return EarlySettings.parser(bundle, Files.readAllBytes(CLASSES.resolve("io/greening/agent/AgentOptions.class")),
                    Files.readAllBytes(CLASSES.resolve("io/greening/agent/SettingsCheck.class")));
        }
    }
}
