package io.greening.itests;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the build hands the integration tests: the app classes and the agent jar (failsafe system properties). */
final class Built {
    private Built() {}

    /** The directory holding the compiled {@code com.acme.apps}. */
    static Path appClasses() {
        return Path.of(System.getProperty("greening.apps.classes"));
    }

    /** {@code agent/target/greening.jar}, which the reactor builds before this module. */
    static Path agentJar() {
        Path agent = Path.of(System.getProperty("greening.agent.jar"));
        assertTrue(Files.isRegularFile(agent), "the agent jar is built before the integration tests: " + agent);
        return agent;
    }
}
