package io.greening.examples;

import io.greening.stackless.Stackless;
import io.greening.stackless.Tasklet;

import java.io.PrintStream;

/**
 * Cooperative scheduling: each tasklet prints, then {@code stackless.schedule()} moves it to the end of the run
 * queue and the next one runs, so the three tasklets take turns.
 *
 * <pre>
 * def print_three_times(x):
 *     print "1:", x; stackless.schedule()
 *     print "2:", x; stackless.schedule()
 *     print "3:", x; stackless.schedule()
 * stackless.tasklet(print_three_times)('first')
 * stackless.tasklet(print_three_times)('second')
 * stackless.tasklet(print_three_times)('third')
 * stackless.run()
 * </pre>
 */
public final class StacklessScheduleExample {
    private StacklessScheduleExample() {}

    /** Runs the example, printing to {@code out}. */
    public static void run(PrintStream out) {
        Tasklet.Body printThreeTimes = args -> {
            for (int i = 1; i <= 3; i++) {
                out.println(i + ": " + args[0]);
                Stackless.schedule();
            }
        };
        new Tasklet(printThreeTimes, "first");
        new Tasklet(printThreeTimes, "second");
        new Tasklet(printThreeTimes, "third");
        Stackless.run();
    }

    /** Prints the interleaved lines. */
    public static void main(String[] args) {
        run(System.out);
    }
}
