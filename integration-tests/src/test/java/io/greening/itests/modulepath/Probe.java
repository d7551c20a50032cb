package io.greening.itests.modulepath;

import io.greening.Green;
import io.greening.sync.Queue;

/**
 * A library user of the runtime on the module path (see {@code ModulePathTest}): its own class sits on the class
 * path, in a package of no module, and reads the {@code io.greening} module.
 */
public final class Probe {
    private Probe() {}

    /** Runs a green thread through the exported API, then tries an internal class. */
    public static void main(String[] args) throws Exception {
        System.out.println("runtime module: " + Green.class.getModule().getName());
        int answer = Green.run(() -> {
            Queue<Integer> queue = new Queue<>();
            Green.spawn(() -> queue.put(21));
            return queue.get() * 2;
        });
        System.out.println("answer " + answer);
        try {
            Class.forName("io.greening.internal.Access").getMethod("greening").invoke(null);
            System.out.println("internal package open");
        } catch (IllegalAccessException expected) {
            System.out.println("internal package closed");
        }
    }
}
