package io.greening;

import java.io.Serial;

/**
 * Raised in a green thread at its next blocking point after its {@link Timeout} expired. An {@link Error}, as gevent's
 * {@code Timeout} is a {@code BaseException}, so {@code catch (Exception e)} does not swallow it; catch it and
 * check {@link #isFrom(Timeout)} to tell your timeout from an enclosing one.
 */
public class GreenTimeout extends Error {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient Timeout timeout;

    GreenTimeout(Timeout timeout) {
        super("timed out after " + timeout.duration());
        this.timeout = timeout;
    }

    /** Whether this was raised by {@code timeout} (and not by an enclosing one). */
    public boolean isFrom(Timeout timeout) {
        return this.timeout == timeout;
    }

    /** The timeout that raised this. */
    public Timeout timeout() {
        return timeout;
    }
}
