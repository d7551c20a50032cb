package io.greening.sync;

import io.greening.Green;
import io.greening.GreenThread;
import io.greening.Hub;
import io.greening.Timeout;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.greening.testing.Conditions.waitUntil;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Cases of gevent's and eventlet's own queue suites (gevent src/gevent/tests/test__queue.py, eventlet
 * tests/queue_test.py), ported. Greening's {@code Queue(0)} is eventlet's channel (gevent's {@code Channel}).
 */
@org.junit.jupiter.api.Timeout(60)
class GeventQueuePortTest {

    private static final Duration SHORT = Duration.ofMillis(1);

    /** eventlet queue_test.py do_bail: a get under a timeout of zero that raises the caller's exception. */
    private static String doBail(Queue<String> q) {
        try (Timeout t = Timeout.of(Duration.ZERO, new IllegalStateException("timed out"))) {
            return q.get();
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    /** Calls {@code q.putNowait(item)} in a task of the hub's own loop (eventlet's "from the mainloop"). */
    private static Object putNowaitOnTheCarrier(Queue<Integer> q, int item) {
        AsyncResult<Object> result = new AsyncResult<>();
        Hub.current().execute(() -> {
            try {
                q.putNowait(item);
                result.set("put");
            } catch (RuntimeException e) {
                result.set(e);
            }
        });
        return result.get();
    }

    /** test__queue.py TestQueue.test_send_last / eventlet test_max_size. */
    @Test
    void aBoundedQueueLetsThePutterOnOnceAGetFreesASlot() {
        Green.run(() -> {
            Queue<String> q = new Queue<>(2);
            List<String> results = new ArrayList<>();
            GreenThread<String> p = Green.spawn(() -> {
                q.put("a");
                results.add("a");
                q.put("b");
                results.add("b");
                q.put("c");
                results.add("c");
                return "OK";
            });
            Green.cede();
            assertEquals(List.of("a", "b"), results);
            assertEquals("a", q.get());
            Green.cede();
            assertEquals(List.of("a", "b", "c"), results);
            assertEquals("b", q.get());
            assertEquals("c", q.get());
            assertEquals("OK", p.get());
            return null;
        });
    }

    /** test__queue.py TestQueue.test_peek_empty: peek without waiting, or with a zero timeout, raises Empty. */
    @Test
    void peekOnAnEmptyQueueRaisesEmpty() {
        Green.run(() -> {
            Queue<Integer> q = new Queue<>();
            assertThrows(Queue.Empty.class, q::peekNowait);
            assertThrows(Queue.Empty.class, () -> q.peek(Duration.ZERO));
            assertThrows(Queue.Empty.class, () -> q.get(Duration.ZERO));
            return null;
        });
    }

    /** test__queue.py TestQueue.test_peek_multi_greenlet: a waiting peek sees the item, which stays. */
    @Test
    void aWaitingPeekSeesTheItemAndLeavesIt() {
        Green.run(() -> {
            Queue<Integer> q = new Queue<>();
            GreenThread<Integer> g = Green.spawn(() -> q.peek());
            Green.cede();
            q.put(1);
            assertEquals(1, g.get());
            assertEquals(1, q.peek());
            assertEquals(1, q.qsize());
            return null;
        });
    }

    /** test__queue.py TestQueue.test_waiters_that_cancel: a getter stopped by a timeout takes nothing. */
    @Test
    void aGetterStoppedByATimeoutTakesNothing() {
        Green.run(() -> {
            Queue<String> q = new Queue<>();
            GreenThread<String> g = Green.spawn(() -> doBail(q));
            assertEquals("timed out", g.get());
            q.put("hi");
            assertEquals("hi", q.get());
            return null;
        });
    }

    /** test__queue.py TestQueue.test_two_waiters_one_dies: the item goes to the getter that is still there. */
    @Test
    void twoWaitersOneDies() {
        Green.run(() -> {
            Queue<String> q = new Queue<>();
            GreenThread<String> dying = Green.spawn(() -> doBail(q));
            GreenThread<String> waiting = Green.spawn(() -> q.get());
            assertEquals("timed out", dying.get());
            waitUntil(() -> q.getting() == 1);
            q.put("hi");
            assertEquals("hi", waiting.get());
            return null;
        });
    }

    /** test__queue.py TestQueue.test_two_bogus_waiters: both getters time out; the item stays for the next. */
    @Test
    void twoBogusWaiters() {
        Green.run(() -> {
            Queue<String> q = new Queue<>();
            List<GreenThread<Boolean>> getters = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                getters.add(Green.spawn(() -> {
                    try {
                        q.get(SHORT);
                        return false;
                    } catch (Queue.Empty e) {
                        return true;
                    }
                }));
            }
            for (GreenThread<Boolean> g : getters) {
                assertTrue(g.get());
            }
            assertEquals(0, q.getting());
            q.put("sent");
            assertEquals("sent", q.get());
            assertEquals(0, q.qsize());
            return null;
        });
    }

    /** test__queue.py TestChannel.test_send: put on a channel waits until a getter took the item. */
    @Test
    void channelSend() {
        Green.run(() -> {
            Queue<String> channel = new Queue<>(0);
            List<String> events = new ArrayList<>();
            GreenThread<Void> g = Green.spawn(() -> {
                events.add(channel.get());
                events.add(channel.get());
            });
            events.add("sending");
            channel.put("hello");
            events.add("sent hello");
            channel.put("world");
            events.add("sent world");
            assertEquals(List.of("sending", "hello", "sent hello", "world", "sent world"), events);
            g.get();
            return null;
        });
    }

    /** test__queue.py TestChannel.test_wait: the putter goes on only once the getter ran. */
    @Test
    void channelWait() {
        Green.run(() -> {
            Queue<String> channel = new Queue<>(0);
            List<String> events = new ArrayList<>();
            GreenThread<Void> g = Green.spawn(() -> {
                events.add("sending hello");
                channel.put("hello");
                events.add("sending world");
                channel.put("world");
                events.add("sent world");
            });
            events.add("waiting");
            events.add(channel.get());
            events.add(channel.get());
            assertEquals(List.of("waiting", "sending hello", "hello", "sending world", "world"), events);
            Green.cede();
            assertEquals(List.of("waiting", "sending hello", "hello", "sending world", "world", "sent world"), events);
            g.get();
            return null;
        });
    }

    /** test__queue.py TestJoinableQueue.test_task_done / eventlet test_task_done: a channel's get counts a task. */
    @Test
    void aChannelGetCountsAnUnfinishedTask() {
        Green.run(() -> {
            Queue<Object> channel = new Queue<>(0);
            Object x = new Object();
            Green.spawn(() -> channel.put(x));
            assertSame(x, channel.get());
            assertEquals(1, channel.unfinishedTasks());
            channel.taskDone();
            assertEquals(0, channel.unfinishedTasks());
            return null;
        });
    }

    /** eventlet queue_test.py test_join_doesnt_block_when_queue_is_already_empty. */
    @Test
    void joinOnAnEmptyQueueReturnsAtOnce() {
        Green.run(() -> {
            Queue<Integer> q = new Queue<>();
            q.join();
            q.put(1);
            assertEquals(1, q.unfinishedTasks());
            assertFalse(q.join(Duration.ZERO));
            q.get();
            q.taskDone();
            q.join();
            assertThrows(IllegalStateException.class, q::taskDone);   // gevent: ValueError('task_done() called too many times')
            return null;
        });
    }

    /** test__queue.py TestNoWait.test_put_nowait_simple: the second putNowait into Queue(1) raises Full. */
    @Test
    void putNowaitRaisesFullOnceFull() {
        Green.run(() -> {
            Queue<Integer> q = new Queue<>(1);
            q.putNowait(2);
            assertThrows(Queue.Full.class, () -> q.putNowait(3));
            assertThrows(Queue.Full.class, () -> q.put(3, Duration.ZERO));
            assertTrue(q.isFull());
            return null;
        });
    }

    /** test__queue.py TestNoWait.test_get_nowait_unlock: getNowait takes the item and lets the putter finish. */
    @Test
    void getNowaitUnlocksAWaitingPutter() {
        Green.run(() -> {
            Queue<Integer> q = new Queue<>(1);
            GreenThread<Void> p = Green.spawn(() -> q.put(5));
            assertTrue(q.isEmpty());
            Green.cede();
            assertTrue(q.isFull());
            assertEquals(5, q.getNowait());
            p.join();
            assertTrue(p.isDead());
            assertTrue(q.isEmpty());
            return null;
        });
    }

    /** test__queue.py TestNoWait.test_put_nowait_unlock: putNowait hands the item to a waiting getter. */
    @Test
    void putNowaitUnlocksAWaitingGetter() {
        Green.run(() -> {
            Queue<Integer> q = new Queue<>();
            GreenThread<Integer> p = Green.spawn(() -> q.get());
            Green.cede();
            assertTrue(q.isEmpty());
            assertFalse(q.isFull());
            q.putNowait(10);
            assertFalse(p.isReady());
            assertEquals(10, p.get());
            assertTrue(q.isEmpty());
            return null;
        });
    }

    /** eventlet queue_test.py test_get_nowait_unlock on a channel: getNowait takes a waiting putter's item. */
    @Test
    void getNowaitOnAChannelTakesFromAWaitingPutter() {
        Green.run(() -> {
            Queue<Integer> q = new Queue<>(0);
            GreenThread<Void> p = Green.spawn(() -> q.put(5));
            assertTrue(q.isEmpty());
            assertTrue(q.isFull());
            Green.cede();
            assertTrue(q.isEmpty());
            assertTrue(q.isFull());
            assertEquals(5, q.getNowait());
            assertTrue(q.isEmpty());
            assertTrue(q.isFull());
            p.get();
            assertThrows(Queue.Empty.class, q::getNowait);
            assertThrows(Queue.Full.class, () -> q.putNowait(1));
            return null;
        });
    }

    /** eventlet queue_test.py test_resize_up / test_resize_to_Unlimited: growing a channel admits its putter. */
    @Test
    void resizingAChannelUpAdmitsItsPutter() {
        Green.run(() -> {
            Queue<String> q = new Queue<>(0);
            GreenThread<Void> sender = Green.spawn(() -> q.put("hi"));
            Green.cede();
            q.resize(1);
            sender.get();
            assertEquals("hi", q.get());

            Queue<String> unbounded = new Queue<>(0);
            GreenThread<Void> other = Green.spawn(() -> unbounded.put("hi"));
            Green.cede();
            unbounded.resize(-1);
            other.get();
            assertEquals("hi", unbounded.get());
            return null;
        });
    }

    /** eventlet queue_test.py test_resize_down: shrinking keeps the items held. */
    @Test
    void resizingDownKeepsTheItems() {
        Green.run(() -> {
            Queue<Integer> q = new Queue<>(5);
            for (int i = 0; i < 5; i++) {
                q.put(i);
            }
            q.resize(1);
            assertEquals(5, q.qsize());
            assertTrue(q.isFull());
            assertThrows(Queue.Full.class, () -> q.putNowait(5));
            for (int i = 0; i < 5; i++) {
                assertEquals(i, q.get());
            }
            q.putNowait(5);
            return null;
        });
    }

    /** eventlet queue_test.py test_waiting: getting() counts waiting getters, and drops one once served. */
    @Test
    void gettingCountsWaitingGetters() {
        Green.run(() -> {
            Queue<String> q = new Queue<>();
            GreenThread<String> g = Green.spawn(() -> q.get());
            Green.cede();
            assertEquals(1, q.getting());
            q.put("hi");
            Green.cede();
            assertEquals(0, q.getting());
            assertEquals("hi", g.get());
            assertEquals(0, q.getting());
            return null;
        });
    }

    /** eventlet queue_test.py test_senders_that_die: a putter that ended leaves its item. */
    @Test
    void sendersThatDie() {
        Green.run(() -> {
            Queue<String> q = new Queue<>();
            Green.spawn(() -> q.put("sent"));
            assertEquals("sent", q.get());
            return null;
        });
    }

    /** eventlet queue_test.py test_channel_sender_timing_out: a channel put times out; nothing is left behind. */
    @Test
    void aChannelPutTimesOutAndLeavesNothing() {
        Green.run(() -> {
            Queue<String> c = new Queue<>(0);
            assertThrows(Queue.Full.class, () -> c.put("hi", SHORT));
            assertThrows(Queue.Empty.class, c::getNowait);
            assertEquals(0, c.putting());
            return null;
        });
    }

    /**
     * eventlet queue_test.py TestNoWait.test_put_nowait_unlock ("put_nowait must work from the mainloop"): a task
     * on the hub's own carrier hands its item to a waiting getter without waiting, as it cannot wait there.
     */
    @Test
    void putNowaitOnAChannelFromTheHubsCarrierHandsOverWithoutWaiting() {
        Green.run(() -> {
            Queue<Integer> q = new Queue<>(0);
            GreenThread<Integer> p = Green.spawn(() -> q.get());
            Green.cede();
            assertTrue(q.isEmpty());
            assertTrue(q.isFull());
            assertEquals("put", putNowaitOnTheCarrier(q, 10));
            assertEquals(10, p.get());
            assertTrue(q.isFull());
            assertTrue(q.isEmpty());
            assertEquals(0, q.getting());
            return null;
        });
    }

    /** The same from the carrier with no getter waiting: Full at once (eventlet raises Full there too). */
    @Test
    void putNowaitOnAChannelFromTheHubsCarrierWithoutAGetterIsFull() {
        Green.run(() -> {
            Queue<Integer> q = new Queue<>(0);
            assertInstanceOf(Queue.Full.class, putNowaitOnTheCarrier(q, 10));
            return null;
        });
    }

    /** test__queue.py TestJoinableQueue.test_shutdown_all_methods_in_one_thread (immediate false and true). */
    @Test
    void shutdownAllMethodsInOneThread() {
        Green.run(() -> {
            for (boolean immediate : new boolean[] {false, true}) {
                Queue<String> q = new Queue<>();
                q.put("L");
                q.putNowait("O");
                q.shutdown(immediate);
                assertTrue(q.isShutDown());
                assertThrows(Queue.ShutDown.class, () -> q.put("E"));
                assertThrows(Queue.ShutDown.class, () -> q.putNowait("W"));
                if (immediate) {
                    assertThrows(Queue.ShutDown.class, q::get);
                    assertThrows(Queue.ShutDown.class, q::getNowait);
                    assertThrows(IllegalStateException.class, q::taskDone);
                    q.join();
                } else {
                    assertTrue("LO".contains(q.get()));
                    q.taskDone();
                    assertTrue("LO".contains(q.get()));
                    q.taskDone();
                    q.join();
                    assertThrows(Queue.ShutDown.class, q::get);
                    assertThrows(Queue.ShutDown.class, q::getNowait);
                    assertThrows(Queue.ShutDown.class, () -> q.get(Duration.ofSeconds(1)));
                }
            }
            return null;
        });
    }

    /** Python's test_queue shutdown cases: waiting getters, putters and peekers raise ShutDown; kept items stay. */
    @Test
    void shutdownWakesWaitersWithShutDown() {
        Green.run(() -> {
            Queue<String> empty = new Queue<>();
            GreenThread<String> getter = Green.spawn(() -> empty.get());
            GreenThread<String> peeker = Green.spawn(() -> empty.peek());
            Queue<String> full = new Queue<>(1);
            full.put("held");
            GreenThread<Void> putter = Green.spawn(() -> full.put("more"));
            Queue<String> channel = new Queue<>(0);
            GreenThread<String> channelGetter = Green.spawn(() -> channel.get());
            waitUntil(() -> empty.getting() == 1 && full.putting() == 1 && channel.getting() == 1);
            empty.shutdown();
            full.shutdown();
            channel.shutdown();
            assertThrows(Queue.ShutDown.class, getter::get);
            assertThrows(Queue.ShutDown.class, peeker::get);
            assertThrows(Queue.ShutDown.class, putter::get);
            assertThrows(Queue.ShutDown.class, channelGetter::get);
            assertEquals("held", full.get());
            assertThrows(Queue.ShutDown.class, full::get);

            // An item kept for a woken getter that has not run: kept on shutdown(), dropped on shutdown(true).
            for (boolean immediate : new boolean[] {false, true}) {
                Queue<String> q = new Queue<>();
                GreenThread<String> g = Green.spawn(() -> q.get());
                waitUntil(() -> q.getting() == 1);
                q.put("kept");
                q.shutdown(immediate);
                if (immediate) {
                    assertThrows(Queue.ShutDown.class, g::get);
                    assertEquals(0, q.unfinishedTasks());
                } else {
                    assertEquals("kept", g.get());
                }
                assertEquals(0, q.qsize());
            }
            return null;
        });
    }

    // ---- second round: eventlet queue_test.py, gevent test__queue.py ----

    /** eventlet queue_test.py test_send_first / test_send_last / test_getting_before_sending. */
    @Test
    void anItemPutBeforeOrAfterTheGetterCameReachesIt() {
        Green.run(() -> {
            Queue<String> q = new Queue<>();
            q.put("hi");
            assertEquals("hi", q.get());

            GreenThread<String> waiter = Green.spawn(() -> Green.withTimeout(Duration.ofSeconds(30), () -> q.get()));
            Green.cede();
            Green.cede();
            q.put("hi2");
            assertEquals("hi2", waiter.get());

            GreenThread<Void> putter = Green.spawn(() -> q.put("sent"));
            assertEquals("sent", q.get());
            putter.get();
            return null;
        });
    }

    /** eventlet queue_test.py test_zero_max_size / test__queue.py TestChannel.test_zero_max_size. */
    @Test
    void aChannelPutWaitsForAGetter() {
        Green.run(() -> {
            Queue<String> q = new Queue<>(0);
            AsyncResult<String> evt = new AsyncResult<>();
            GreenThread<Void> sender = Green.spawn(() -> {
                q.put("hi");
                evt.set("done");
            });
            Green.cede();
            assertFalse(evt.isReady());
            GreenThread<String> receiver = Green.spawn(() -> q.get());
            assertEquals("hi", receiver.get());
            assertEquals("done", evt.get());
            sender.get();
            return null;
        });
    }

    /** eventlet queue_test.py test_multiple_waiters / test__queue.py test_multiple_waiters: every waiter gets one. */
    @Test
    void multipleWaitersEachGetAnItem() {
        Green.run(() -> {
            Queue<String> q = new Queue<>();
            List<String> sendings = List.of("1", "2", "3", "4");
            List<GreenThread<String>> getters = new ArrayList<>();
            for (int i = 0; i < sendings.size(); i++) {
                getters.add(Green.spawn(() -> q.get()));
            }
            waitUntil(() -> q.getting() == 4);
            sendings.forEach(q::put);
            assertEquals(java.util.Set.copyOf(sendings),
                    java.util.Set.copyOf(getters.stream().map(GreenThread::get).toList()));
            return null;
        });
    }

    /** eventlet queue_test.py test_channel_waiters: three getters, three putters; getting() counts them. */
    @Test
    void channelWaiters() {
        Green.run(() -> {
            Queue<Integer> c = new Queue<>(0);
            List<GreenThread<Integer>> getters = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                getters.add(Green.spawn(() -> c.get()));
            }
            Green.cede();
            assertEquals(3, c.getting());
            List<GreenThread<Void>> putters = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                int n = i;
                putters.add(Green.spawn(() -> c.put(n)));
            }
            putters.forEach(GreenThread::get);
            assertEquals(0, c.getting());
            List<Integer> results = new ArrayList<>(getters.stream().map(GreenThread::get).toList());
            results.sort(null);
            assertEquals(List.of(1, 2, 3), results);
            return null;
        });
    }

    /**
     * eventlet queue_test.py test_zero_length_queue_nonblocking_put: ten good and ten bad getters on a channel, the bad
     * ones killed with an exception while they wait; the ten items put all reach the good ones, in order.
     */
    @Test
    void killedChannelGettersLoseNoItem() {
        Green.run(() -> {
            Queue<Integer> queue = new Queue<>(0);
            List<Integer> got = new ArrayList<>();
            List<GreenThread<Void>> badGetters = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Green.spawn(() -> {
                    got.add(queue.get());
                });
                badGetters.add(Green.spawn(() -> {
                    got.add(queue.get());
                }));
            }
            Green.cede();
            badGetters.forEach(bad -> bad.kill(new RuntimeException("kaboom")));
            for (int i = 0; i < 10; i++) {
                queue.put(i);
            }
            assertEquals(range(10), got);
            return null;
        });
    }

    private static List<Integer> range(int n) {
        return java.util.stream.IntStream.range(0, n).boxed().toList();
    }

    /** test__queue.py TestLifoQueue / TestPriorityQueue (Python's test_queue orders): last in first, smallest first. */
    @Test
    void lifoAndPriorityOrders() {
        Green.run(() -> {
            LifoQueue<Integer> lifo = new LifoQueue<>();
            PriorityQueue<Integer> priority = new PriorityQueue<>();
            for (int x : new int[] {111, 333, 222}) {
                lifo.put(x);
                priority.put(x);
            }
            assertEquals(List.of(222, 333, 111), List.of(lifo.get(), lifo.get(), lifo.get()));
            assertEquals(List.of(111, 222, 333), List.of(priority.get(), priority.get(), priority.get()));
            return null;
        });
    }

    /**
     * test__queue.py TestGetInterrupt* / TestPutInterrupt* for Queue, LifoQueue, PriorityQueue and the channel: a get
     * with a timeout on an empty queue raises Empty, a put with a timeout on a full one raises Full, and neither
     * leaves a waiter behind.
     */
    @Test
    void getsAndPutsWithATimeoutOfEveryKindOfQueue() {
        Green.run(() -> {
            List<Queue<Integer>> kinds = List.of(new Queue<>(1), new LifoQueue<>(1), new PriorityQueue<>(1),
                    new Queue<>(0));
            for (Queue<Integer> q : kinds) {
                String kind = q.getClass().getSimpleName() + "(" + q.maxsize() + ")";
                assertThrows(Queue.Empty.class, () -> q.get(Duration.ofMillis(5)), kind);
                assertEquals(0, q.getting(), kind);
                if (q.maxsize() > 0) {
                    q.put(1);
                }
                assertThrows(Queue.Full.class, () -> q.put(2, Duration.ofMillis(5)), kind);
                assertEquals(0, q.putting(), kind);
            }
            return null;
        });
    }
}
