package io.greening.examples;

import io.greening.greenlet.Greenlet;

import java.io.PrintStream;

/**
 * greenlet's first example: test1 prints 12 and switches to test2, which prints 56 and switches back; test1 prints
 * 34 and ends, so control returns to the main greenlet and 78 is never printed.
 *
 * <pre>
 * def test1(): print 12; gr2.switch(); print 34
 * def test2(): print 56; gr1.switch(); print 78
 * gr1 = greenlet(test1); gr2 = greenlet(test2); gr1.switch()
 * </pre>
 */
public final class GreenletSwitchExample {
    private Greenlet gr1;
    private Greenlet gr2;

    /** Runs the example, printing to {@code out}. */
    public static void run(PrintStream out) {
        GreenletSwitchExample example = new GreenletSwitchExample();
        example.gr1 = new Greenlet(args -> {
            out.println(12);
            example.gr2.switchTo();
            out.println(34);
            return null;
        });
        example.gr2 = new Greenlet(args -> {
            out.println(56);
            example.gr1.switchTo();
            out.println(78);
            return null;
        });
        example.gr1.switchTo();
        out.println("gr1 dead: " + example.gr1.isDead() + ", gr2 dead: " + example.gr2.isDead());
    }

    /** Prints 12, 56, 34. */
    public static void main(String[] args) {
        run(System.out);
    }
}
