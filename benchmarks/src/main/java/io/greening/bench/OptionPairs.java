package io.greening.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A macro harness's command line of {@code --name value} pairs. */
final class OptionPairs {
    private OptionPairs() {}

    /** The pairs in order, each {@code {name, value}}; a name without a value goes to {@code usage}, which exits. */
    static List<String[]> of(String[] args, Consumer<String> usage) {
        List<String[]> pairs = new ArrayList<>();
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                usage.accept("a value is missing after " + args[i]);
            }
            pairs.add(new String[] {args[i], args[i + 1]});
        }
        return pairs;
    }
}
