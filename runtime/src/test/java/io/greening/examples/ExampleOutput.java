package io.greening.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/** Runs an example on a fresh platform thread (so a fresh greenlet tree and tasklet scheduler) and returns what it printed. */
final class ExampleOutput {
    private ExampleOutput() {}

    static List<String> linesOf(Consumer<PrintStream> example) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofPlatform().name("example").start(() -> {
            try {
                example.accept(out);
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        try {
            done.get();
        } catch (ExecutionException e) {
            throw new AssertionError("the example failed", e.getCause());
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
