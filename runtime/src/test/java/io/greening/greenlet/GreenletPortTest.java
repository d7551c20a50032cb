package io.greening.greenlet;

import io.greening.GreenletExit;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Cases of python-greenlet's own suite (src/greenlet/tests/test_greenlet.py, test_throw.py), ported. */
@org.junit.jupiter.api.Timeout(60)
class GreenletPortTest {

    private static final class IndexError extends RuntimeException {
    }

    /** test_greenlet.py TestGreenlet.test_throw_goes_to_original_parent. */
    @Test
    void throwGoesToTheOriginalParent() {
        Greenlet main = Greenlet.current();
        Greenlet.Run f1 = args -> {
            try {
                main.switchTo("f1 ready to catch");
            } catch (IndexError caught) {
                return "caught";
            }
            return "normal exit";
        };
        Greenlet.Run f2 = args -> main.switchTo("from f2");

        // Both unstarted: the exception kills g2, goes to g1, which dies of it unstarted too, and reaches main.
        Greenlet g1 = new Greenlet(f1);
        Greenlet g2 = new Greenlet(f2, g1);
        Greenlet first = g2;
        assertThrows(IndexError.class, () -> first.throwInto(new IndexError()));
        assertTrue(g2.isDead());
        assertTrue(g1.isDead());

        g1 = new Greenlet(f1);
        g2 = new Greenlet(f2, g1);
        assertEquals("f1 ready to catch", g1.switchTo());
        assertEquals("caught", g2.throwInto(new IndexError()));
        assertTrue(g2.isDead());
        assertTrue(g1.isDead());

        g1 = new Greenlet(f1);
        g2 = new Greenlet(f2, g1);
        assertEquals("f1 ready to catch", g1.switchTo());
        assertEquals("from f2", g2.switchTo());
        assertEquals("caught", g2.throwInto(new IndexError()));
        assertTrue(g2.isDead());
        assertTrue(g1.isDead());
    }

    /** test_throw.py test_class / test_val: an exception thrown into a suspended greenlet that catches it. */
    @Test
    void throwIntoASuspendedGreenletThatCatchesIt() {
        Greenlet main = Greenlet.current();
        Greenlet g = new Greenlet(args -> {
            try {
                main.switchTo("ok");
            } catch (IllegalStateException e) {
                return "caught " + e.getMessage();
            }
            return "fail";
        });
        assertEquals("ok", g.switchTo());
        assertEquals("caught x", g.throwInto(new IllegalStateException("x")));
        assertTrue(g.isDead());
    }

    /** test_throw.py test_kill: a fresh GreenletExit kills a suspended greenlet; its parent gets it as a value. */
    @Test
    void throwingGreenletExitReturnsItToTheParent() {
        Greenlet main = Greenlet.current();
        Greenlet g = new Greenlet(args -> {
            main.switchTo("suspended");
            return "fail";
        });
        assertEquals("suspended", g.switchTo());
        assertInstanceOf(GreenletExit.class, g.throwInto());
        assertTrue(g.isDead());
        assertInstanceOf(GreenletExit.class, g.throwInto());   // immediately eaten by the already-dead greenlet
    }

    /** test_throw.py test_not_throwable and kin, on a valid exception: throwing into the current greenlet raises it there. */
    @Test
    void throwingIntoTheCurrentGreenletRaisesInTheCaller() {
        IllegalStateException boom = new IllegalStateException("boom");
        assertSame(boom, assertThrows(IllegalStateException.class, () -> Greenlet.current().throwInto(boom)));
        assertFalse(Greenlet.current().isDead());
    }

    /** test_greenlet.py test_parent_equals_None: a greenlet made with a null parent has the current one as parent. */
    @Test
    void aNullParentAtCreationIsTheCurrentGreenlet() {
        Greenlet g = new Greenlet(args -> "done", null);
        assertSame(Greenlet.current(), g.parent());
        assertEquals("done", g.switchTo());
        // greenlet refuses a parent that is not a greenlet ("parent must be a greenlet"): so does setParent(null)
        Greenlet h = new Greenlet(args -> null);
        assertThrows(NullPointerException.class, () -> h.setParent(null));
    }

    private static final class SomeError extends RuntimeException {
    }

