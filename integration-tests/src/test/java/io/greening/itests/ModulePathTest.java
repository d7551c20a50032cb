package io.greening.itests;

import io.greening.forked.ForkedJvm;
import io.greening.Hub;
import io.greening.itests.modulepath.Probe;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
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

    private static ForkedJvm.Result run(List<String> jvmOptions) throws Exception {
        return ForkedJvm.thisJava(jvmOptions, Probe.class).mergeErrors().sampleEvery(null).run(Duration.ofSeconds(60));
    }

    @Test
    void withJavaLangOpenedToTheModuleTheExportedApiRunsAndTheInternalsStayClosed() throws Exception {
        ForkedJvm.Result r = run(List.of("--module-path", RUNTIME, "--add-modules", "io.greening",
                "--add-opens", "java.base/java.lang=io.greening"));
        assertEquals(0, r.exitCode(), r.outputText());
        assertTrue(r.outputText().contains("runtime module: io.greening"), r.outputText());
        assertTrue(r.outputText().contains("answer 42"), r.outputText());
        assertTrue(r.outputText().contains("internal package closed"), r.outputText());
    }

    @Test
    void withoutItTheFailureNamesTheOptionForTheModule() throws Exception {
        ForkedJvm.Result r = run(List.of("--module-path", RUNTIME, "--add-modules", "io.greening"));
        assertNotEquals(0, r.exitCode(), r.outputText());
        assertTrue(r.outputText().contains("--add-opens java.base/java.lang=io.greening"), r.outputText());
    }
}
