package io.greening;

import java.io.Serial;

/**
 * Thrown by greening's blocking calls when the waiting thread is interrupted. Like {@link InterruptedException},
 * the interrupt status is cleared when it is thrown; unlike it, it is unchecked, as greening's API is.
 */
public class GreenInterruptedException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** An interrupt of a wait, with the message {@code interrupted while waiting}. */
    public GreenInterruptedException() {
        super("interrupted while waiting");
    }
}
