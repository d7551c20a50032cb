package io.greening.internal;

import java.util.concurrent.Callable;

/** The bodies of green threads. */
public final class Callables {
    private Callables() {}

    /** {@code body} as a body that returns {@code null}. */
    public static Callable<Void> of(Runnable body) {
        return () -> {
            body.run();
            return null;
        };
    }
}
