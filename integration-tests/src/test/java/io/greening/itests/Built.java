package io.greening.itests;

import io.greening.forked.ForkedJvm;

import java.nio.file.Path;

/** What the build hands the integration tests: the app classes and the agent jar (failsafe system properties). */
final class Built {
    private Built() {}

    /**
     * OS threads the agent's default group of hubs may add to what one hub had: a carrier per core hub beyond the first,
     * and at most one spare carrier per core hub (started while hubs are stuck).
     */
    static final int GROUP_CARRIERS = 2 * Runtime.getRuntime().availableProcessors() - 1;

    /** The directory holding the compiled {@code com.acme.apps}. */
    static Path appClasses() {
        return Path.of(System.getProperty("greening.apps.classes"));
    }

    /** {@code agent/target/greening.jar}, which the reactor builds before this module. */
    static Path agentJar() {
        return ForkedJvm.agentJar();
    }
}
