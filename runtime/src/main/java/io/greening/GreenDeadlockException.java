package io.greening;

import io.greening.diagnostics.DeadlockReport;

import java.io.Serial;

/** Raised in the root green thread of a deterministic hub whose green threads all wait with nothing left to wake them. */
public class GreenDeadlockException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient DeadlockReport report;

    GreenDeadlockException(DeadlockReport report) {
        super("every green thread is blocked and nothing can wake them:\n" + report);
        this.report = report;
    }

    /** The analysis of the hub at the time. */
    public DeadlockReport report() {
        return report;
    }
}
