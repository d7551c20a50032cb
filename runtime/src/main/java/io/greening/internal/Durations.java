package io.greening.internal;

import java.time.Duration;
import java.util.Locale;

/**
 * The one duration grammar of greening's settings: {@code 100ms}, {@code 2s}, {@code 1m}, {@code 250us}, a bare
 * number of milliseconds, or {@code off}. A duration is never negative and always fits in a {@code long} of
 * nanoseconds (about 292 years), so whoever takes it can use {@link Duration#toNanos()} safely.
 */
public final class Durations {
    /** What the grammar expects, as error messages say it. */
    public static final String EXPECTED = "expected a duration such as 100ms, 2s, 1m, 250us or off, under 292 years";

    private Durations() {}

    /**
     * Parses {@code text}; {@code off} gives {@link Duration#ZERO}.
     *
     * @throws IllegalArgumentException with {@link #EXPECTED} as its message
     */
    public static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("off")) {
            return Duration.ZERO;
        }
        try {
            Duration d;
            if (t.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            } else if (t.endsWith("us")) {
                d = Duration.ofNanos(Math.multiplyExact(Long.parseLong(t.substring(0, t.length() - 2)), 1000L));
            } else if (t.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            } else if (t.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            } else {
                d = Duration.ofMillis(Long.parseLong(t));
            }
            if (d.isNegative()) {
                throw new NumberFormatException();
            }
            d.toNanos();   // throws when it does not fit
            return d;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(EXPECTED);
        }
    }
}
