package io.greening.greenlet;

import io.greening.Green;
import io.greening.GreenletExit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(60)
class GreenletTest {

    @Test
    void firstSwitchPassesArgumentsToRunAndLaterSwitchesReturnValues() {
        List<Object> seen = new ArrayList<>();
        Greenlet main = Greenlet.current();
        Greenlet child = new Greenlet(args -> {
            seen.add(List.of(args));
            Object back = main.switchTo("from child");
            seen.add(back);
            return "done";
        });
        assertEquals("from child", child.switchTo(1, 2));
        assertTrue(child.isActive());
        assertEquals("done", child.switchTo("again"));
        assertEquals(List.of(List.of(1, 2), "again"), seen);
        assertTrue(child.isDead());
        assertFalse(child.isActive());
    }

    @Test
    void switchValuesAreNullForNoneTheValueForOneAndTheArrayForSeveral() {
        Greenlet main = Greenlet.current();
        Greenlet echo = new Greenlet(args -> {
            while (true) {
                main.switchTo("ready");
            }
        });
        assertEquals("ready", echo.switchTo());
        Greenlet child = new Greenlet(args -> {
            Object none = main.switchTo();
            Object one = main.switchTo();
            Object several = main.switchTo();
            return List.of(String.valueOf(none), one, Arrays.asList((Object[]) several));
        });
        child.switchTo();
        child.switchTo();
        child.switchTo("one");
        assertEquals(List.of("null", "one", List.of("a", "b")), child.switchTo("a", "b"));
    }

    @Test
    void anExceptionPropagatesToTheParent() {
        IllegalStateException boom = new IllegalStateException("boom");
        Greenlet child = new Greenlet(args -> { throw boom; });
        assertSame(boom, assertThrows(IllegalStateException.class, child::switchTo));
        assertTrue(child.isDead());
    }

    @Test
    void aCheckedExceptionReachesTheParentWrapped() {
        Exception checked = new Exception("checked");
        Greenlet child = new Greenlet(args -> { throw checked; });
        assertSame(checked, assertThrows(CompletionException.class, child::switchTo).getCause());
    }

    @Test
    void greenletExitIsReturnedToTheParentAsAValue() {
        Greenlet main = Greenlet.current();
        AtomicBoolean cleaned = new AtomicBoolean();
        Greenlet child = new Greenlet(args -> {
            try {
                main.switchTo();
                return "not reached";
            } finally {
                cleaned.set(true);
            }
        });
        child.switchTo();
        Object result = child.throwInto();
        assertInstanceOf(GreenletExit.class, result);
        assertTrue(cleaned.get());
        assertTrue(child.isDead());
    }

    @Test
    void throwIntoRaisesAtTheSuspendedSwitch() {
        Greenlet main = Greenlet.current();
        Greenlet child = new Greenlet(args -> {
            try {
                main.switchTo();
                return "no";
            } catch (IllegalArgumentException e) {
                return "caught " + e.getMessage();
            }
        });
        child.switchTo();
        assertEquals("caught x", child.throwInto(new IllegalArgumentException("x")));
    }

    @Test
    void throwingIntoAnUnstartedGreenletKillsItWithoutRunningIt() {
        AtomicBoolean ran = new AtomicBoolean();
        Greenlet child = new Greenlet(args -> {
            ran.set(true);
            return null;
        });
        assertInstanceOf(GreenletExit.class, child.throwInto());
        assertFalse(ran.get());
        assertTrue(child.isDead());
    }

    @Test
    void aSwitchToADeadGreenletIsDeliveredToTheLiveAncestor() {
        Greenlet main = Greenlet.current();
        AtomicReference<Object> received = new AtomicReference<>();
        Greenlet middle = new Greenlet(args -> {
            received.set(main.switchTo("middle waiting"));
            return "middle done";
        });
        assertEquals("middle waiting", middle.switchTo());
        Greenlet leaf = new Greenlet(args -> "leaf done", middle);
        // leaf dies and returns to middle, whose main.switchTo returns "leaf done", then middle ends: back to main.
        assertEquals("middle done", leaf.switchTo());
        assertEquals("leaf done", received.get());
        assertTrue(leaf.isDead());
        // Switching to the dead leaf now goes to middle (dead) and on to main, the caller itself.
        assertEquals("to the dead", leaf.switchTo("to the dead"));
    }

    @Test
    void aParentCycleIsRefused() {
        Greenlet a = new Greenlet(args -> null);
        Greenlet b = new Greenlet(args -> null, a);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.setParent(b));
        assertTrue(e.getMessage().contains("cyclic"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> a.setParent(a));
        Greenlet c = new Greenlet(args -> null);
        b.setParent(c);
        assertSame(c, b.parent());
    }

