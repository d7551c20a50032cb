package io.greening.internal;

import java.time.Duration;

/** Parses the durations greening's options take: {@code 100ms}, {@code 2s}, {@code 1m}, {@code 250us}, a bare number of milliseconds, or {@code off}. */
public final class Durations {
    private Durations() {}

    /**
     * Parses {@code text}; {@code off} gives {@link Duration#ZERO}.
     *
     * @param option the option's name, for the error message
     * @throws IllegalArgumentException naming the option and the accepted forms
     */
    public static Duration parse(String option, String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("off")) {
            return Duration.ZERO;
        }
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("us")) {
                return Duration.ofNanos(Math.multiplyExact(Long.parseLong(t.substring(0, t.length() - 2)), 1000));
            }
            if (t.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            if (t.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            return Duration.ofMillis(Long.parseLong(t));
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(option + "=" + text + " is not a duration; use e.g. 100ms, 2s, 1m or off");
        }
    }
}
