package io.greening;

import io.greening.modulepath.Probe;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The runtime as a named module, {@code io.greening}, for a user on the module path. */
@org.junit.jupiter.api.Timeout(120)
class ModulePathTest {
    private static final String RUNTIME = runtimeLocation();

    private static String runtimeLocation() {
        try {
            return Path.of(Hub.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void withJavaLangOpenedToTheModuleTheExportedApiRunsAndTheInternalsStayClosed() throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of("--module-path", RUNTIME, "--add-modules", "io.greening",
                "--add-opens", "java.base/java.lang=io.greening"), Probe.class);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("runtime module: io.greening"), r.output());
        assertTrue(r.output().contains("answer 42"), r.output());
        assertTrue(r.output().contains("internal package closed"), r.output());
    }

    @Test
    void withoutItTheFailureNamesTheOptionForTheModule() throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of("--module-path", RUNTIME, "--add-modules", "io.greening"), Probe.class);
        assertNotEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("--add-opens java.base/java.lang=io.greening"), r.output());
    }
}
