package io.greening.stackless;

import io.greening.GreenletExit;

import java.io.Serial;

/**
 * Raised in a tasklet by {@link Tasklet#kill()}; a tasklet that ends with it dies silently, without the exception
 * reaching the main tasklet. It is a {@link GreenletExit}, as Stackless's {@code TaskletExit} is a
 * {@code SystemExit}: ordinary {@code catch (Exception e)} blocks do not swallow it.
 */
public class TaskletExit extends GreenletExit {
    @Serial
    private static final long serialVersionUID = 1L;

    /** A plain kill. */
    public TaskletExit() {
        super("tasklet killed");
    }
}
