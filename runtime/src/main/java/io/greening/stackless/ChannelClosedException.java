package io.greening.stackless;

import java.io.Serial;

/**
 * Thrown by {@link Channel#send} on a closing channel, and by {@link Channel#receive} on a closing channel that
 * has no sender left (Stackless raises {@code ValueError}; iteration ends instead).
 */
public class ChannelClosedException extends IllegalStateException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** An exception with a message naming the operation. */
    public ChannelClosedException(String message) {
        super(message);
    }
}
