package io.greening.testing;

import io.greening.Green;
import io.greening.Timeout;

import java.util.function.BooleanSupplier;

/** Waiting on a condition in tests, green or not (the class's JUnit @Timeout bounds it). */
public final class Conditions {
    private Conditions() {}

    public static void waitUntil(BooleanSupplier condition) {
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
