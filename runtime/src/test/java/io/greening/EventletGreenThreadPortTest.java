package io.greening;

import io.greening.sync.Event;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Cases of eventlet's tests/greenthread_test.py and gevent's src/gevent/tests/test__greenlet.py, ported. Greening's
 * {@code kill} does not wait for the thread to die (its Javadoc says so; both peers' do), so these join first.
 */
@org.junit.jupiter.api.Timeout(60)
class EventletGreenThreadPortTest {

    private static void assertDead(GreenThread<?> gt) {
        assertThrows(GreenletExit.class, gt::get);
        assertTrue(gt.isDead());
    }

    /** greenthread_test.py Spawn.test_kill: a thread killed before it ran never runs; a second kill does nothing. */
    @Test
    void killBeforeItRan() {
        Green.run(() -> {
            List<Integer> results = new ArrayList<>();
            GreenThread<Void> gt = Green.spawn(() -> {
                results.add(6);
            });
            gt.kill();
            assertDead(gt);
            Green.sleep(1);
            assertEquals(List.of(), results);
            gt.kill();
            assertDead(gt);
            return null;
        });
    }

    /** greenthread_test.py Spawn.test_kill_meth with an exception: the thread dies of it, unsuccessfully. */
    @Test
    void killWithAnExceptionBeforeItRan() {
        Green.run(() -> {
            AtomicInteger ran = new AtomicInteger();
            GreenThread<Void> gt = Green.spawn(() -> {
                ran.incrementAndGet();
            });
            IllegalStateException boom = new IllegalStateException("boom");
            List<GreenThread<Void>> linked = new ArrayList<>();
            gt.linkException(linked::add);
            gt.kill(boom);
            assertSame(boom, assertThrows(IllegalStateException.class, gt::get));
            assertFalse(gt.isSuccessful());
            assertSame(boom, gt.exception());
            // dead at once, but, as in gevent, its links run at its hub's next turn (eventlet runs them in the kill)
            io.greening.testing.Conditions.waitUntil(() -> !linked.isEmpty());
            assertEquals(List.of(gt), linked);
            assertEquals(0, ran.get());
            return null;
        });
    }

    /** greenthread_test.py SpawnAfter.test_cancel: a cancelled spawnAfter thread never runs and is dead. */
    @Test
    void cancelBeforeItRan() {
        Green.run(() -> {
            AtomicInteger ran = new AtomicInteger();
            GreenThread<Integer> gt = Green.spawnAfter(Duration.ZERO, () -> ran.incrementAndGet());
            assertTrue(gt.cancel());
            assertDead(gt);
            Green.sleep(1);
            assertEquals(0, ran.get());

            GreenThread<Integer> spawned = Green.spawn(() -> ran.incrementAndGet());
            assertTrue(spawned.cancel());
            assertDead(spawned);
            assertEquals(0, ran.get());
            assertFalse(spawned.cancel());
            return null;
        });
    }

    /** greenthread_test.py SpawnAfter.test_cancel_proceed: cancelling a thread that began does nothing. */
    @Test
    void cancelAfterItBeganDoesNothing() {
        Green.run(() -> {
            GreenThread<Integer> gt = Green.spawn(() -> {
                Green.cede();
                return 22;
            });
            Green.cede();
            assertFalse(gt.cancel());
            assertEquals(22, gt.get());
            assertFalse(gt.cancel());
            return null;
        });
    }

    /** greenthread_test.py SpawnAfter.test_kill_already_started: a kill of a thread that began ends it. */
    @Test
    void killAfterItBegan() {
        Green.run(() -> {
            List<String> seen = new ArrayList<>();
            GreenThread<Void> gt = Green.spawn(() -> {
                seen.add("began");
                Green.sleep(Duration.ofDays(1));
                seen.add("never");
            });
            Green.cede();
            gt.kill();
            assertDead(gt);
            assertEquals(List.of("began"), seen);
            return null;
        });
    }

    /** greenthread_test.py Spawn.test_link: a link runs before a waiter of the thread returns. */
    @Test
    void aLinkRunsBeforeTheWaiterReturns() {
        Green.run(() -> {
            List<Object> results = new ArrayList<>();
            GreenThread<Integer> gt = Green.spawn(() -> 5);
            gt.link(results::add);
            assertEquals(5, gt.get());
            assertEquals(List.of(gt), results);
            return null;
        });
    }

    /** greenthread_test.py Spawn.test_link_relinks / test__greenlet.py: links run once each, in the order added. */
    @Test
    void linksRunOnceInOrderAndLateLinksAtOnce() {
        Green.run(() -> {
            List<String> order = new ArrayList<>();
            GreenThread<Integer> gt = Green.spawn(() -> 5);
            gt.link(g -> order.add("first"));
            gt.linkValue(g -> order.add("value"));
            gt.linkException(g -> order.add("exception"));
            gt.link(g -> order.add("third"));
            gt.join();
            assertEquals(List.of("first", "value", "third"), order);
            gt.link(g -> order.add("late"));
            assertEquals(List.of("first", "value", "third", "late"), order);
            return null;
        });
    }

    /** test__greenlet.py TestStuff.test_killall / test_joinall: killAll then joinAll sees them all dead. */
    @Test
    void killAllAndJoinAll() {
        Green.run(() -> {
            List<GreenThread<?>> threads = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                threads.add(Green.spawn(() -> Green.sleep(Duration.ofDays(1))));
            }
            Green.cede();
            Green.killAll(threads);
            assertEquals(3, Green.joinAll(threads).size());
            for (GreenThread<?> t : threads) {
                assertDead(t);
                assertTrue(t.isSuccessful());
            }
            return null;
        });
    }

    /**
     * test__greenlet.py TestKill, TestKillAfterStart, TestKillAfterStartLater, TestKillWhileRunning, each by kill and
     * by killAll: the body never completes, the link runs once with the thread, and a second kill does no harm.
     */
    @Test
    void killsOfThreadsInEachStateRunTheLinkOnce() {
        Green.run(() -> {
            for (String start : List.of("spawn", "spawnAfter", "running")) {
                for (boolean killAll : new boolean[] {false, true}) {
                    List<Integer> result = new ArrayList<>();
                    List<GreenThread<Void>> linkTest = new ArrayList<>();
                    Runnable body = start.equals("running")
                            ? () -> {
                                Green.sleep(Duration.ofDays(1));
                                result.add(1);
                            }
                            : () -> result.add(1);
                    GreenThread<Void> g = start.equals("spawnAfter")
                            ? Green.spawnAfter(Duration.ofDays(1), body)
                            : Green.spawn(body);
                    g.link(linkTest::add);
                    if (start.equals("running")) {
                        Green.cede();
                    }
                    Runnable killer = killAll ? () -> Green.killAll(List.of(g)) : g::kill;
                    killer.run();
                    g.join();
                    assertKilled(g);
                    killer.run();
                    g.join();
                    assertKilled(g);
                    Green.sleep(1);
                    assertEquals(List.of(), result, start);
                    assertEquals(List.of(g), linkTest, start);
                }
            }
            return null;
        });
    }

    private static void assertKilled(GreenThread<?> g) {
        assertTrue(g.isDead());
        assertTrue(g.isReady());
        assertTrue(g.isSuccessful());
        assertNull(g.exception());
        assertThrows(GreenletExit.class, g::get);   // gevent returns the GreenletExit as the value; greening rethrows it
    }

    /**
     * greenthread_test.py Spawn.test_kill, test_kill_meth, test_kill_n (their {@code assert_dead} right after the
     * kill), SpawnAfter.test_cancel; test__greenlet.py TestKill, TestKillAfterStart, TestKillAfterStartLater: test_block,
     * test_non_block, test_block_killall, test_non_block_killall, test_non_type_exception (and its non-block and
     * killall forms), and TestKillWithException.test_kill_with_exception. A thread killed before its body began
     * (never started, started, started later, spawned, spawned later) is dead as soon as the kill returns: ready, not
     * alive, joined at once, its outcome the kill's; its link runs once, at its hub's next turn (as gevent's; eventlet
     * runs it in the kill); the hub never runs its body, even if it is started again after the kill
     * (TestKill's {@code _after_kill_greenlet}), and a second kill does no harm. gevent's
     * {@code killall(exception=...)} has no counterpart, so the exception goes by {@code kill(exception)} only.
     */
    @Test
    void aThreadKilledBeforeItsBodyBeganIsDeadWhenTheKillReturns() {
        Green.run(() -> {
            for (String start : List.of("unstarted", "start", "startLater", "spawn", "spawnAfter")) {
                for (String killedBy : List.of("kill", "kill(exception)", "killAll", "killAll(ZERO)", "cancel")) {
                    String what = start + " then " + killedBy;
                    List<Integer> result = new ArrayList<>();
                    List<GreenThread<Void>> linkTest = new ArrayList<>();
                    Runnable body = () -> result.add(1);
                    GreenThread<Void> g = switch (start) {
                        case "spawn" -> Green.spawn(body);
                        case "spawnAfter" -> Green.spawnAfter(Duration.ofMillis(1), body);
                        default -> Green.unstarted(body);
                    };
                    Runnable starter = switch (start) {
                        case "start" -> g::start;
                        case "startLater" -> () -> g.startLater(Duration.ofMillis(1));
                        default -> () -> { };
                    };
                    starter.run();
                    g.link(linkTest::add);
                    IllegalStateException expected = new IllegalStateException("expected");
                    Runnable killer = switch (killedBy) {
                        case "kill" -> g::kill;
                        case "kill(exception)" -> () -> g.kill(expected);
                        case "killAll" -> () -> Green.killAll(List.of(g));
                        case "killAll(ZERO)" -> () -> Green.killAll(List.of(g), Duration.ZERO);
                        default -> () -> assertTrue(g.cancel(), what);
                    };
                    killer.run();
                    assertKilledBeforeItsBodyBegan(g, killedBy.equals("kill(exception)") ? expected : null, what);
                    if (!killedBy.equals("cancel")) {
                        killer.run();   // a second kill must not hurt
                    }
                    starter.run();   // nor a start after the kill
                    assertKilledBeforeItsBodyBegan(g, killedBy.equals("kill(exception)") ? expected : null, what);
                    io.greening.testing.Conditions.waitUntil(() -> g.thread().getState() == Thread.State.TERMINATED);
                    Green.sleep(5);   // past the delays: the hub must not run the body now
                    assertEquals(List.of(), result, what);
                    assertEquals(List.of(g), linkTest, what);
                }
            }
            return null;
        });
    }

    private static void assertKilledBeforeItsBodyBegan(GreenThread<?> g, RuntimeException killedWith, String what) {
        assertTrue(g.isDead(), what);
        assertFalse(g.isAlive(), what);
        assertTrue(g.isReady(), what);
        assertTrue(g.join(Duration.ZERO), what);
        assertNull(g.value(), what);
        if (killedWith == null) {
            assertTrue(g.isSuccessful(), what);
            assertNull(g.exception(), what);
            assertThrows(GreenletExit.class, () -> g.get(Duration.ZERO), what);
        } else {
            assertFalse(g.isSuccessful(), what);
            assertSame(killedWith, g.exception(), what);
            assertSame(killedWith, assertThrows(IllegalStateException.class, () -> g.get(Duration.ZERO), what));
        }
    }

    /**
     * test__greenlet.py TestBasic.test_simple_exit: an unstarted thread is neither alive nor dead nor ready, with no
     * value; {@code start()} makes it alive, and it is alive while its body sleeps; once the body returned it is dead,
     * ready, successful, not alive, with its value, and its link ran.
     */
    @Test
    void anUnstartedThreadLivesFromStartToItsEnd() {
        Green.run(() -> {
            List<GreenThread<Integer>> linkTest = new ArrayList<>();
            Event bodySlept = new Event();
            Event finish = new Event();
            GreenThread<Integer> g = Green.unstarted(() -> {
                Green.sleep(1);
                bodySlept.set();
                finish.await();
                return 5;
            });
            g.link(linkTest::add);
            assertLifecycle(g, false, false, null);
            Green.sleep(5);
            assertLifecycle(g, false, false, null);   // an unstarted thread never runs on its own

            g.start();
            assertLifecycle(g, true, false, null);
            bodySlept.await();
            assertLifecycle(g, true, false, null);
            assertEquals(List.of(), linkTest);

            finish.set();
            g.join();
            assertLifecycle(g, false, true, 5);
            assertTrue(g.isSuccessful());
            assertEquals(List.of(g), linkTest);
            return null;
        });
    }

    private static void assertLifecycle(GreenThread<Integer> g, boolean alive, boolean dead, Integer value) {
        assertEquals(alive, g.isAlive());
        assertEquals(dead, g.isDead());
        assertEquals(dead, g.isReady());
        assertEquals(dead, g.isSuccessful());
        assertEquals(value, g.value());
        assertNull(g.exception());
    }

    /** test__greenlet.py TestBasic.test_error_exit: a started thread whose body throws is dead, not alive, failed. */
    @Test
    void anUnstartedThreadStartedThatFailsIsDeadWithItsException() {
        Green.run(() -> {
            List<GreenThread<Integer>> linkTest = new ArrayList<>();
            GreenThread<Integer> g = Green.unstarted(() -> {
                Green.sleep(1);
                throw new IllegalStateException("test_error_exit");
            });
            g.link(linkTest::add);
            g.start();
            g.join();
            assertFalse(g.isAlive());
            assertTrue(g.isDead());
            assertTrue(g.isReady());
            assertFalse(g.isSuccessful());
            assertNull(g.value());
            assertEquals("test_error_exit", g.exception().getMessage());
            assertEquals(List.of(g), linkTest);
            return null;
        });
    }

    /**
     * test__greenlet.py TestStart.test_start: {@code start()} of a spawned thread does nothing more, and a finished
     * thread cannot be started again; nor does {@code start()} cut short a {@code startLater} delay (gevent's
     * {@code start} does nothing once {@code start_later} scheduled it).
     */
    @Test
    void startingAgainDoesNothing() {
        Green.run(() -> {
            AtomicInteger runs = new AtomicInteger();
            GreenThread<Void> g = Green.spawn(() -> {
                runs.incrementAndGet();
                Green.sleep(1);
            });
            assertTrue(g.isAlive());
            g.start();
            assertTrue(g.isAlive());
            g.join();
            assertFalse(g.isAlive());
            g.start();
            g.startLater(Duration.ZERO);
            Green.sleep(5);
            assertFalse(g.isAlive());
            assertTrue(g.isDead());
            assertEquals(1, runs.get());

            GreenThread<?> later = Green.unstarted(runs::incrementAndGet);
            later.startLater(Duration.ofDays(1));
            later.start();
            Green.sleep(5);
            assertTrue(later.isAlive());
            assertEquals(1, runs.get(), "start() did not cut the delay short");
            later.kill();
            assertFalse(later.isAlive());
            return null;
        });
    }

    /**
     * greenthread_test.py SpawnAfter.test_cancel_already_started / test_kill_already_started. Eventlet's
     * {@code sleep(0)} runs the timers already due before the caller resumes, so a {@code spawn_after(0)} thread
     * has begun by then; greening's {@code cede()} runs only the threads already ready, so this waits for it to begin.
     */
    @Test
    void aSpawnAfterThreadThatBeganIsNotCancelledButCanBeKilled() {
        Green.run(() -> {
            for (boolean kill : new boolean[] {false, true}) {
                AtomicInteger began = new AtomicInteger();
                GreenThread<Integer> gt = Green.spawnAfter(Duration.ZERO, () -> {
                    began.incrementAndGet();
                    Green.sleep(1);
                    return 22;
                });
                io.greening.testing.Conditions.waitUntil(() -> began.get() == 1);
                if (kill) {
                    gt.kill();
                    assertDead(gt);
                } else {
                    assertFalse(gt.cancel());
                    assertEquals(22, gt.get());
                }
            }
            return null;
        });
    }

    /** greenthread_test.py SpawnAfterLocal.test_timer_fired: it runs while its spawner lives. */
    @Test
    void spawnAfterLocalRunsWhileItsSpawnerLives() {
        Green.run(() -> {
            List<Integer> lst = new ArrayList<>(List.of(1));
            GreenThread<GreenThread<Integer>> func = Green.spawn(() -> {
                GreenThread<Integer> popper = Green.spawnAfterLocal(Duration.ofMillis(1), () -> lst.remove(0));
                popper.join();
                return popper;
            });
            assertEquals(List.of(1), lst);
            assertEquals(1, func.get().get());
            assertEquals(List.of(), lst);
            return null;
        });
    }

    /** greenthread_test.py SpawnAfterLocal.test_timer_cancelled_upon_greenlet_exit / test_spawn_is_not_cancelled. */
    @Test
    void spawnAfterLocalIsCancelledWhenItsSpawnerHasDied() {
        Green.run(() -> {
            List<Integer> lst = new ArrayList<>(List.of(1));
            GreenThread<GreenThread<Integer>> func =
                    Green.spawn(() -> Green.spawnAfterLocal(Duration.ofMillis(1), () -> lst.remove(0)));
            GreenThread<Integer> popper = func.get();
            assertDead(popper);
            assertEquals(List.of(1), lst);

            GreenThread<GreenThread<Integer>> plain = Green.spawn(() -> Green.spawn(() -> lst.remove(0)));
            plain.get().join();
            assertEquals(List.of(), lst);
            return null;
        });
    }

    // ---- second round: gevent src/gevent/tests/test__greenlet.py ----

    private static final class ExpectedError extends RuntimeException {
        ExpectedError(String message) {
            super(message);
        }
    }

    /** test__greenlet.py TestLink.test_link_to_asyncresult: an AsyncResult is a link target, also after death. */
    @Test
    void linkToAnAsyncResult() {
        Green.run(() -> {
            GreenThread<Integer> p = Green.spawn(() -> 100);
            io.greening.sync.AsyncResult<Integer> event = new io.greening.sync.AsyncResult<>();
            p.link(event);
            assertEquals(100, event.get());
            for (int i = 0; i < 3; i++) {
                io.greening.sync.AsyncResult<Integer> event2 = new io.greening.sync.AsyncResult<>();
                p.link(event2);
                assertEquals(100, event2.get());
            }
            return null;
        });
    }

    /** test__greenlet.py TestLink.test_link_to_asyncresult_exception: the very exception reaches the result. */
    @Test
    void linkToAnAsyncResultOfAThreadThatFailed() {
        Green.run(() -> {
            ExpectedError err = new ExpectedError("test_link_to_asyncresult_exception");
            GreenThread<Integer> p = Green.spawn(() -> {
                throw err;
            });
            for (int i = 0; i < 4; i++) {
                io.greening.sync.AsyncResult<Integer> event = new io.greening.sync.AsyncResult<>();
                p.link(event);
                assertSame(err, assertThrows(ExpectedError.class, event::get));
            }
            return null;
        });
    }

    /** test__greenlet.py TestReturn_link.test_kill: a killed thread's AsyncResult link holds its GreenletExit. */
    @Test
    void linkToAnAsyncResultOfAKilledThread() {
        Green.run(() -> {
            GreenThread<Void> p = Green.spawn(() -> Green.sleep(Duration.ofDays(1)));
            io.greening.sync.AsyncResult<Void> event = new io.greening.sync.AsyncResult<>();
            p.link(event);
            p.kill();
            assertThrows(GreenletExit.class, event::get);   // gevent: the GreenletExit is the value
            return null;
        });
    }

    /** test__greenlet.py TestLink.test_link_to_queue / test_link_to_channel: Queue.put as a link, the thread queued. */
    @Test
    void linkToAQueueAndToAChannel() {
        Green.run(() -> {
            GreenThread<Integer> p = Green.spawn(() -> 100);
            io.greening.sync.Queue<GreenThread<Integer>> q = new io.greening.sync.Queue<>();
            p.link(q::put);
            assertEquals(100, q.get().get());
            for (int i = 0; i < 3; i++) {
                p.link(q::put);
                assertEquals(100, q.get().get());
            }
            io.greening.sync.Queue<GreenThread<Integer>> channel = new io.greening.sync.Queue<>(0);
            List<GreenThread<Integer>> threads = List.of(Green.spawn(() -> 101), Green.spawn(() -> 102),
                    Green.spawn(() -> 103));
            for (GreenThread<Integer> t : threads) {
                t.link(channel::put);
            }
            List<Integer> results = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                results.add(channel.get().get());
            }
            results.sort(null);
            assertEquals(List.of(101, 102, 103), results);
            return null;
        });
    }

    /** test__greenlet.py TestUnlink (link, link_value, link_exception): an unlinked link is never called. */
    @Test
    void unlinkedLinksAreNotCalled() {
        Green.run(() -> {
            List<String> called = new ArrayList<>();
            for (String kind : List.of("link", "linkValue", "linkException")) {
                GreenThread<Void> p = Green.spawn(() -> Green.sleep(Duration.ofDays(1)));
                java.util.function.Consumer<GreenThread<Void>> first = t -> called.add(kind + " first");
                java.util.function.Consumer<GreenThread<Void>> second = t -> called.add(kind + " second");
                java.util.function.Consumer<java.util.function.Consumer<GreenThread<Void>>> link = switch (kind) {
                    case "link" -> p::link;
                    case "linkValue" -> p::linkValue;
                    default -> p::linkException;
                };
                link.accept(first);
                assertTrue(p.unlink(first));
                assertFalse(p.unlink(first));
                link.accept(second);
                assertTrue(p.unlink(second));
                p.kill();
                p.join();
                assertFalse(p.unlink(second));
            }
            assertEquals(List.of(), called);
            return null;
        });
    }

    /**
     * test__greenlet.py TestReturn_link / TestReturn_link_value, test_return and test_kill: link and linkValue run
     * for a thread that returned or was killed; linkException does not.
     */
    @Test
    void aReturnOrAKillRunsLinkAndLinkValueButNotLinkException() {
        Green.run(() -> {
            for (boolean kill : new boolean[] {false, true}) {
                GreenThread<Integer> p = kill
                        ? Green.spawn(() -> {
                            Green.sleep(Duration.ofDays(1));
                            return 25;
                        })
                        : Green.spawn(() -> 25);
                List<String> called = new ArrayList<>();
                p.link(t -> called.add("link"));
                p.linkValue(t -> called.add("linkValue"));
                p.linkException(t -> called.add("linkException"));
                if (kill) {
                    p.kill();
                }
                p.join();
                Green.sleep(1);
                assertEquals(List.of("link", "linkValue"), called, kill ? "killed" : "returned");
                assertTrue(p.isSuccessful());
                assertEquals(kill ? null : 25, p.value());
            }
            return null;
        });
    }

    /** test__greenlet.py TestRaise_link / TestRaise_link_exception.test_raise: a failure runs link and linkException. */
    @Test
    void aFailureRunsLinkAndLinkExceptionButNotLinkValue() {
        Green.run(() -> {
            GreenThread<Integer> p = Green.spawn(() -> {
                throw new ExpectedError("test_raise");
            });
            for (int round = 0; round < 3; round++) {
                List<String> called = new ArrayList<>();
                io.greening.sync.Queue<GreenThread<Integer>> queue = new io.greening.sync.Queue<>(1);
                p.link(queue::put);
                p.link(t -> called.add("link"));
                p.linkValue(t -> called.add("linkValue"));
                p.linkException(t -> called.add("linkException"));
                p.join();
                assertSame(p, queue.get());
                assertEquals(List.of("link", "linkException"), called);
                assertFalse(p.isSuccessful());
            }
            return null;
        });
    }

    /** test__greenlet.py TestStuff.test_multiple_listeners_error: a link that throws does not stop the others. */
    @Test
    void aLinkThatThrowsDoesNotStopTheOthers() {
        Green.run(() -> {
            for (boolean fails : new boolean[] {false, true}) {
                GreenThread<Integer> p = Green.spawn(() -> {
                    if (fails) {
                        throw new ExpectedError("test_multiple_listeners_error");
                    }
                    return 5;
                });
                List<Integer> results = new ArrayList<>();
                p.link(t -> {
                    results.add(10);
                    throw new ExpectedError("listener1");
                });
                p.link(t -> {
                    results.add(20);
                    throw new ExpectedError("listener2");
                });
                p.link(t -> {
                    throw new ExpectedError("listener3");
                });
                p.join();
                assertEquals(List.of(10, 20), results);
            }
            return null;
        });
    }

    /**
     * test__greenlet.py TestStuff.test_multiple_listeners_error_unlink: a link unlinks the one after it while the
     * links are being called, and that one is not called.
     */
    @Test
    void aLinkThatUnlinksTheNextWhileLinksRun() {
        Green.run(() -> {
            GreenThread<Integer> p = Green.spawn(() -> 5);
            List<Integer> results = new ArrayList<>();
            List<java.util.function.Consumer<GreenThread<Integer>>> listeners = new ArrayList<>();
            listeners.add(t -> {
                t.unlink(listeners.get(1));
                results.add(5);
                throw new ExpectedError("listener1");
            });
            listeners.add(t -> {
                t.unlink(listeners.get(0));
                results.add(5);
                throw new ExpectedError("listener2");
            });
            listeners.add(t -> {
                throw new ExpectedError("listener3");
            });
            listeners.forEach(p::link);
            p.join();
            assertEquals(List.of(5), results);
            return null;
        });
    }

    /** test__greenlet.py TestStuff.test_wait_noerrors: joinAll, values, and a link to an AsyncResult after death. */
    @Test
    void joinAllWithoutErrorsThenLinksToTheDead() {
        Green.run(() -> {
            List<GreenThread<Integer>> xyz = List.of(Green.spawn(() -> 1), Green.spawn(() -> 2), Green.spawn(() -> 3));
            Green.joinAll(xyz, null, true);
            assertEquals(List.of(1, 2, 3), xyz.stream().map(GreenThread::value).toList());
            io.greening.sync.AsyncResult<Integer> e = new io.greening.sync.AsyncResult<>();
            xyz.get(0).link(e);
            assertEquals(1, e.get());
            assertFalse(xyz.get(0).unlink(e));
            return null;
        });
    }

    /** test__greenlet.py TestStuff.test_wait_error / test_joinall_exception_order: the first failure is raised. */
    @Test
    void joinAllRaisesTheFirstFailure() {
        Green.run(() -> {
            GreenThread<Integer> x = Green.spawn(() -> {
                Green.sleep(20);
                return 1;
            });
            GreenThread<Integer> y = Green.spawn(() -> {
                throw new ExpectedError("test_wait_error");
            });
            assertThrows(ExpectedError.class, () -> Green.joinAll(List.of(x, y), null, true));
            assertThrows(ExpectedError.class, () -> Green.joinAll(List.of(y), null, true));
            x.join();

            GreenThread<Void> first = Green.spawn(() -> {
                Green.sleep(50);
                throw new ExpectedError("first");
            });
            GreenThread<Void> second = Green.spawn(() -> {
                throw new ExpectedError("second");
            });
            ExpectedError raised = assertThrows(ExpectedError.class,
                    () -> Green.joinAll(List.of(first, second), null, true));
            assertEquals("second", raised.getMessage());
            Green.joinAll(List.of(first, second));
            return null;
        });
    }

    /** test__greenlet.py TestStuff.test_joinall_count_raise_error: a wait for one returns with the raiser only. */
    @Test
    void awaitingOneOfTwoReturnsTheOneThatDied() {
        Green.run(() -> {
            GreenThread<Void> sleeper = Green.spawn(() -> Green.sleep(Duration.ofDays(1)));
            GreenThread<Void> raiser = Green.spawn(() -> {
                throw new ExpectedError("count");
            });
            assertEquals(List.of(raiser), Green.await(List.of(sleeper, raiser), null, 1));
            assertTrue(raiser.isReady());
            assertFalse(sleeper.isReady());
            sleeper.kill();
            sleeper.join();
            assertTrue(sleeper.isReady());
            return null;
        });
    }

    /** test__greenlet.py TestBasic.test_simple_exit: alive, then dead with its value; the link gets the thread. */
    @Test
    void aSimpleExitsStates() {
        Green.run(() -> {
            List<GreenThread<Integer>> linkTest = new ArrayList<>();
            GreenThread<Integer> g = Green.spawn(() -> {
                Green.sleep(10);
                return 5;
            });
            g.link(linkTest::add);
            Green.cede();
            assertFalse(g.isDead());
            assertFalse(g.isReady());
            assertFalse(g.isSuccessful());
            assertNull(g.value());
            assertNull(g.exception());
            assertEquals(List.of(), linkTest);
            g.join();
            assertTrue(g.isDead());
            assertTrue(g.isReady());
            assertTrue(g.isSuccessful());
            assertEquals(5, g.value());
            assertNull(g.exception());
            assertEquals(List.of(g), linkTest);
            return null;
        });
    }

    /** test__greenlet.py TestBasic.test_error_exit: dead, not successful, no value, the very exception. */
    @Test
    void anErrorExitsStates() {
        Green.run(() -> {
            ExpectedError error = new ExpectedError("test_error_exit");
            List<GreenThread<Integer>> linkTest = new ArrayList<>();
            GreenThread<Integer> g = Green.spawn(() -> {
                Green.sleep(1);
                throw error;
            });
            g.link(linkTest::add);
            g.join();
            assertTrue(g.isDead());
            assertTrue(g.isReady());
            assertFalse(g.isSuccessful());
            assertNull(g.value());
            assertSame(error, g.exception());
            assertEquals(List.of(g), linkTest);
            return null;
        });
    }

    /** test__greenlet.py TestJoin / TestGet (AbstractGenericWaitTestCase): join and get with a timeout that passes. */
    @Test
    void joinAndGetWithATimeoutOfAThreadStillRunning() {
        Green.run(() -> {
            GreenThread<Void> g = Green.spawn(() -> Green.sleep(Duration.ofDays(1)));
            try {
                assertFalse(g.join(Duration.ofMillis(10)));
                assertThrows(java.util.concurrent.TimeoutException.class, () -> g.get(Duration.ofMillis(10)));
                // gevent get(block=False)
                assertThrows(java.util.concurrent.TimeoutException.class, () -> g.get(Duration.ZERO));
                assertFalse(g.isDead());
            } finally {
                g.kill();
            }
            assertThrows(GreenletExit.class, () -> g.get(Duration.ofSeconds(30)));
            GreenThread<Integer> done = Green.spawn(() -> 7);
            done.join();
            assertEquals(7, done.get(Duration.ZERO));
            return null;
        });
    }

    /** test__greenlet.py TestRef.test_kill_scheduled / test_kill_started: kills before and after the first run. */
    @Test
    void killAScheduledAndAStartedThread() {
        Green.run(() -> {
            GreenThread<Void> scheduled = Green.spawn(() -> Green.sleep(Duration.ofDays(1)));
            scheduled.kill();
            GreenThread<Void> started = Green.spawn(() -> Green.sleep(Duration.ofDays(1)));
            Green.sleep(1);
            started.kill();
            assertEquals(2, Green.joinAll(List.of(scheduled, started), Duration.ofSeconds(30)).size());
            assertTrue(scheduled.isSuccessful() && started.isSuccessful());
            return null;
        });
    }
}
