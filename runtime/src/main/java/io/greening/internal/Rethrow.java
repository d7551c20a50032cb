package io.greening.internal;

import java.util.concurrent.CompletionException;

/** How greening raises a failure it carried from one thread or greenlet to another. */
public final class Rethrow {
    private Rethrow() {}

    /**
     * Throws {@code failure} if it is an {@link Error}, else returns it as an unchecked exception to throw: a
     * {@link RuntimeException} as it is, a checked exception wrapped in a {@link CompletionException}.
     */
    public static RuntimeException unchecked(Throwable failure) {
        if (failure instanceof RuntimeException e) {
            return e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        return new CompletionException(failure);
    }
}
