package io.greening;

import io.greening.internal.LazyLogger;
import java.io.Serial;
import java.util.function.Supplier;

/**
 * Attached (suppressed) to the failure of a run under a random schedule: names the seed and how to replay it.
 */
public final class ReplayHint extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = LazyLogger.named("io.greening.schedule");

    private ReplayHint(HubOptions options) {
        super("failed under " + options + "; replay with -Dgreening.schedule=" + options.schedule()
                + (options.virtualClock() ? " -Dgreening.clock=virtual" : "")
                + " (or the agent options schedule=" + options.schedule() + ")", null, false, false);
    }

    static <T> T attachOnFailure(HubOptions options, Supplier<T> run) {
        try {
            return run.get();
        } catch (RuntimeException | Error e) {
            if (options.isSeeded()) {
                ReplayHint hint = new ReplayHint(options);
                e.addSuppressed(hint);
                LOG.log(System.Logger.Level.WARNING, hint.getMessage());
            }
            throw e;
        }
    }
}