    /** test_greenlet.py fmain: switches to its parent, records what is raised there and raises it on, else SomeError. */
    private static Greenlet.Run fmain(List<Class<?>> seen) {
        return args -> {
            try {
                Greenlet.current().parent().switchTo();
            } catch (RuntimeException e) {
                seen.add(e.getClass());
                throw e;
            }
            throw new SomeError();
        };
    }

    /** test_greenlet.py TestGreenlet.test_exception: an error goes to the new parent, then to main; dead ones pass on. */
    @Test
    void anErrorGoesToTheReassignedParentThenToMain() {
        List<Class<?>> seen = new ArrayList<>();
        Greenlet g1 = new Greenlet(fmain(seen));
        Greenlet g2 = new Greenlet(fmain(seen));
        g1.switchTo();
        g2.switchTo();
        g2.setParent(g1);
        assertEquals(List.of(), seen);
        assertThrows(SomeError.class, g2::switchTo);
        assertEquals(List.of(SomeError.class), seen);
        assertNull(g2.switchTo());
        assertEquals(25, g2.switchTo(25));
        assertEquals(List.of(SomeError.class), seen);
    }

    /** test_greenlet.py TestGreenlet.test_send_exception: a child's error is raised in its suspended parent. */
    @Test
    void aChildsErrorIsRaisedInItsSuspendedParent() {
        List<Class<?>> seen = new ArrayList<>();
        Greenlet g1 = new Greenlet(fmain(seen));
        g1.switchTo();
        Greenlet crasher = new Greenlet(args -> {
            throw (RuntimeException) args[0];
        }, g1);
        assertThrows(IllegalArgumentException.class, () -> crasher.switchTo(new IllegalArgumentException()));
        assertEquals(List.of(IllegalArgumentException.class), seen);
    }

    /** test_greenlet.py test_switch_to_dead_greenlet_reparent / test_dealloc_switch_args: args of a dead one's switch. */
    @Test
    void switchingToADeadGreenletWithSeveralArgumentsDeliversThemToTheParent() {
        Greenlet g = new Greenlet(args -> "done");
        assertEquals("done", g.switchTo());
        Object back = g.switchTo(1, 2);
        assertArrayEquals(new Object[] {1, 2}, (Object[]) back);
    }

    /** test_greenlet.py test_two_children / test_two_recursive_children: a child that switches to main and dies. */
    @Test
    void twoChildrenBothFinish() {
        List<String> seen = new ArrayList<>();
        Greenlet main = Greenlet.current();
        Greenlet.Run body = args -> {
            seen.add("a");
            main.switchTo();
            seen.add("b");
            return null;
        };
        Greenlet g1 = new Greenlet(body);
        Greenlet g2 = new Greenlet(body);
        g1.switchTo();
        g2.switchTo();
        assertEquals(List.of("a", "a"), seen);
        g1.switchTo();
        g2.switchTo();
        assertEquals(List.of("a", "a", "b", "b"), seen);
        assertTrue(g1.isDead() && g2.isDead());
        assertFalse(g1.isActive());
    }

    /** test_greenlet.py test_falling_off_end_switches_to_unstarted_parent_works: the return value starts the parent. */
    @Test
    void aReturnValueStartsAnUnstartedParent() {
        Greenlet parentNeverStarted = new Greenlet(args -> List.of(args[0], 24));
        Greenlet child = new Greenlet(args -> 42, parentNeverStarted);
        assertEquals(List.of(42, 24), child.switchTo());
        assertTrue(child.isDead());
        assertTrue(parentNeverStarted.isDead());
    }

    /** test_greenlet.py test_switch_to_dead_greenlet_reparent: a switch to a dead child starts its new parent. */
    @Test
    void aSwitchToADeadGreenletStartsItsUnstartedNewParent() {
        List<Integer> seen = new ArrayList<>();
        Greenlet parentNeverStarted = new Greenlet(args -> {
            seen.add(24);
            return null;
        });
        Greenlet child = new Greenlet(args -> {
            seen.add(42);
            return null;
        });
        child.switchTo();
        assertEquals(List.of(42), seen);
        child.setParent(parentNeverStarted);
        assertNull(child.switchTo());
        assertEquals(List.of(42, 24), seen);
    }
}