    @Test
    void theMainGreenletIsActiveAndHasNoParent() {
        Greenlet main = Greenlet.current();
        assertTrue(main.isMain());
        assertTrue(main.isActive());
        assertFalse(main.isDead());
        assertNull(main.parent());
        Greenlet child = new Greenlet(args -> Greenlet.current());
        assertFalse(child.isActive());
        assertFalse(child.isDead());
        assertSame(main, child.parent());
        assertSame(child, child.switchTo());
    }

    @Test
    void eachThreadHasItsOwnMainAndCannotSwitchToAnotherThreadsGreenlet() throws Exception {
        Greenlet mine = new Greenlet(args -> "mine");
        CompletableFuture<Object> other = new CompletableFuture<>();
        Thread thread = Thread.ofPlatform().start(() -> {
            try {
                other.complete(List.of(Greenlet.current() != null, Greenlet.current().isMain(),
                        Greenlet.current() != mine.parent()));
                mine.switchTo();
            } catch (Throwable t) {
                other.complete(t);
            }
        });
        thread.join();
        CompletableFuture<Object> refused = new CompletableFuture<>();
        Thread second = Thread.ofPlatform().start(() -> {
            try {
                mine.switchTo();
                refused.complete("switched");
            } catch (Throwable t) {
                refused.complete(t);
            }
        });
        second.join();
        assertEquals(List.of(true, true, true), other.get(0, TimeUnit.SECONDS));
        IllegalStateException e = assertInstanceOf(IllegalStateException.class, refused.get(0, TimeUnit.SECONDS));
        assertTrue(e.getMessage().contains("belongs to thread"), e.getMessage());
        assertEquals("mine", mine.switchTo());
    }

    @Test
    void aSuspendedGreenletShowsTheFrameThatSwitched() {
        Greenlet main = Greenlet.current();
        Greenlet child = new Greenlet(args -> suspendHere(main));
        assertEquals(0, child.stackTrace().length);
        child.switchTo();
        StackTraceElement[] stack = child.stackTrace();
        assertTrue(stack.length > 0);
        assertEquals("suspendHere", stack[0].getMethodName(), Arrays.toString(stack));
        child.switchTo();
        assertEquals(0, child.stackTrace().length);
    }

    private static Object suspendHere(Greenlet main) {
        return main.switchTo();
    }

    @Test
    void theTraceHookSeesSwitchesAndThrows() {
        List<String> events = new ArrayList<>();
        Greenlet main = Greenlet.current();
        Greenlet child = new Greenlet(args -> {
            try {
                main.switchTo();
            } catch (IllegalStateException e) {
                return "caught";
            }
            return "no";
        });
        Greenlet.Tracer previous = Greenlet.settrace((event, origin, target) ->
                events.add(event + " " + (origin == main ? "main" : "child") + "->" + (target == main ? "main" : "child")));
        try {
            child.switchTo();
            child.throwInto(new IllegalStateException());
        } finally {
            Greenlet.settrace(previous);
        }
        assertEquals(List.of("switch main->child", "switch child->main", "throw main->child", "switch child->main"),
                events);
    }

