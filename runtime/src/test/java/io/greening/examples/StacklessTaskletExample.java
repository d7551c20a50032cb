package io.greening.examples;

import io.greening.stackless.Channel;
import io.greening.stackless.Stackless;
import io.greening.stackless.Tasklet;

import java.io.PrintStream;

/**
 * The Stackless notes' first examples: a tasklet does not run when created, only when {@code stackless.run()} runs
 * the scheduler; and a channel passes a message from a sending tasklet to a receiving one, each blocking until the
 * other comes.
 *
 * <pre>
 * def print_x(x): print x
 * stackless.tasklet(print_x)('one')
 * stackless.run()
 *
 * channel = stackless.channel()
 * def recv_tasklet(): msg = channel.receive(); print msg
 * def send_tasklet(): channel.send('hello')
 * </pre>
 */
public final class StacklessTaskletExample {
    private StacklessTaskletExample() {}

    /** Runs the example, printing to {@code out}. */
    public static void run(PrintStream out) {
        new Tasklet(args -> out.println(args[0]), "one");
        out.println("created; run count " + Stackless.getRunCount());
        Stackless.run();

        Channel<String> channel = new Channel<>();
        new Tasklet(() -> out.println(channel.receive()));
        new Tasklet(() -> channel.send("hello"));
        Stackless.run();
        out.println("run count " + Stackless.getRunCount());
    }

    /** Prints the tasklet's "one", then the channel's "hello". */
    public static void main(String[] args) {
        run(System.out);
    }
}
