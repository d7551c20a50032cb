package io.greening.examples;

import io.greening.greenlet.Greenlet;

import java.io.PrintStream;

/**
 * greenlet's value-passing example: the first switch passes "hello" and " world" to test1, which switches to test2
 * with their concatenation; test2 prints it and switches back with 42, which test1's switch returns and prints.
 *
 * <pre>
 * def test1(x, y): z = gr2.switch(x + y); print z
 * def test2(u): print u; gr1.switch(42)
 * gr1 = greenlet(test1); gr2 = greenlet(test2); gr1.switch("hello", " world")
 * </pre>
 */
public final class GreenletValuePassingExample {
    private Greenlet gr1;
    private Greenlet gr2;

    /** Runs the example, printing to {@code out}. */
    public static void run(PrintStream out) {
        GreenletValuePassingExample example = new GreenletValuePassingExample();
        example.gr1 = new Greenlet(args -> {
            Object z = example.gr2.switchTo((String) args[0] + args[1]);
            out.println(z);
            return null;
        });
        example.gr2 = new Greenlet(args -> {
            out.println(args[0]);
            example.gr1.switchTo(42);
            return null;
        });
        example.gr1.switchTo("hello", " world");
    }

    /** Prints "hello world" then 42. */
    public static void main(String[] args) {
        run(System.out);
    }
}
