package io.greening;

import java.util.function.BooleanSupplier;

/** Waiting on a condition in tests, green or not (the class's JUnit @Timeout bounds it). */
final class Conditions {
    private Conditions() {}

    static void waitUntil(BooleanSupplier condition) {
        while (!condition.getAsBoolean()) {
            if (Green.isGreen()) {
                Green.sleep(1);
            } else {
                Thread.onSpinWait();
                Thread.yield();
            }
        }
    }
}
