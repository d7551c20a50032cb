package io.greening.sync;

import io.greening.Green;
import io.greening.GreenThread;
import io.greening.GreenTimeout;
import io.greening.Timeout;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

import static io.greening.testing.Conditions.waitUntil;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Cases of eventlet's and gevent's suites for events, async results, semaphores, pools and piles (eventlet
 * tests/event_test.py, semaphore_test.py, greenpool_test.py; gevent src/gevent/tests/test__event.py,
 * test__semaphore.py, test__pool.py), ported.
 */
@org.junit.jupiter.api.Timeout(60)
class EventletSyncPortTest {

    private static final Duration SHORT = Duration.ofMillis(1);

    private static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }

    // ---- events ----

    /** test__event.py TestEvent.test_wait_timeout / TestWaitEvent: wait returns the flag, false on timeout. */
    @Test
    void eventWaitReturnsTheFlag() {
        Green.run(() -> {
            Event e = new Event();
            assertFalse(e.await(SHORT));
            assertFalse(e.await(Duration.ZERO));
            e.set();
            assertTrue(e.await(SHORT));
            assertTrue(e.await(Duration.ZERO));
            e.clear();
            assertFalse(e.isSet());
            assertFalse(e.await(Duration.ZERO));
            return null;
        });
    }

    /** event_test.py test_waiting_for_event / test_multiple_waiters: every waiter gets the value sent. */
    @Test
    void everyWaiterGetsTheValue() {
        Green.run(() -> {
            AsyncResult<String> evt = new AsyncResult<>();
            List<GreenThread<String>> waiters = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                waiters.add(Green.spawn(() -> evt.get()));
            }
            Green.spawn(() -> evt.set("some stuff"));
            for (GreenThread<String> w : waiters) {
                assertEquals("some stuff", w.get());
            }
            assertEquals("some stuff", evt.get());
            return null;
        });
    }

    /** event_test.py test_send_exc / test__event.py TestAsyncResult: an exception reaches every waiter. */
    @Test
    void anExceptionReachesEveryWaiter() {
        Green.run(() -> {
            AsyncResult<String> evt = new AsyncResult<>();
            GreenThread<String> w = Green.spawn(() -> evt.get());
            Green.cede();
            assertFalse(evt.isReady());
            IllegalStateException boom = new IllegalStateException("boom");
            evt.setException(boom);
            assertSame(boom, assertThrows(IllegalStateException.class, w::get));
            assertSame(boom, assertThrows(IllegalStateException.class, evt::get));
            assertTrue(evt.isReady());
            assertFalse(evt.isSuccessful());
            assertSame(boom, evt.exception());
            return null;
        });
    }

    /** test__event.py TestAsyncResult (get(block=False) / get(timeout)): not ready raises a timeout. */
    @Test
    void getOfAnUnsetResultTimesOut() throws Exception {
        Green.run(() -> {
            AsyncResult<Integer> r = new AsyncResult<>();
            assertThrows(TimeoutException.class, () -> r.get(Duration.ZERO));
            assertThrows(TimeoutException.class, () -> r.get(SHORT));
            assertFalse(r.await(Duration.ZERO));
            assertFalse(r.isReady());
            assertFalse(r.isSuccessful());
            assertNull(r.exception());
            r.set(null);   // None is a value
            assertTrue(r.isReady());
            assertTrue(r.isSuccessful());
            assertNull(r.get(Duration.ZERO));
            return null;
        });
    }

    /** event_test.py test_double_exception: an eventlet Event is sent once. */
    @Test
    void aResultIsSetOnce() {
        Green.run(() -> {
            AsyncResult<Integer> r = new AsyncResult<>();
            r.setException(new IllegalStateException());
            assertThrows(IllegalStateException.class, () -> r.setException(new IllegalArgumentException()));
            assertThrows(IllegalStateException.class, () -> r.set(1));
            return null;
        });
    }

    // ---- semaphores ----

    /** semaphore_test.py test_non_blocking / test_timeout; test__semaphore.py test_acquire_returns_false_after_timeout. */
    @Test
    void acquireWithoutAPermitReturnsFalse() {
        Green.run(() -> {
            Semaphore sem = new Semaphore(0);
            assertFalse(sem.tryAcquire());
            assertFalse(sem.acquire(SHORT));
            assertFalse(sem.acquire(Duration.ZERO));
            assertEquals(0, sem.waiting());
            sem.release();
            assertEquals(1, sem.available());
            assertTrue(sem.acquire(Duration.ZERO));
            assertTrue(sem.isLocked());
            return null;
        });
    }

    /** semaphore_test.py test_bounded / test__semaphore.py TestBoundedSemaphore: a release too many raises. */
    @Test
    void aBoundedSemaphoreRefusesAReleaseAboveItsBound() {
        Green.run(() -> {
            BoundedSemaphore sem = new BoundedSemaphore(2);
            GreenThread<Void> gt1 = Green.spawn(() -> sem.acquire());
            GreenThread<Void> gt2 = Green.spawn(() -> sem.acquire());
            GreenThread<Void> gt3 = Green.spawn(() -> sem.acquire());
            gt1.get();
            gt2.get();
            waitUntil(() -> sem.waiting() == 1);
            sem.release();
            gt3.get();
            sem.release();
            sem.release();
            assertEquals(2, sem.available());
            assertThrows(IllegalStateException.class, sem::release);
            assertEquals(2, sem.available());
            return null;
        });
    }

    /** semaphore_test.py test_semaphore_type_check / test__semaphore.py: a negative count is refused. */
    @Test
    void aNegativeCountIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Semaphore(-1));
        assertThrows(IllegalArgumentException.class, () -> new BoundedSemaphore(-1));
    }

    /** semaphore_test.py test_semaphore_contention: waiters get released permits in the order they came. */
    @Test
    void semaphoreContention() {
        Green.run(() -> {
            Semaphore sem = new Semaphore(0);
            List<Integer> got = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int n = i;
                Green.spawn(() -> {
                    sem.acquire();
                    got.add(n);
                });
            }
            waitUntil(() -> sem.waiting() == 3);
            sem.release();
            sem.release();
            sem.release();
            waitUntil(() -> got.size() == 3);
            assertEquals(List.of(0, 1, 2), got);
            assertEquals(0, sem.available());
            return null;
        });
    }

    // ---- pools ----

    /** greenpool_test.py GreenPool.test_waiting: running() and waiting() while spawners wait for the one slot. */
    @Test
    void poolRunningAndWaiting() {
        Green.run(() -> {
            GreenPool pool = new GreenPool(1);
            Event done = new Event();
            List<GreenThread<Void>> waiters = new ArrayList<>();
            assertEquals(0, pool.running());
            for (int i = 0; i < 3; i++) {
                waiters.add(Green.spawn(() -> pool.spawn(() -> done.await()).join()));
                Green.cede();
                assertEquals(i, pool.waiting());
            }
            assertEquals(1, pool.running());
            done.set();
            for (GreenThread<Void> w : waiters) {
                w.join();
            }
            assertEquals(0, pool.waiting());
            assertEquals(0, pool.running());
            return null;
        });
    }

    /** greenpool_test.py GreenPool.test_resize: shrinking while busy, then free() once the threads end. */
    @Test
    void poolResizeWhileBusy() {
        Green.run(() -> {
            GreenPool pool = new GreenPool(2);
            Event evt = new Event();
            GreenThread<Void> a = pool.spawn(() -> evt.await());
            GreenThread<Void> b = pool.spawn(() -> evt.await());
            assertEquals(0, pool.free());
            assertEquals(2, pool.running());
            pool.resize(1);
            assertEquals(-1, pool.free());
            evt.set();
            a.join();
            b.join();
            waitUntil(() -> pool.running() == 0);
            assertEquals(1, pool.free());
            pool.resize(2);
            assertEquals(2, pool.free());
            assertEquals(0, pool.running());
            return null;
        });
    }

    /** greenpool_test.py GreenPool.test_spawn_n_2: once the pool is full, spawning yields until a slot is free. */
    @Test
    void spawnNOnAFullPoolYields() {
        Green.run(() -> {
            GreenPool p = new GreenPool(2);
            assertEquals(2, p.free());
            List<Integer> r = new ArrayList<>();
            GreenThread<Void> gt = p.spawn((Runnable) () -> r.add(1));
            assertEquals(1, p.free());
            gt.join();
            assertEquals(List.of(1), r);
            waitUntil(() -> p.free() == 2);
            p.spawnN(() -> r.add(2));
            assertEquals(1, p.free());
            assertEquals(List.of(1), r);
            p.spawnN(() -> r.add(3));
            assertEquals(0, p.free());
            assertEquals(List.of(1), r);
            p.spawnN(() -> r.add(4));
            assertEquals(Set.of(1, 2, 3), new HashSet<>(r));
            p.waitAll();
            assertEquals(Set.of(1, 2, 3, 4), new HashSet<>(r));
            return null;
        });
    }

    /** greenpool_test.py GreenPool.test_imap_raises: a failure is raised in its place and iteration goes on. */
    @Test
    void imapRaisesInPlaceAndGoesOn() {
        Green.run(() -> {
            GreenPool pool = new GreenPool(4);
            Iterator<Object> it = pool.imap(item -> {
                if (item == 1 || item == 7) {
                    throw new IllegalStateException("intentional error");
                }
                return item;
            }, range(0, 10));
            List<Object> results = new ArrayList<>();
            while (true) {
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    results.add(it.next());
                } catch (IllegalStateException e) {
                    results.add("r");
                }
            }
            assertEquals(List.of(0, "r", 2, 3, 4, 5, 6, "r", 8, 9), results);
            return null;
        });
    }

    /** greenpool_test.py GreenPool.test_waitall_on_nothing / test_empty_imap. */
    @Test
    void waitAllAndImapOnNothing() {
        Green.run(() -> {
            GreenPool pool = new GreenPool();
            pool.waitAll();
            assertFalse(pool.imap(x -> x, List.of()).hasNext());
            return null;
        });
    }

    /** greenpool_test.py GreenPile.test_pile: results in spawn order, more spawns than the pool's size. */
    @Test
    void pileInSpawnOrder() {
        Green.run(() -> {
            GreenPile<Integer> p = new GreenPile<>(4);
            for (int i = 0; i < 10; i++) {
                int n = i;
                p.spawn(() -> n);
            }
            List<Integer> got = new ArrayList<>();
            p.forEach(got::add);
            assertEquals(range(0, 10), got);
            return null;
        });
    }

    /** greenpool_test.py GreenPile.test_pile_spawn_times_out: a spawn that timed out leaves the sequence whole. */
    @Test
    void aPileSpawnThatTimesOutLeavesTheSequenceWhole() {
        Green.run(() -> {
            GreenPile<Object> p = new GreenPile<>(4);
            for (int i = 0; i < 4; i++) {
                int n = i;
                p.spawn(() -> n);
            }
            try (Timeout t = Timeout.of(Duration.ZERO)) {
                assertThrows(GreenTimeout.class, () -> p.spawn(() -> "time out"));
            }
            for (int i = 4; i < 10; i++) {
                int n = i;
                p.spawn(() -> n);
            }
            List<Object> got = new ArrayList<>();
            p.forEach(got::add);
            assertEquals(new ArrayList<Object>(range(0, 10)), got);
            return null;
        });
    }

    /** greenpool_test.py GreenPile.test_constructing_from_pool: two piles share one pool. */
    @Test
    void twoPilesShareAPool() {
        Green.run(() -> {
            GreenPool pool = new GreenPool(2);
            GreenPile<Integer> pile1 = new GreenPile<>(pool);
            GreenPile<Integer> pile2 = new GreenPile<>(pool);
            for (int i = 0; i < 4; i++) {
                int n = i;
                pile1.spawn(() -> n);
                pile2.spawn(() -> n * 10);
            }
            List<Integer> got1 = new ArrayList<>();
            List<Integer> got2 = new ArrayList<>();
            pile1.forEach(got1::add);
            pile2.forEach(got2::add);
            assertEquals(List.of(0, 1, 2, 3), got1);
            assertEquals(List.of(0, 10, 20, 30), got2);
            return null;
        });
    }

    /** test__event.py TestGeventWaitOnEvent.test_set_during_wait (gevent #771): after clear, a wait times out. */
    @Test
    void aWaitAfterClearTimesOutEvenRightAfterASetWokeUs() {
        Green.run(() -> {
            Event event = new Event();
            GreenThread<Void> waiter = Green.spawn(() -> {
                GreenThread<Void> setter = Green.spawn(event::set);
                assertTrue(event.await(Duration.ofDays(1)));
                assertTrue(event.isSet());
                setter.join();
                event.clear();
                assertFalse(event.isSet());
                assertFalse(event.await(SHORT));
                assertFalse(event.isSet());
            });
            waiter.get();
            return null;
        });
    }

    /** test__event.py TestAsyncResultAsLinkTarget: link, linkValue and linkException feeding async results. */
    @Test
    void asyncResultsAsLinkTargets() {
        Green.run(() -> {
            for (boolean fails : new boolean[] {false, true}) {
                GreenThread<Integer> g = Green.spawn(() -> {
                    if (fails) {
                        throw new IllegalStateException("expected");
                    }
                    return 1;
                });
                AsyncResult<Integer> s1 = new AsyncResult<>();
                AsyncResult<Integer> s2 = new AsyncResult<>();
                AsyncResult<Integer> s3 = new AsyncResult<>();
                java.util.function.Function<AsyncResult<Integer>, java.util.function.Consumer<GreenThread<Integer>>> to =
                        r -> t -> {
                            if (t.isSuccessful()) {
                                r.set(t.get());
                            } else {
                                r.setException(t.exception());
                            }
                        };
                g.link(to.apply(s1));
                g.linkValue(to.apply(s2));
                g.linkException(to.apply(s3));
                if (fails) {
                    assertThrows(IllegalStateException.class, s1::get);
                    assertThrows(TimeoutException.class, () -> s2.get(SHORT));
                    assertThrows(IllegalStateException.class, s3::get);
                } else {
                    assertEquals(1, s1.get());
                    assertEquals(1, s2.get());
                    assertThrows(TimeoutException.class, () -> s3.get(SHORT));
                }
            }
            return null;
        });
    }

    /** test__pool.py TestCoroutinePool.test_reentrant: apply from a thread of a full pool runs right there. */
    @Test
    void applyIsReentrant() {
        Green.run(() -> {
            GreenPool pool = new GreenPool(1);
            int result = pool.apply(() -> pool.apply(() -> 5 + 1));
            assertEquals(6, result);
            Event evt = new Event();
            pool.applyAsync(() -> {
                evt.set();
                return null;
            });
            evt.await();
            assertEquals("return value", pool.apply(() -> "return value"));
            assertThrows(IllegalStateException.class, () -> pool.apply(() -> {
                throw new IllegalStateException("expected");
            }));
            return null;
        });
    }

    /** test__pool.py TestPool.test_map / TestErrorInHandler.test_map: results in order; a failure is rethrown. */
    @Test
    void mapReturnsResultsInOrderOrRethrows() {
        Green.run(() -> {
            GreenPool pool = new GreenPool(3);
            assertEquals(range(0, 100).stream().map(x -> x * x).toList(), pool.map(x -> x * x, range(0, 100)));
            assertEquals(List.of(), pool.map(x -> x, List.of()));
            assertThrows(ArithmeticException.class, () -> pool.map(x -> 1 / x, List.of(1, 0, 2)));
            assertTrue(pool.join(Duration.ofDays(1)));
            return null;
        });
    }

    /** test__pool.py TestErrorInHandler.test_imap with a pool of 1: 1.0, the failure, 0.5, then the end. */
    @Test
    void imapOnAPoolOfOneGoesOnAfterAFailure() {
        Green.run(() -> {
            GreenPool pool = new GreenPool(1);
            Iterator<Double> it = pool.imap(x -> 1.0 / (x == 0 ? failZero() : x), List.of(1, 0, 2));
            assertEquals(1.0, it.next());
            assertThrows(ArithmeticException.class, it::next);
            assertEquals(0.5, it.next());
            assertFalse(it.hasNext());
            return null;
        });
    }

    private static int failZero() {
        throw new ArithmeticException("/ by zero");
    }

    /** test__pool.py test_imap_no_stop (gevent #423) / test_imap_final_sleep (#311): arguments that block a while. */
    @Test
    void imapWaitsForArgumentsThatComeLater() {
        Green.run(() -> {
            GreenPool pool = new GreenPool(2);
            Queue<Integer> q = new Queue<>();
            q.put(123);
            Green.spawnAfter(SHORT, () -> q.put(-1));   // the end of the arguments
            Iterable<Integer> arguments = () -> new Iterator<>() {
                private Integer next;

                @Override
                public boolean hasNext() {
                    if (next == null) {
                        next = q.get();
                    }
                    return next != -1;
                }

                @Override
                public Integer next() {
                    hasNext();
                    Integer n = next;
                    next = null;
                    return n;
                }
            };
            List<Integer> got = new ArrayList<>();
            pool.imap(x -> x, arguments).forEachRemaining(got::add);
            assertEquals(List.of(123), got);
            return null;
        });
    }

    /** test__pool.py PoolBasicTests.test_add_method: an add that times out waiting for a slot leaves the pool as it was. */
    @Test
    void anAddThatTimesOutLeavesThePoolAsItWas() {
        Green.run(() -> {
            GreenPool p = new GreenPool(1);
            GreenThread<Void> first = Green.spawn(() -> Green.sleep(Duration.ofDays(1)));
            GreenThread<Void> second = Green.spawn(() -> Green.sleep(Duration.ofDays(1)));
            assertEquals(1, p.free());
            assertEquals(0, p.count());
            p.add(first);
            assertEquals(0, p.free());
            assertEquals(1, p.count());
            try (Timeout t = Timeout.of(SHORT)) {
                assertThrows(GreenTimeout.class, () -> p.add(second));
            }
            assertEquals(0, p.free());
            assertEquals(1, p.count());
            assertFalse(p.contains(second));
            second.kill();
            first.kill();
            assertTrue(p.join(Duration.ofDays(1)));
            assertEquals(1, p.free());
            return null;
        });
    }

    /** test__pool.py TestJoinEmpty / TestSpawn.testSpawnAndWait: join of an empty pool is true; of a busy one false. */
    @Test
    void joinReturnsWhetherAllEnded() {
        Green.run(() -> {
            GreenPool p = new GreenPool(1);
            assertTrue(p.join(Duration.ZERO));
            Event go = new Event();
            p.spawn(() -> go.await());
            assertEquals(1, p.count());
            assertFalse(p.join(SHORT));
            go.set();
            assertTrue(p.join(Duration.ofDays(1)));
            assertEquals(0, p.count());
            return null;
        });
    }

    /** event_test.py TestEvent.test_reset: reset only after a send; a send again only after a reset. */
    @Test
    void resetLetsAResultBeSetAgain() {
        Green.run(() -> {
            AsyncResult<String> evt = new AsyncResult<>();
            assertThrows(IllegalStateException.class, evt::reset);
            Green.spawn(() -> evt.set("some stuff"));
            assertEquals("some stuff", evt.get());
            assertThrows(IllegalStateException.class, () -> evt.set("second stuff"));
            assertEquals("some stuff", evt.get());
            evt.reset();
            assertFalse(evt.isReady());
            Green.spawn(() -> evt.set("second stuff"));
            assertEquals("second stuff", evt.get());
            return null;
        });
    }

    /** A waiter that set() woke returns what was set, even if the result is reset before it runs (as in eventlet). */
    @Test
    void aWokenWaiterKeepsTheValueAcrossAReset() {
        Green.run(() -> {
            AsyncResult<String> evt = new AsyncResult<>();
            GreenThread<String> waiter = Green.spawn(() -> evt.get());
            Green.cede();   // the waiter runs and waits
            evt.set("first");
            evt.reset();
            assertEquals("first", waiter.get());
            return null;
        });
    }

    /** test__semaphore.py test_release_twice and kin: Semaphore() and BoundedSemaphore() have one permit. */
    @Test
    void theDefaultSemaphoresHaveOnePermit() {
        Green.run(() -> {
            Semaphore s = new Semaphore();
            assertEquals(1, s.available());
            s.release();
            s.release();
            assertEquals(3, s.available());
            BoundedSemaphore b = new BoundedSemaphore();
            assertEquals(1, b.available());
            assertTrue(b.tryAcquire());
            assertFalse(b.tryAcquire());
            b.release();
            assertThrows(IllegalStateException.class, b::release);
            return null;
        });
    }

    // ---- second round: eventlet greenpool_test.py, gevent test__pool.py, test__event.py ----

    private static final class ExpectedError extends RuntimeException {
        ExpectedError(String message) {
            super(message);
        }
    }

    /** greenpool_test.py GreenPool.test_spawn: ten spawns into a pool of four, each thread's value in order. */
    @Test
    void spawnMoreThanThePoolsSize() {
        Green.run(() -> {
            GreenPool p = new GreenPool(4);
            List<GreenThread<Integer>> waiters = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int n = i;
                waiters.add(p.spawn(() -> n));
            }
            assertEquals(range(0, 10), waiters.stream().map(GreenThread::get).toList());
            return null;
        });
    }

    /** greenpool_test.py GreenPool.test_spawn_n: threads that sleep finish in spawn order; waitAll waits for all. */
    @Test
    void spawnNThenWaitAll() {
        Green.run(() -> {
            GreenPool p = new GreenPool(4);
            List<Integer> results = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int n = i;
                p.spawnN(() -> {
                    Green.sleep(10);
                    results.add(n);
                });
            }
            p.waitAll();
            assertEquals(range(0, 10), results);
            assertEquals(0, p.running());
            return null;
        });
    }

    /** greenpool_test.py / test__pool.py TestCoroutinePool.test_multiple_coros: consumer, producer, consumer. */
    @Test
    void aConsumerAndAProducerInOnePool() {
        Green.run(() -> {
            AsyncResult<Void> evt = new AsyncResult<>();
            List<String> results = new ArrayList<>();
            GreenPool pool = new GreenPool(2);
            GreenThread<Void> done = pool.spawn(() -> {
                results.add("cons1");
                evt.get();
                results.add("cons2");
            });
            pool.spawnN(() -> {
                results.add("prod");
                evt.set(null);
            });
            done.get();
            assertEquals(List.of("cons1", "prod", "cons2"), results);
            return null;
        });
    }

    /**
     * greenpool_test.py GreenPool.test_pool_smash: a pool thread's get from an empty token queue times out; neither
     * the pool nor the queue is the worse for it.
     */
    @Test
    void aPoolThreadWhoseWaitTimesOutLeavesBothPoolAndQueueWhole() {
        Green.run(() -> {
            GreenPool pool = new GreenPool(1);
            Queue<String> tokens = new Queue<>(1);
            RuntimeException timedOut = new RuntimeException("timed out");
            GreenThread<String> e1 = pool.spawn(() -> {
                try (Timeout t = Timeout.of(Duration.ZERO, timedOut)) {
                    tokens.get();
                    return "received";
                } catch (RuntimeException e) {
                    assertSame(timedOut, e);
                    return "timed out";
                }
            });
            assertEquals("timed out", e1.get());
            GreenThread<Void> gt = Green.spawn(() -> tokens.put("wakeup"));
            assertEquals("resumed", pool.spawn(() -> "resumed").get());
            assertEquals("wakeup", tokens.get());
            gt.get();
            return null;
        });
    }

    /** greenpool_test.py GreenPool.test_exceptions: a thread that fails or is killed gives its slot back. */
    @Test
    void aFailedOrKilledThreadGivesItsSlotBack() {
        Green.run(() -> {
            GreenPool p = new GreenPool(2);
            Runnable raisesAnError = () -> {
                throw new ExpectedError("raiser");
            };
            Runnable raisesGreenletExit = () -> {
                throw new io.greening.GreenletExit();
            };
            for (boolean spawnN : new boolean[] {false, true}) {
                for (Runnable body : List.of(raisesAnError, raisesGreenletExit)) {
                    assertEquals(2, p.free());
                    if (spawnN) {
                        p.spawnN(body);
                    } else {
                        p.spawn(body);
                    }
                    assertEquals(1, p.free());
                    p.waitAll();
                    assertEquals(2, p.free());
                }
            }
            return null;
        });
    }

    /** greenpool_test.py test_imap / test__pool.py test_imap_it_small, test_empty_*: in order; empty is empty. */
    @Test
    void imapInOrderAndEmptyMaps() {
        Green.run(() -> {
            GreenPool p = new GreenPool(4);
            List<Integer> results = new ArrayList<>();
            p.imap(x -> x, range(0, 10)).forEachRemaining(results::add);
            assertEquals(range(0, 10), results);
            assertFalse(p.imapUnordered(x -> x, List.<Integer>of()).hasNext());
            assertFalse(p.imap(x -> x, List.<Integer>of()).hasNext());
            assertEquals(List.of(), p.map(x -> x, List.<Integer>of()));
            assertFalse(new GreenPile<Integer>(4).iterator().hasNext());   // GreenPile.test_empty_pile
            return null;
        });
    }

    /** test__pool.py TestPool*.test_imap_unordered (sizes 1, 2, 3, 10, unlimited): every result, once. */
    @Test
    void imapUnorderedOnPoolsOfEverySize() {
        Green.run(() -> {
            for (int size : new int[] {1, 2, 3, 10, 1_000}) {
                GreenPool pool = new GreenPool(size);
                List<Integer> results = new ArrayList<>();
                pool.imapUnordered(x -> {
                    Green.sleep(x % 3);
                    return x * x;
                }, range(0, 100)).forEachRemaining(results::add);
                results.sort(null);
                assertEquals(range(0, 100).stream().map(x -> x * x).toList(), results, "size " + size);
                pool.join();
            }
            return null;
        });
    }

    /** test__pool.py TestErrorInIterator: what the arguments throw is rethrown by map and by imapUnordered. */
    @Test
    void anErrorInTheArgumentsIsRethrown() {
        Green.run(() -> {
            GreenPool p = new GreenPool(3);
            // gevent's error_iter: yields 1 and 2, then raises
            Iterable<Integer> errorIter = () -> java.util.stream.Stream.iterate(1, n -> {
                if (n >= 2) {
                    throw new ExpectedError("error_iter");
                }
                return n + 1;
            }).iterator();
            assertThrows(ExpectedError.class, () -> p.map(x -> null, errorIter));
            assertThrows(ExpectedError.class, () -> p.imapUnordered(x -> x, errorIter).forEachRemaining(x -> { }));
            return null;
        });
    }

    /** test__pool.py TestErrorInHandler.test_imap_unordered with a pool of 1: 1.0, the failure, 0.5, then the end. */
    @Test
    void imapUnorderedOnAPoolOfOneGoesOnAfterAFailure() {
        Green.run(() -> {
            GreenPool p = new GreenPool(1);
            Iterator<Double> it = p.imapUnordered(x -> {
                if (x == 0) {
                    throw new ArithmeticException("division by zero");
                }
                return 1.0 / x;
            }, List.of(1, 0, 2));
            assertEquals(1.0, it.next());
            assertThrows(ArithmeticException.class, it::next);
            assertEquals(0.5, it.next());
            assertFalse(it.hasNext());
            return null;
        });
    }

    /** test__pool.py PoolBasicTests.test_execute_async: free slots as spawns and applyAsyncs come and go. */
    @Test
    void freeSlotsAsSpawnsAndApplyAsyncsComeAndGo() {
        Green.run(() -> {
            GreenPool p = new GreenPool(2);
            assertEquals(2, p.free());
            List<Integer> r = new ArrayList<>();
            GreenThread<Boolean> first = p.spawn(() -> r.add(1));
            assertEquals(1, p.free());
            first.get();
            assertEquals(List.of(1), r);
            Green.cede();
            assertEquals(2, p.free());
            p.applyAsync(() -> r.add(2));
            assertEquals(1, p.free());
            assertEquals(List.of(1), r);
            p.applyAsync(() -> r.add(3));
            assertEquals(0, p.free());
            assertEquals(List.of(1), r);
            p.applyAsync(() -> r.add(4));   // the pool is full: applyAsync still does not wait
            assertEquals(List.of(1), r);
            waitUntil(() -> r.size() == 4);
            List<Integer> sorted = new ArrayList<>(r);
            sorted.sort(null);
            assertEquals(List.of(1, 2, 3, 4), sorted);
            p.join();
            return null;
        });
    }

    /** test__pool.py PoolBasicTests.test_discard: a discarded thread no longer takes a slot. */
    @Test
    void aDiscardedThreadNoLongerTakesASlot() {
        Green.run(() -> {
            GreenPool p = new GreenPool(1);
            GreenThread<Void> first = p.spawn(() -> Green.sleep(Duration.ofDays(1)));
            p.discard(first);
            first.kill();
            first.join();
            assertEquals(0, p.count());
            assertEquals(1, p.free());
            return null;
        });
    }

    /** test__pool.py PoolBasicTests.test_add_method_non_blocking / test_add_method_timeout: a full pool refuses. */
    @Test
    void anAddWithoutWaitingOrWithATimeoutIsRefusedByAFullPool() {
        Green.run(() -> {
            GreenPool p = new GreenPool(1);
            GreenThread<Void> first = Green.spawn(() -> Green.sleep(Duration.ofDays(1)));
            GreenThread<Void> second = Green.spawn(() -> Green.sleep(Duration.ofDays(1)));
            try {
                assertTrue(p.add(first, Duration.ZERO));
                assertFalse(p.add(second, Duration.ZERO));          // gevent: PoolFull (blocking=False)
                assertFalse(p.add(second, Duration.ofMillis(20)));  // gevent: PoolFull (timeout=0.1)
                assertEquals(1, p.count());
                assertEquals(0, p.free());
                assertFalse(p.contains(second));
            } finally {
                first.kill();
                second.kill();
            }
            first.join();
            assertTrue(p.add(second, Duration.ofSeconds(30)));   // a slot freed: added
            return null;
        });
    }

    /** test__pool.py TestPool0.test_wait_full: a pool of 0 is full, and a wait for a slot times out with 0 free. */
    @Test
    void aPoolOfZeroIsFull() {
        Green.run(() -> {
            GreenPool p = new GreenPool(0);
            assertEquals(0, p.free());
            assertTrue(p.isFull());
            assertEquals(0, p.waitAvailable(Duration.ofMillis(10)));
            assertEquals(0, p.waiting());   // the wait that timed out left no waiter behind
            return null;
        });
    }

    /** gevent Pool.wait_available: it returns once a thread leaves, without taking the slot; a spawner keeps its turn. */
    @Test
    void waitAvailableReturnsOnceASlotFreesWithoutTakingIt() {
        Green.run(() -> {
            GreenPool p = new GreenPool(1);
            AsyncResult<Void> release = new AsyncResult<>();
            p.spawn(() -> release.get());
            assertTrue(p.isFull());
            Green.spawn(() -> {
                release.set(null);
            });
            assertEquals(1, p.waitAvailable());
            assertFalse(p.isFull());
            assertEquals(1, p.waitAvailable(Duration.ZERO));
            assertEquals("ran", p.spawn(() -> "ran").get());
            return null;
        });
    }

    /** test__pool.py TestSpawn.test: a pool counts its living threads. */
    @Test
    void aPoolCountsItsLivingThreads() {
        Green.run(() -> {
            GreenPool p = new GreenPool(1);
            assertEquals(0, p.count());
            GreenThread<Void> first = p.spawn(() -> Green.sleep(10));
            assertEquals(1, p.count());
            GreenThread<Void> second = p.spawn(() -> Green.sleep(10));   // waits for the first to die
            assertTrue(first.isDead());
            assertEquals(1, p.count());
            second.join();
            assertEquals(0, p.count());
            return null;
        });
    }

    /** test__pool.py TestCoroutinePool.test_apply_raises / test_apply / test_async_callback / test_async_timeout. */
    @Test
    void applyAndApplyAsync() {
        Green.run(() -> {
            GreenPool pool = new GreenPool(1);
            assertThrows(ExpectedError.class, () -> pool.apply(() -> {
                throw new ExpectedError("raiser");
            }));
            assertEquals("return value", pool.apply(() -> "return value"));
            List<Integer> result = new ArrayList<>();
            GreenThread<Integer> async = pool.applyAsync(() -> {
                Green.sleep(20);
                return 49;
            }, result::add);
            assertEquals(49, async.get());
            assertEquals(List.of(49), result);
            GreenThread<Integer> slow = pool.applyAsync(() -> {
                Green.sleep(Duration.ofDays(1));
                return 7;
            });
            assertThrows(TimeoutException.class, () -> slow.get(Duration.ofMillis(10)));
            slow.kill();
            return null;
        });
    }

    /** test__event.py TestAsyncResult.test_set_exc: a waiter gets the very exception set. */
    @Test
    void aWaiterGetsTheVeryExceptionSet() {
        Green.run(() -> {
            AsyncResult<Void> e = new AsyncResult<>();
            assertNull(e.exception());
            List<Object> log = new ArrayList<>();
            Green.spawn(() -> {
                try {
                    e.get();
                } catch (ExpectedError caught) {
                    log.add(caught);
                }
            });
            Green.cede();
            ExpectedError obj = new ExpectedError("set_exc");
            e.setException(obj);
            Green.cede();
            assertEquals(List.of(obj), log);
            assertSame(obj, e.exception());
            return null;
        });
    }

    /** test__event.py TestAsyncResult.test_set / test_nonblocking_get: a timeout's exception ends a wait; no block. */
    @Test
    void aTimeoutEndsTheWaitOfAResultAndAGetWithoutWaitingTimesOut() {
        Green.run(() -> {
            AsyncResult<String> event1 = new AsyncResult<>();
            GreenThread<Void> g = Green.spawnAfter(Duration.ofSeconds(5), () -> event1.set("hello event1"));
            RuntimeException timerExc = new RuntimeException("interrupted");
            try (Timeout t = Timeout.of(Duration.ZERO, timerExc)) {
                assertSame(timerExc, assertThrows(RuntimeException.class, event1::get));
            }
            g.kill();
            assertThrows(TimeoutException.class, () -> event1.get(Duration.ZERO));   // get(block=False)
            return null;
        });
    }

    /** test__event.py TestEvent_SetThenClear100: a set then clear at once still wakes all hundred waiters. */
    @Test
    void setThenClearWakesAHundredWaiters() {
        Green.run(() -> {
            Event e = new Event();
            List<GreenThread<Void>> waiters = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                waiters.add(Green.spawn(() -> e.await()));
            }
            Green.sleep(1);
            e.set();
            e.clear();
            assertEquals(100, Green.joinAll(waiters, Duration.ofSeconds(30)).size());
            return null;
        });
    }

    /**
     * test__event.py TestEventBasics.test_wait_while_notifying (gevent #1520): a wait on an event being set returns
     * after the waiters the set woke; test_gevent_wait_twice_when_already_set: waits on a set event return at once.
     */
    @Test
    void aWaitWhileTheWaitersAreNotifiedReturnsAfterThem() {
        Green.run(() -> {
            Event event = new Event();
            List<Integer> results = new ArrayList<>();
            for (int arg : new int[] {1, 2}) {
                Green.spawn(() -> {
                    event.await();
                    results.add(arg);
                });
            }
            Green.cede();
            event.set();
            event.await();
            results.add(3);
            assertEquals(List.of(1, 2, 3), results);
            assertTrue(event.await(Duration.ZERO));
            assertTrue(event.await(Duration.ZERO));
            return null;
        });
    }

    // ---- second round: gevent src/gevent/tests/test__greenletset.py (pool.Group) ----

    /** test__greenletset.py Test.test_basic: a group's count drops as its members end. */
    @Test
    void aGroupCountsItsMembersAsTheyEnd() {
        Green.run(() -> {
            Group s = new Group();
            AsyncResult<Void> firstMayEnd = new AsyncResult<>();
            AsyncResult<Void> secondMayEnd = new AsyncResult<>();
            GreenThread<Void> first = s.spawn(() -> firstMayEnd.get());
            assertEquals(1, s.count());
            GreenThread<Void> second = s.spawn(() -> secondMayEnd.get());
            assertEquals(2, s.count());
            firstMayEnd.set(null);
            first.join();
            assertEquals(1, s.count());
            secondMayEnd.set(null);
            second.join();
            assertEquals(0, s.count());
            return null;
        });
    }

    /** test__greenletset.py Test.test_waitall: join(raise_error=True) with members that succeed empties the group. */
    @Test
    void joinRaisingErrorsOfMembersThatSucceed() {
        Green.run(() -> {
            Group s = new Group();
            s.spawn(() -> Green.sleep(5));
            s.spawn(() -> Green.sleep(10));
            assertEquals(2, s.count());
            assertTrue(s.join(null, true));
            assertEquals(0, s.count());
            return null;
        });
    }

    /** gevent pool.Group.join(raise_error=True): the first member (in member order) that failed has its error raised. */
    @Test
    void joinRaisingErrorsRethrowsAMembersFailure() {
        Green.run(() -> {
            Group s = new Group();
            s.spawn(() -> Green.sleep(5));
            ExpectedError failure = new ExpectedError("member failed");
            s.spawn(() -> {
                Green.sleep(1);
                throw failure;
            });
            GreenThread<Void> killed = s.spawn(() -> Green.sleep(Duration.ofDays(1)));
            killed.kill();
            assertSame(failure, assertThrows(ExpectedError.class, () -> s.join(Duration.ofSeconds(30), true)));
            assertEquals(0, s.count());
            assertTrue(s.join(null, true));   // nobody left whose failure it could raise
            return null;
        });
    }

    /** test__greenletset.py Test.test_kill_block / test_kill_noblock: killAll waits (or not) for the members. */
    @Test
    void killAllWithAndWithoutWaiting() {
        Green.run(() -> {
            for (boolean block : new boolean[] {true, false}) {
                Group s = new Group();
                s.spawn(() -> Green.sleep(Duration.ofDays(1)));
                s.spawn(() -> Green.sleep(Duration.ofDays(2)));
                assertEquals(2, s.count());
                if (block) {
                    assertTrue(s.killAll(Duration.ofSeconds(30)));
                } else {
                    s.killAll();
                    assertEquals(2, s.count());   // not dead yet: they die when they next run
                    assertTrue(s.join(Duration.ofSeconds(30)));
                }
                assertEquals(0, s.count());
            }
            return null;
        });
    }

    /**
     * test__greenletset.py test_killall_iterable_argument_timeout_not_started / _started: threads that never ran die at
     * once; threads that catch the kill and sleep on outlast the timeout, and killAll says so.
     */
    @Test
    void killAllOfThreadsThatCatchTheKill() {
        Green.run(() -> {
            Runnable stubborn = () -> {
                try {
                    Green.sleep(Duration.ofDays(1));
                } catch (io.greening.GreenletExit caught) {
                    Green.sleep(Duration.ofDays(1));
                }
            };
            List<GreenThread<Void>> notStarted = List.of(Green.spawn(stubborn), Green.spawn(stubborn));
            assertTrue(Green.killAll(notStarted, Duration.ofSeconds(30)));
            assertTrue(notStarted.stream().allMatch(GreenThread::isDead));

            List<GreenThread<Void>> started = List.of(Green.spawn(stubborn), Green.spawn(stubborn));
            Green.sleep(1);
            assertFalse(Green.killAll(started, Duration.ofMillis(20)));   // gevent raises its Timeout
            assertTrue(started.stream().noneMatch(GreenThread::isDead));
            started.forEach(t -> t.kill());   // a second kill reaches them in their second sleep
            assertEquals(2, Green.joinAll(started, Duration.ofSeconds(30)).size());
            return null;
        });
    }

    // ---- second round: gevent test__semaphore.py TestSemaphoreMultiThread / TestBoundedSemaphoreMultiThread ----

    /**
     * test__semaphore.py test_acquire_in_one_then_another (gevent #1437), Semaphore and BoundedSemaphore: a green
     * thread holds the permit, a platform thread waits for it, and the green thread's release reaches it.
     */
    @Test
    void aReleaseOnAHubReachesAPlatformThreadWaiting() {
        Green.run(() -> {
            for (Semaphore sem : List.of(new Semaphore(1), new BoundedSemaphore(1))) {
                sem.acquire();
                List<Boolean> acquired = new java.util.concurrent.CopyOnWriteArrayList<>();
                Thread thread = Thread.ofPlatform().start(() -> {
                    sem.acquire();
                    acquired.add(true);
                });
                waitUntil(() -> sem.waiting() == 1);
                sem.release();
                waitUntil(() -> !thread.isAlive());
                assertEquals(List.of(true), acquired, sem.getClass().getSimpleName());
                sem.release();   // the thread's permit: a BoundedSemaphore is back at its bound
                assertEquals(1, sem.available());
            }
            return null;
        });
    }

    /**
     * test__semaphore.py test_acquire_in_one_then_another_timed: the platform thread's timed acquire gives up; a
     * release afterwards finds no waiter and keeps the permit.
     */
    @Test
    void aPlatformThreadsTimedAcquireGivesUp() {
        Green.run(() -> {
            Semaphore sem = new Semaphore(1);
            sem.acquire();
            List<Boolean> acquired = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread thread = Thread.ofPlatform().start(() -> acquired.add(sem.acquire(Duration.ofMillis(5))));
            waitUntil(() -> !thread.isAlive());
            assertEquals(List.of(false), acquired);
            assertEquals(0, sem.waiting());
            sem.release();
            assertEquals(1, sem.available());
            return null;
        });
    }

    /**
     * test__semaphore.py test_dueling_threads / test_dueling_threads_timeout (gevent #1698): two platform threads that
     * only acquire and release, with no hub of their own, both get through every round.
     */
    @Test
    void duelingPlatformThreads() throws Exception {
        for (boolean timed : new boolean[] {false, true}) {
            Semaphore sem = new Semaphore(1);
            int count = 10_000;
            int[] results = {-1, -1};
            List<Thread> threads = new ArrayList<>();
            for (int ix = 0; ix < 2; ix++) {
                int me = ix;
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < count; i++) {
                        boolean got = timed ? sem.acquire(Duration.ofSeconds(4)) : acquireBlocking(sem);
                        if (got) {
                            sem.release();
                        }
                        results[me] = i;
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertArrayEquals(new int[] {count - 1, count - 1}, results, "timed=" + timed);
            assertEquals(1, sem.available());
        }
    }

    /** A plain {@code acquire()} as a boolean, gevent's {@code acquire()} that returns {@code True}. */
    private static boolean acquireBlocking(Semaphore sem) {
        sem.acquire();
        return true;
    }
}
