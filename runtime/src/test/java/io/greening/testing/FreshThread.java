package io.greening.testing;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Runs test code on a new platform thread and rethrows its failure: a fresh thread has a fresh greenlet tree and
 * tasklet scheduler, so what one test leaves behind never runs in another.
 */
public final class FreshThread {
    private FreshThread() {}

    /** Runs {@code body} on a new platform thread, waits for it, and rethrows what it threw. */
    public static void run(Runnable body) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofPlatform().name("fresh-test-thread").start(() -> {
            try {
                body.run();
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        try {
            done.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new AssertionError(e.getCause());
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
