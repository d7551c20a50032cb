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

    // ---- second round: test_throw.py, test_generator.py, test_contextvars.py, test_greenlet.py ----

    /** greenlet's {@code switch}: to the parent of the current greenlet (test_throw.py's helper). */
    private static Object switchToParent(Object... args) {
        return Greenlet.current().parent().switchTo(args);
    }

    /**
     * test_throw.py ThrowTests.test_class / test_val: a greenlet that catches what is thrown into it stays alive and
     * switches back; the thrown exception is the very one (its message reaches it).
     */
    @Test
    void aGreenletThatCatchesAThrowSwitchesBackAndStaysAlive() {
        Greenlet g = new Greenlet(args -> {
            try {
                switchToParent("ok");
            } catch (IllegalStateException e) {
                if (e.getMessage().equals("ciao")) {
                    switchToParent("ok");
                    return null;
                }
            }
            switchToParent("fail");
            return null;
        });
        assertEquals("ok", g.switchTo());
        assertEquals("ok", g.throwInto(new IllegalStateException("ciao")));
        assertTrue(g.isActive());
        assertNull(g.switchTo());
        assertTrue(g.isDead());
    }

    /** test_throw.py test_kill's second half: a dead greenlet eats any number of GreenletExit throws. */
    @Test
    void aDeadGreenletEatsGreenletExitButPassesOtherExceptionsToItsParent() {
        Greenlet g = new Greenlet(args -> "done");
        assertEquals("done", g.switchTo());
        GreenletExit exit = new GreenletExit();
        assertSame(exit, g.throwInto(exit));
        assertInstanceOf(GreenletExit.class, g.throwInto());
        IndexError other = new IndexError();
        assertSame(other, assertThrows(IndexError.class, () -> g.throwInto(other)));   // raised in the live parent
    }

    /** test_generator.py: a generator made of greenlets (genlet and Yield), iterated three times. */
    @Test
    void aGeneratorMadeOfGreenlets() {
        List<Integer> seen = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (Integer j : new Genlet(yield -> {
                for (int i = 0; i < 5; i++) {
                    seen.add(i);
                    yield.accept(i);
                }
            })) {
                seen.add(j);
            }
        }
        List<Integer> once = List.of(0, 0, 1, 1, 2, 2, 3, 3, 4, 4);
        List<Integer> expected = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            expected.addAll(once);
        }
        assertEquals(expected, seen);
    }

    /** test_generator.py's genlet: each {@code next()} switches into the body, which switches back with a value. */
    private static final class Genlet implements Iterable<Integer> {
        private final Greenlet greenlet;
        private Object nextValue;

        Genlet(java.util.function.Consumer<java.util.function.Consumer<Integer>> body) {
            greenlet = new Greenlet(args -> {
                body.accept(value -> switchToParent(value));   // Yield: the genlet switches to its parent
                return null;
            });
        }

        @Override
        public java.util.Iterator<Integer> iterator() {
            return new java.util.Iterator<>() {
                private boolean fetched;

                @Override
                public boolean hasNext() {
                    if (!fetched) {
                        greenlet.setParent(Greenlet.current());   // genlet.__next__: self.parent = getcurrent()
                        nextValue = greenlet.switchTo();
                        fetched = true;
                    }
                    return greenlet.isActive();
                }

                @Override
                public Integer next() {
                    if (!hasNext()) {
                        throw new java.util.NoSuchElementException();
                    }
                    fetched = false;
                    return (Integer) nextValue;
                }
            };
        }
    }

    private static final ThreadLocal<Integer> ID_VAR = new ThreadLocal<>();

    /**
     * test_contextvars.py test_context_not_propagated, with a {@link ThreadLocal} as the context variable: a new
     * greenlet starts without the creator's value, each keeps its own across switches, and the main one keeps its own.
     */
    @Test
    void eachGreenletHasItsOwnThreadLocals() {
        io.greening.testing.FreshThread.run(() -> {
            ID_VAR.set(0);
            Greenlet main = Greenlet.current();
            java.util.Map<Integer, Integer> counts = new java.util.HashMap<>();
            for (int i = 0; i < 5; i++) {
                counts.put(i, 0);
            }
            List<Greenlet> lets = new ArrayList<>();
            for (int i = 1; i < 5; i++) {
                int greenletId = i;
                lets.add(new Greenlet(args -> {
                    assertNull(ID_VAR.get());
                    ID_VAR.set(greenletId);
                    for (int n = 0; n < 2; n++) {
                        counts.merge(ID_VAR.get(), 1, Integer::sum);
                        main.switchTo();
                    }
                    return null;
                }));
            }
            for (int i = 0; i < 2; i++) {
                counts.merge(ID_VAR.get(), 1, Integer::sum);
                lets.forEach(Greenlet::switchTo);
            }
            lets.forEach(Greenlet::switchTo);
            assertTrue(lets.stream().allMatch(Greenlet::isDead));
            assertEquals(java.util.Set.of(2), new java.util.HashSet<>(counts.values()), counts.toString());
            assertEquals(0, ID_VAR.get());
        });
    }

    /** test_greenlet.py test_trivial_cycle / test_trivial_cycle_main / test_deeper_cycle: cycles are refused. */
    @Test
    void parentCyclesAreRefused() {
        Greenlet glet = new Greenlet(args -> null);
        assertThrows(IllegalArgumentException.class, () -> glet.setParent(glet));
        Greenlet main = Greenlet.current();
        assertThrows(IllegalArgumentException.class, () -> main.setParent(main));
        assertThrows(IllegalArgumentException.class, () -> main.setParent(glet));
        assertNull(main.parent());
        Greenlet g1 = new Greenlet(args -> null);
        Greenlet g2 = new Greenlet(args -> null);
        Greenlet g3 = new Greenlet(args -> null);
        g1.setParent(g2);
        g2.setParent(g3);
        assertThrows(IllegalArgumentException.class, () -> g3.setParent(g1));
        assertSame(main, g3.parent());
    }

    /** test_greenlet.py test_threaded_reparent: a parent of another thread is refused, even for a suspended greenlet. */
    @Test
    void aParentOfAnotherThreadIsRefused() throws Exception {
        java.util.concurrent.CompletableFuture<Greenlet> other = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        Thread thread = Thread.ofPlatform().start(() -> {
            other.complete(new Greenlet(args -> null));
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            Greenlet g = new Greenlet(args -> switchToParent());
            g.switchTo();
            assertThrows(IllegalArgumentException.class, () -> g.setParent(other.get()));
            assertSame(Greenlet.current(), g.parent());
            g.switchTo();
            assertTrue(g.isDead());
        } finally {
            done.countDown();
            thread.join();
        }
    }

    /**
     * test_greenlet.py test_throw_to_dead_thread_doesnt_crash: a throw into a greenlet whose thread has exited is an
     * error in the caller, not a crash.
     */
    @Test
    void aThrowIntoAGreenletOfAThreadThatExitedIsRefused() throws Exception {
        List<Greenlet> result = new ArrayList<>();
        Thread creator = Thread.ofPlatform().start(() -> {
            Greenlet g = new Greenlet(args -> switchToParent());
            g.switchTo();
            result.add(g);
        });
        creator.join();
        assertThrows(IllegalStateException.class, () -> result.get(0).throwInto(new SomeError()));
        assertThrows(IllegalStateException.class, () -> result.get(0).switchTo());
    }

    /**
     * test_greenlet.py TestRepr.test_main_from_other_thread: another thread's main greenlet is active while that thread
     * lives, and dead once it has exited.
     */
    @Test
    void theMainGreenletOfAThreadThatExitedIsDead() throws Exception {
        java.util.concurrent.CompletableFuture<Greenlet> mainOfThread = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CountDownLatch exit = new java.util.concurrent.CountDownLatch(1);
        Thread thread = Thread.ofPlatform().start(() -> {
            mainOfThread.complete(Greenlet.current());
            try {
                exit.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Greenlet main = mainOfThread.get();
        assertTrue(main.isMain());
        assertTrue(main.isActive());
        assertFalse(main.isDead());
        exit.countDown();
        thread.join();
        for (int i = 0; i < 3; i++) {
            assertTrue(main.isDead());
            assertFalse(main.isActive());
            assertTrue(main.toString().contains("dead"), main.toString());
        }
        assertFalse(Greenlet.current().isDead());
    }

    /** test_greenlet.py TestRepr.test_initial / test_dead / test_frame: the states a greenlet goes through. */
    @Test
    void statesOfAGreenletFromNewToDead() {
        Greenlet g = new Greenlet(args -> {
            switchToParent("suspended");
            return "meaning of life";
        });
        assertFalse(g.isActive());
        assertFalse(g.isDead());
        assertTrue(g.toString().contains("new"), g.toString());
        assertEquals("suspended", g.switchTo());
        assertTrue(g.isActive());
        assertTrue(g.stackTrace().length > 0);
        assertEquals("meaning of life", g.switchTo());
        assertFalse(g.isActive());
        assertTrue(g.isDead());
        assertEquals(0, g.stackTrace().length);
        assertTrue(g.toString().contains("dead"), g.toString());
    }

    /**
     * test_greenlet.py test_dealloc_catches_GreenletExit_throws_other: a collected greenlet that answers its
     * GreenletExit with another exception has it reported (logged, as greenlet's unraisable hook), not raised in the
     * thread that reaps it.
     */
    @Test
    void aCollectedGreenletThatThrowsAnotherExceptionHasItLoggedNotRaised() {
        io.greening.testing.FreshThread.run(() -> {
            try (io.greening.testing.LogCapture log = io.greening.testing.LogCapture.of("io.greening.greenlet")) {
                startOneThatThrowsSomeErrorWhenKilled();
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
                while (log.records().isEmpty() && System.nanoTime() < deadline) {
                    System.gc();
                    Greenlet.current();   // reaps what the collector found; must not throw SomeError
                    Thread.onSpinWait();
                }
                assertEquals(1, log.records().size());
                assertInstanceOf(SomeError.class, log.records().get(0).getThrown());
            }
        });
    }

    private static void startOneThatThrowsSomeErrorWhenKilled() {
        new Greenlet(args -> {
            try {
                switchToParent();
            } catch (GreenletExit exit) {
                throw new SomeError();
            }
            return null;
        }).switchTo();
    }

    /** test_greenlet.py TestGreenlet._do_simple_test: 0 in main, 1 in the child, 2 in main, 3 in the child, 4. */
    private static void doSimpleTest() {
        List<Integer> lst = new ArrayList<>();
        Greenlet g = new Greenlet(args -> {
            lst.add(1);
            switchToParent();
            lst.add(3);
            return null;
        });
        lst.add(0);
        g.switchTo();
        lst.add(2);
        g.switchTo();
        lst.add(4);
        assertEquals(List.of(0, 1, 2, 3, 4), lst);
    }

    /** test_greenlet.py test_threads: ten threads switch their own greenlets at the same time. */
    @Test
    void tenThreadsSwitchTheirOwnGreenletsAtOnce() throws Exception {
        java.util.concurrent.atomic.AtomicInteger success = new java.util.concurrent.atomic.AtomicInteger();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    doSimpleTest();
                    success.incrementAndGet();
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(List.of(), failures);
        assertEquals(10, success.get());
    }

    /**
     * test_greenlet.py test_switching_many_threads (smaller): threads hammer switches at greenlets of other threads
     * while those threads end; every such switch is refused, and none gets through or corrupts a tree.
     */
    @Test
    void switchesFromOtherThreadsAreAlwaysRefused() throws Exception {
        for (int rep = 0; rep < 5; rep++) {
            int threadCount = 4;
            List<Greenlet> greenlets = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.concurrent.CountDownLatch allCreated = new java.util.concurrent.CountDownLatch(threadCount);
            java.util.concurrent.CountDownLatch mayDie = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.atomic.AtomicBoolean quit = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicInteger wrongOutcomes = new java.util.concurrent.atomic.AtomicInteger();
            List<Thread> creators = new ArrayList<>();
            List<Thread> switchers = new ArrayList<>();
            for (int i = 0; i < threadCount; i++) {
                creators.add(Thread.ofPlatform().start(() -> {
                    Greenlet g = new Greenlet(args -> {
                        while (true) {
                            switchToParent();
                        }
                    });
                    g.switchTo();
                    greenlets.add(g);
                    allCreated.countDown();
                    try {
                        mayDie.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
                switchers.add(Thread.ofPlatform().start(() -> {
                    try {
                        allCreated.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    while (!quit.get()) {
                        for (Greenlet g : greenlets) {
                            try {
                                g.switchTo();
                                wrongOutcomes.incrementAndGet();
                            } catch (IllegalStateException refused) {
                                // every switch to another thread's greenlet is refused
                            } catch (Throwable other) {
                                wrongOutcomes.incrementAndGet();
                            }
                        }
                    }
                }));
            }
            allCreated.await();
            mayDie.countDown();
            for (Thread t : creators) {
                t.join();
            }
            quit.set(true);
            for (Thread t : switchers) {
                t.join();
            }
            assertEquals(0, wrongOutcomes.get());
        }
    }
}
