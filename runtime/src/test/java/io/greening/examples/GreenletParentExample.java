package io.greening.examples;

import io.greening.GreenletExit;
import io.greening.greenlet.Greenlet;

import java.io.PrintStream;

/**
 * greenlet's parent examples. Both greenlets of test1/test2 have the main greenlet as parent, so when one dies
 * control returns to main. An uncaught exception propagates to the parent: if test2 has a typo (here, a greenlet
 * reference that was never set), the exception kills gr2 and reaches main, with test2, not test1, in its stack.
 * {@code GreenletExit} is not propagated: the parent receives it as a value.
 */
public final class GreenletParentExample {
    private Greenlet gr1;
    private Greenlet gr2;
    private Greenlet gr1Typo;   // test2's typo: it names a greenlet that does not exist

    /** Runs the example, printing to {@code out}. */
    public static void run(PrintStream out) {
        GreenletParentExample example = new GreenletParentExample();
        Greenlet main = Greenlet.current();
        example.gr1 = new Greenlet(args -> {
            out.println(12);
            example.gr2.switchTo();
            out.println(34);
            return null;
        });
        example.gr2 = new Greenlet(args -> example.test2(out));
        out.println("parents are main: " + (example.gr1.parent() == main && example.gr2.parent() == main));
        try {
            example.gr1.switchTo();
            out.println("no exception");
        } catch (NullPointerException e) {
            out.println("main caught " + e.getClass().getSimpleName() + " raised in "
                    + e.getStackTrace()[0].getMethodName());
        }
        out.println("gr2 dead: " + example.gr2.isDead() + ", gr1 active: " + example.gr1.isActive());

        Greenlet child = new Greenlet(args -> {
            try {
                main.switchTo("child waiting");
                return "never";
            } finally {
                out.println("child's finally ran");
            }
        });
        out.println(child.switchTo());
        Object result = child.throwInto();   // GreenletExit by default
        out.println("parent received " + (result instanceof GreenletExit ? "GreenletExit as a value" : result));
    }

    private Object test2(PrintStream out) {
        out.println(56);
        gr1Typo.switchTo();   // the typo: a NullPointerException, raised in test2
        out.println(78);
        return null;
    }

    /** Prints the parent and propagation walk-through. */
    public static void main(String[] args) {
        run(System.out);
    }
}