    @Test
    void anUnreferencedSuspendedGreenletIsKilledSoItsFinallyRuns() throws Exception {
        AtomicBoolean finallyRan = new AtomicBoolean();
        AtomicReference<Throwable> killedWith = new AtomicReference<>();
        startAndDrop(finallyRan, killedWith);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!finallyRan.get() && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(10);
            Greenlet.current();   // the owner's next greenlet operation reaps what the collector found
        }
        assertTrue(finallyRan.get(), "the dropped greenlet was not killed");
        assertInstanceOf(GreenletExit.class, killedWith.get());
    }

    private static void startAndDrop(AtomicBoolean finallyRan, AtomicReference<Throwable> killedWith) {
        Greenlet g = new Greenlet(args -> {
            try {
                Greenlet.current().parent().switchTo();
                return null;
            } catch (Throwable t) {
                killedWith.set(t);
                throw t;
            } finally {
                finallyRan.set(true);
            }
        });
        g.switchTo();
        assertFalse(finallyRan.get());
    }

    @Test
    void greenletsWorkOnAGreenThreadAndCanSleepGreen() {
        String result = Green.run(() -> {
            Greenlet main = Greenlet.current();
            Greenlet child = new Greenlet(args -> {
                Green.sleep(Duration.ofMillis(5));
                return main.switchTo("slept") + "!";
            });
            Object first = child.switchTo();
            return first + " " + child.switchTo("woken");
        });
        assertEquals("slept woken!", result);
    }

    @Test
    void greenletsWorkOnAJdkVirtualThread() throws Exception {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            Greenlet main = Greenlet.current();
            Greenlet child = new Greenlet(args -> main.switchTo(args[0] + "1") + "3");
            Object first = child.switchTo("0");
            result.set(first + "" + child.switchTo("2"));
        }).join();
        assertEquals("0123", result.get());
    }

    @Test
    void aPlatformThreadsGreenletCanSleepGreen() {
        Greenlet child = new Greenlet(args -> {
            Green.sleep(Duration.ofMillis(5));
            return "after sleep";
        });
        assertEquals("after sleep", child.switchTo());
    }

    @Test
    void aSwitchHandsOffDirectlyWithoutRunningTheHubsOtherReadyThreads() {
        List<String> log = Green.run(() -> {
            List<String> events = new ArrayList<>();
            Green.spawn(() -> events.add("other green thread"));   // ready on the hub from now on
            Greenlet main = Greenlet.current();
            Greenlet child = new Greenlet(args -> {
                while (true) {
                    main.switchTo();
                }
            });
            for (int i = 0; i < 100; i++) {
                child.switchTo();
            }
            events.add("100 round trips");
            Green.cede();
            events.add("after cede");
            return events;
        });
        assertEquals(List.of("100 round trips", "other green thread", "after cede"), log);
    }

    // ---- ported from greenlet's own tests (src/greenlet/tests), named after them ----

    static final class SomeError extends RuntimeException {
    }

    private static Object switchToParent(Object... args) {
        return Greenlet.current().parent().switchTo(args);
    }

    /** test_throw.py, test_kill: a dead greenlet eats a GreenletExit and returns it as a value. */
    @Test
    void throwKill() {
        Greenlet g = new Greenlet(args -> {
            switchToParent("ok");
            switchToParent("fail");
            return null;
        });
        assertEquals("ok", g.switchTo());
        assertInstanceOf(GreenletExit.class, g.throwInto());
        assertTrue(g.isDead());
        assertInstanceOf(GreenletExit.class, g.throwInto());   // immediately eaten by the already-dead greenlet
        GreenletExit mine = new GreenletExit();
        assertSame(mine, g.throwInto(mine));
        // Any other exception thrown at the dead greenlet goes on to its live ancestor: here the caller.
        assertThrows(SomeError.class, () -> g.throwInto(new SomeError()));
    }

    /** test_tracing.py, test_a_greenlet_tracing: a greenlet that ends by throwing is traced as "throw". */
    @Test
    void aGreenletTracing() {
        Greenlet main = Greenlet.current();
        List<List<Object>> actions = new ArrayList<>();
        Greenlet.Tracer previous = Greenlet.settrace((event, origin, target) -> actions.add(List.of(event, origin, target)));
        Greenlet g1;
        Greenlet g2;
        try {
            g1 = new Greenlet(args -> null);
            g1.switchTo();
            g2 = new Greenlet(args -> { throw new SomeError(); });
            assertThrows(SomeError.class, g2::switchTo);
        } finally {
            Greenlet.settrace(previous);
        }
        assertEquals(List.of(List.of("switch", main, g1), List.of("switch", g1, main), List.of("switch", main, g2),
                List.of("throw", g2, main)), actions);
    }

    /**
     * test_tracing.py, test_b_exception_disables_tracing: a hook that throws is removed, and its exception is raised
     * in the greenlet that received control (which here dies of it, so it reaches the switcher).
     */
    @Test
    void exceptionDisablesTracing() {
        Greenlet main = Greenlet.current();
        Greenlet g = new Greenlet(args -> main.switchTo());
        g.switchTo();
        List<List<Object>> actions = new ArrayList<>();
        Greenlet.Tracer previous = Greenlet.settrace((event, origin, target) -> {
            actions.add(List.of(event, origin, target));
            throw new SomeError();
        });
        try {
            assertThrows(SomeError.class, g::switchTo);
            assertNull(Greenlet.gettrace());
        } finally {
            Greenlet.settrace(previous);
        }
        assertEquals(List.of(List.of("switch", main, g)), actions);
        assertTrue(g.isDead(), "the hook's exception was raised in g, which died of it");
    }

    /**
     * greenlet's fail_switch_three_greenlets2.py (run by test_reentrant_switch_three_greenlets2): a trace hook that
     * switches runs in the greenlet receiving control, which takes the switch's arguments before the hook runs.
     */
    @Test
    void reentrantSwitchThreeGreenlets2() {
        List<List<Object>> results = new ArrayList<>();
        Greenlet[] g = new Greenlet[2];
        boolean[] switchToG2 = {true};
        Greenlet.Tracer previous = Greenlet.settrace((event, origin, target) -> {
            results.add(List.of("trace", event));
            if (switchToG2[0]) {
                switchToG2[0] = false;
                g[1].switchTo("g2 from tracefunc");
            }
        });
        try {
            g[0] = new Greenlet(args -> {
                results.add(List.of("g1 arg", args[0]));
                Object fromParent = switchToParent("from g1_run");
                results.add(List.of("g1 from parent", fromParent));
                return "g1 done";
            });
            g[1] = new Greenlet(args -> {
                results.add(List.of("g2 arg", args[0]));
                Object parent = switchToParent("from g2_run");
                switchToG2[0] = false;
                results.add(List.of("g2 from parent", String.valueOf(parent)));
                return "g2 done";
            });
            results.add(List.of("main g1", g[0].switchTo("g1 from main")));
            results.add(List.of("main g2", g[0].switchTo("g2 from main")));
            results.add(List.of("main g1.2", g[0].switchTo("g1 from main 2")));
            results.add(List.of("main g2.2", g[1].switchTo()));
        } finally {
            Greenlet.settrace(previous);
        }
        List<Object> trace = List.of("trace", "switch");
        assertEquals(List.of(trace, trace, List.of("g2 arg", "g2 from tracefunc"), trace, List.of("main g1", "from g2_run"),
                trace, List.of("g1 arg", "g1 from main"), trace, List.of("main g2", "from g1_run"),
                trace, List.of("g1 from parent", "g1 from main 2"), trace, List.of("main g1.2", "g1 done"),
                trace, List.of("g2 from parent", "null"), trace, List.of("main g2.2", "g2 done")), results);
    }

    /**
     * test_greenlet.py, test_parent_restored_on_kill: while the collector's kill runs, the parent is the reaping
     * greenlet; afterwards it is the original one again.
     */
    @Test
    void parentRestoredOnKill() {
        Greenlet hub = new Greenlet(args -> null);
        Greenlet main = Greenlet.current();
        List<Greenlet> result = new CopyOnWriteArrayList<>();
        startWorkerAndDrop(hub, main, result);
        awaitCollected(result::isEmpty);
        assertSame(main, result.get(0));
        assertSame(hub, result.get(1).parent());
        assertTrue(hub.isDead());
        result.get(1).throwInto();   // let the resurrected worker die rather than be collected in a later test
    }

    private static void startWorkerAndDrop(Greenlet hub, Greenlet main, List<Greenlet> result) {
        Greenlet g = new Greenlet(args -> {
            try {
                main.switchTo();   // wait to be killed by going back to the test
            } catch (GreenletExit exit) {
                // resurrect and switch to the parent
                result.add(Greenlet.current().parent());
                result.add(Greenlet.current());
                hub.switchTo();
            }
            return null;
        }, hub);
        g.switchTo();
    }

    /** Collects garbage and reaps what it found (the next greenlet operation does) until {@code stillWaiting} is false. */
    private static void awaitCollected(java.util.function.BooleanSupplier stillWaiting) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (stillWaiting.getAsBoolean() && System.nanoTime() < deadline) {
            System.gc();
            Greenlet.current();
            Thread.onSpinWait();
        }
    }

    /** test_gc.py, test_inactive_ref: an unstarted greenlet whose run refers to its own object is collected. */
    @Test
    void inactiveRef() {
        WeakReference<Greenlet> o = new WeakReference<>(new InactiveGreenlet().greenlet);
        awaitCollected(() -> o.get() != null);
        assertNull(o.get());
    }

    private static final class InactiveGreenlet {
        final Greenlet greenlet;

        InactiveGreenlet() {
            greenlet = new Greenlet(this::run);
        }

        Object run(Object... args) {
            return greenlet;
        }
    }

    /** test_weakref.py, test_dead_weakref and test_inactive_weakref. */
    @Test
    void deadAndInactiveWeakref() {
        WeakReference<Greenlet> inactive = new WeakReference<>(new Greenlet(args -> null));
        Greenlet dead = new Greenlet(args -> null);
        dead.switchTo();
        WeakReference<Greenlet> deadRef = new WeakReference<>(dead);
        dead = null;
        awaitCollected(() -> inactive.get() != null || deadRef.get() != null);
        assertNull(inactive.get());
        assertNull(deadRef.get());
    }

    /** test_gc.py, test_dead_circular_ref: a dead greenlet that returned itself is collected. */
    @Test
    void deadCircularRef() {
        WeakReference<Object> o = new WeakReference<>(new Greenlet(args -> Greenlet.current()).switchTo());
        awaitCollected(() -> o.get() != null);
        assertNull(o.get());
    }
}
