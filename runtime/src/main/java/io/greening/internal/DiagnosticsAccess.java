package io.greening.internal;

import io.greening.Hub;
import io.greening.diagnostics.DeadlockReport;

/**
 * What {@code io.greening.diagnostics} does for a hub's loop, through {@link Access#diagnostics()}; implemented by
 * {@code StallMonitor}.
 */
public interface DiagnosticsAccess {
    /** Starts watching {@code hub} for stalls. */
    void watch(Hub hub);

    /** Stops watching {@code hub}, which closed. */
    void unwatch(Hub hub);

    /** Analyses what the hub's green threads wait on. Carrier only. */
    DeadlockReport analyze(Hub hub);

    /**
     * Called by the hub's loop when it has stayed quiet for its grace period: nothing ready, no timer, no I/O or
     * offload in flight, yet green threads alive. Reports it; returns the report if the hub is deterministic (a
     * random schedule or a virtual clock: nothing from outside is expected to wake its threads), so that the hub
     * fails its root green thread with it, else {@code null}. Carrier only.
     */
    DeadlockReport reportQuiet(Hub hub);
}
