package io.greening.testing;

import io.greening.Green;

import java.util.function.BooleanSupplier;

/** Waiting on a condition in tests, green or not (the class's JUnit @Timeout bounds it). */
public final class Conditions {
    private Conditions() {}

    /**
     * Returns once {@code condition} holds. An interrupt (what JUnit's {@code @Timeout} sends when it expires) ends the
     * wait with an {@link AssertionError}.
     */
    public static void waitUntil(BooleanSupplier condition) {
        while (!condition.getAsBoolean()) {
            if (Green.isGreen()) {
                Green.sleep(1);
            } else {
                Thread.onSpinWait();
                Thread.yield();
                if (Thread.interrupted()) {
                    throw new AssertionError("interrupted while waiting for a condition (the test's @Timeout?)");
                }
            }
        }
    }
}
