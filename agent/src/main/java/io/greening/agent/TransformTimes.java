package io.greening.agent;

import java.util.Arrays;
import java.util.Locale;

/**
 * The load-time transformer's time per selected class, kept apart for classes with nothing to rewrite and classes
 * with rewrites, for the exit report (what the agent costs, class by class).
 */
public final class TransformTimes {
    private long[] plain = new long[1024];
    private int plainCount;
    private long[] rewritten = new long[64];
    private int rewrittenCount;

    synchronized void add(boolean withRewrites, long nanos) {
        if (withRewrites) {
            if (rewrittenCount == rewritten.length) {
                rewritten = Arrays.copyOf(rewritten, rewrittenCount * 2);
            }
            rewritten[rewrittenCount++] = nanos;
        } else {
            if (plainCount == plain.length) {
                plain = Arrays.copyOf(plain, plainCount * 2);
            }
            plain[plainCount++] = nanos;
        }
    }

    /** The median time in nanoseconds of a class with rewrites ({@code withRewrites}) or without, or -1 if none. */
    public synchronized long medianNanos(boolean withRewrites) {
        long[] sorted = withRewrites ? Arrays.copyOf(rewritten, rewrittenCount) : Arrays.copyOf(plain, plainCount);
        if (sorted.length == 0) {
            return -1;
        }
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** The time of all selected classes together, in nanoseconds. */
    public synchronized long totalNanos() {
        long total = 0;
        for (int i = 0; i < plainCount; i++) {
            total += plain[i];
        }
        for (int i = 0; i < rewrittenCount; i++) {
            total += rewritten[i];
        }
        return total;
    }

    /**
     * The report line: {@code transform time: X ms for N classes; per class, median A ms with nothing to rewrite (P),
     * B ms with rewrites (R)}.
     */
    synchronized String describe() {
        return String.format(Locale.ROOT, "transform time: %.1f ms for %d classes; per class, median %s with nothing to rewrite (%d), %s with rewrites (%d)",
                totalNanos() / 1e6, plainCount + rewrittenCount, millis(medianNanos(false)), plainCount,
                millis(medianNanos(true)), rewrittenCount);
    }

    private static String millis(long nanos) {
        return nanos < 0 ? "-" : String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
    }
}
