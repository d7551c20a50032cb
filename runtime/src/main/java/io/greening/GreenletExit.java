package io.greening;

import java.io.Serial;

/**
 * Raised in a green thread by {@link GreenThread#kill()} at its blocking point, so its {@code finally} blocks run.
 * It is an {@link Error}, as {@code GreenletExit} is a {@code BaseException} in greenlet: a {@code catch (Exception e)}
 * in application code must not swallow a kill. A green thread that ends with it is dead, not failed.
 */
public class GreenletExit extends Error {
    @Serial
    private static final long serialVersionUID = 1L;

    /** A plain kill. */
    public GreenletExit() {
        super("green thread killed");
    }

    /** A kill with a message. */
    public GreenletExit(String message) {
        super(message);
    }
}
