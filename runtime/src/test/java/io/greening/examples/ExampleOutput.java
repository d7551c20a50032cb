package io.greening.examples;

import io.greening.testing.FreshThread;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/** Runs an example on a fresh platform thread (so a fresh greenlet tree and tasklet scheduler) and returns what it printed. */
final class ExampleOutput {
    private ExampleOutput() {}

    static List<String> linesOf(Consumer<PrintStream> example) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        FreshThread.run(() -> example.accept(out));
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
