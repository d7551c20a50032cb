package io.greening;

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
}
