package io.greening.itests;

import io.greening.forked.ForkedJvm;

import java.nio.file.Path;

/** What the build hands the integration tests: the app classes and the agent jar (failsafe system properties). */
final class Built {
    private Built() {}

    /** The directory holding the compiled {@code com.acme.apps}. */
    static Path appClasses() {
        return Path.of(System.getProperty("greening.apps.classes"));
    }

    /** {@code agent/target/greening.jar}, which the reactor builds before this module. */
    static Path agentJar() {
        return ForkedJvm.agentJar();
    }
}
