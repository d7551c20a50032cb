package io.greening.sync;

import io.greening.Green;
import io.greening.GreenInterruptedException;
import io.greening.GreenThread;
import io.greening.GreenTimeout;
import io.greening.GreenletExit;
import io.greening.Hub;
import io.greening.Timeout;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static io.greening.testing.Conditions.waitUntil;
import static org.junit.jupiter.api.Assertions.*;

@org.junit.jupiter.api.Timeout(60)
class QueueTest {

    @Test
    void fifoLifoAndPriorityOrders() {
        Green.run(() -> {
            Queue<Integer> fifo = new Queue<>();
            LifoQueue<Integer> lifo = new LifoQueue<>();
            PriorityQueue<Integer> prio = new PriorityQueue<>(-1, Comparator.reverseOrder());
            for (int i : new int[] {2, 3, 1}) {
                fifo.put(i);
                lifo.put(i);
                prio.put(i);
            }
            assertEquals(List.of(2, 3, 1), List.of(fifo.get(), fifo.get(), fifo.get()));
            assertEquals(List.of(1, 3, 2), List.of(lifo.get(), lifo.get(), lifo.get()));
            assertEquals(List.of(3, 2, 1), List.of(prio.get(), prio.get(), prio.get()));
            return null;
        });
    }

    @Test
    void waitingGettersAreServedInArrivalOrder() {
        List<String> got = Green.run(() -> {
            Queue<Integer> q = new Queue<>();
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String name = "g" + i;
                Green.spawn(() -> seen.add(name + "=" + q.get()));
                Green.cede();
            }
            waitUntil(() -> q.getting() == 3);
            q.put(10);
            q.put(11);
            q.put(12);
            waitUntil(() -> seen.size() == 3);
            return seen;
        });
        assertEquals(List.of("g0=10", "g1=11", "g2=12"), got);
    }

    @Test
    void boundedQueueBlocksPuttersAndAdmitsThemInOrder() {
        List<Integer> got = Green.run(() -> {
            Queue<Integer> q = new Queue<>(1);
            q.put(0);
            assertTrue(q.isFull());
            assertThrows(Queue.Full.class, () -> q.putNowait(99));
            assertThrows(Queue.Full.class, () -> q.put(99, Duration.ofMillis(20)));
            for (int i = 1; i <= 3; i++) {
                int item = i;
                Green.spawn(() -> q.put(item));
                Green.cede();
            }
            waitUntil(() -> q.putting() == 3);
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                out.add(q.get());
            }
            assertEquals(0, q.putting());
            assertThrows(Queue.Empty.class, q::getNowait);
            assertThrows(Queue.Empty.class, () -> q.get(Duration.ofMillis(20)));
            return out;
        });
        assertEquals(List.of(0, 1, 2, 3), got);
    }

    @Test
    void maxsizeZeroIsARendezvousChannel() {
        Green.run(() -> {
            Queue<String> channel = new Queue<>(0);
            assertThrows(Queue.Full.class, () -> channel.putNowait("nobody listens"));
            List<String> events = new ArrayList<>();
            GreenThread<Void> putter = Green.spawn(() -> {
                channel.put("hello");
                events.add("put returned");
            });
            waitUntil(() -> channel.putting() == 1);
            assertFalse(putter.isDead(), "put must wait for a getter");
            assertEquals(0, channel.qsize());
            events.add("get " + channel.get());
            putter.join();
            assertEquals(List.of("get hello", "put returned"), events);

            GreenThread<String> getter = Green.spawn(() -> channel.get());
            waitUntil(() -> channel.getting() == 1);
            channel.putNowait("direct");
            assertEquals("direct", getter.get());
            return null;
        });
    }

    @Test
    void killedGetterLeavesNoWaiterBehind() {
        Green.run(() -> {
            Queue<Integer> q = new Queue<>();
            GreenThread<Integer> getter = Green.spawn(() -> q.get());
            waitUntil(() -> q.getting() == 1);
            getter.kill();
            getter.join();
            assertThrows(GreenletExit.class, getter::get);
            assertEquals(0, q.getting());
            q.put(5);
            assertEquals(5, q.getNowait());
            return null;
        });
    }

    @Test
    void getterKilledAfterBeingHandedAnItemGivesItBack() {
        Green.run(() -> {
            Queue<Integer> q = new Queue<>();
            GreenThread<Integer> first = Green.spawn(() -> q.get());
            waitUntil(() -> q.getting() == 1);
            q.put(7);          // handed to `first`, which has not run since
            first.kill();      // it wakes to a kill: the item must not be lost
            first.join();
            assertThrows(GreenletExit.class, first::get);
            assertEquals(1, q.qsize());
            assertEquals(7, q.getNowait());
            return null;
        });
    }

    @Test
    void killedPutterOfAFullQueueLeavesNothing() {
        Green.run(() -> {
            Queue<Integer> q = new Queue<>(1);
            q.put(1);
            GreenThread<Void> putter = Green.spawn(() -> q.put(2));
            waitUntil(() -> q.putting() == 1);
            putter.kill();
            putter.join();
            assertEquals(0, q.putting());
            assertEquals(1, q.get());
            assertThrows(Queue.Empty.class, q::getNowait);
            return null;
        });
    }

    @Test
    void aTimeoutScopeStopsAWaitingGet() {
        Green.run(() -> {
            Queue<Integer> q = new Queue<>();
            try (Timeout t = Timeout.of(Duration.ofMillis(30))) {
                GreenTimeout e = assertThrows(GreenTimeout.class, q::get);
                assertTrue(e.isFrom(t));
            }
            assertEquals(0, q.getting());
            return null;
        });
    }

    @Test
    void taskDoneAndJoin() {
        Green.run(() -> {
            Queue<Integer> q = new Queue<>();
            List<Integer> processed = new ArrayList<>();
            Green.spawn(() -> {
                while (true) {
                    int item = q.get();
                    Green.sleep(1);
                    processed.add(item);
                    q.taskDone();
                }
            });
            for (int i = 0; i < 5; i++) {
                q.put(i);
            }
            q.join();
            assertEquals(List.of(0, 1, 2, 3, 4), processed);
            assertThrows(IllegalStateException.class, q::taskDone);
            return null;
        });
    }

    @Test
    void aQueueStaysLockFreeUntilAnotherThreadUsesIt() throws Exception {
        Hub hub = Hub.start("queue-fast");
        try {
            Queue<Integer> q = hub.spawn(() -> {
                Queue<Integer> made = new Queue<>();
                GreenThread<Integer> getter = Green.spawn(() -> made.get());
                made.put(1);
                assertEquals(1, getter.get());
                made.put(2);
                return made;
            }).get();
            assertFalse(q.isShared(), "same-hub use takes the fast path");
            assertEquals(2, q.getNowait());   // a platform thread: switches it to the lock
            assertTrue(q.isShared());
            assertEquals(3, hub.spawn(() -> {
                q.put(3);
                return q.get();
            }).get());
        } finally {
            hub.close();
        }
    }

    @Test
    void platformThreadsAndGreenThreadsShareAQueue() throws Exception {
        Hub hub = Hub.start("queue-owner");
        try {
            Queue<Integer> toGreen = hub.spawn(() -> new Queue<Integer>(2)).get();
            Queue<Integer> toPlatform = hub.spawn(() -> new Queue<Integer>(0)).get();
            GreenThread<Integer> echo = hub.spawn(() -> {
                int sum = 0;
                for (int i = 0; i < 1000; i++) {
                    int v = toGreen.get();
                    sum += v;
                    toPlatform.put(v * 2);
                }
                return sum;
            });
            long doubled = 0;
            for (int i = 0; i < 1000; i++) {
                toGreen.put(i);
                doubled += toPlatform.get();
            }
            assertEquals(999 * 1000 / 2, echo.get());
            assertEquals(999 * 1000, doubled);
            assertThrows(Queue.Empty.class, () -> toPlatform.get(Duration.ofMillis(10)));
            assertEquals(0, toPlatform.getting());
        } finally {
            hub.close();
        }
    }

    @Test
    void greenThreadsOfSeveralHubsAndPlatformThreadsProduceConcurrently() throws Exception {
        Hub a = Hub.start("queue-a");
        Hub b = Hub.start("queue-b");
        try {
            Queue<Integer> q = a.spawn(() -> new Queue<Integer>(16)).get();
            int perProducer = 2000;
            List<GreenThread<Void>> producers = new ArrayList<>();
            for (Hub hub : List.of(a, b, b)) {
                producers.add(hub.spawn(() -> {
                    for (int i = 1; i <= perProducer; i++) {
                        q.put(i);
                    }
                }));
            }
            Thread platform = Thread.ofPlatform().start(() -> {
                for (int i = 1; i <= perProducer; i++) {
                    q.put(i);
                }
            });
            GreenThread<Long> consumer = b.spawn(() -> {
                long sum = 0;
                for (int i = 0; i < 4 * perProducer; i++) {
                    sum += q.get();
                }
                return sum;
            });
            assertEquals(4L * perProducer * (perProducer + 1) / 2, consumer.get());
            platform.join();
            Group.joinAll(producers, null);
            assertEquals(0, q.qsize());
            assertEquals(0, q.putting());
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void aGetterOfAnotherHubKilledWhileWaitingLeavesNoWaiter() throws Exception {
        Hub a = Hub.start("queue-kill-a");
        Hub b = Hub.start("queue-kill-b");
        try {
            Queue<Integer> q = a.spawn(() -> new Queue<Integer>()).get();
            GreenThread<Integer> getter = b.spawn(() -> q.get());
            waitUntil(() -> q.getting() == 1);
            getter.kill();
            getter.join();
            assertThrows(GreenletExit.class, getter::get);
            assertEquals(0, q.getting());
            a.spawn(() -> q.put(9)).join();
            assertEquals(9, q.getNowait());
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void anInterruptedPlatformGetterLeavesNoWaiter() throws Exception {
        Hub hub = Hub.start("queue-interrupt");
        try {
            Queue<Integer> q = hub.spawn(() -> new Queue<Integer>()).get();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread getter = Thread.ofPlatform().start(() -> {
                try {
                    q.get();
                } catch (Throwable t) {
                    thrown.set(t);
                }
            });
            waitUntil(() -> q.getting() == 1);
            getter.interrupt();
            getter.join();
            assertInstanceOf(GreenInterruptedException.class, thrown.get());
            assertEquals(0, q.getting());
            q.put(1);
            assertEquals(1, q.qsize());
        } finally {
            hub.close();
        }
    }

    @Test
    void aQueueMadeOffAnyHubWorksUnderItsLock() throws Exception {
        Queue<String> q = new Queue<>();
        List<String> got = new CopyOnWriteArrayList<>();
        Hub hub = Hub.start("queue-unowned");
        try {
            GreenThread<Void> getter = hub.spawn(() -> {
                got.add(q.get());
                got.add(q.get());
            });
            waitUntil(() -> q.getting() == 1);
            q.put("x");
            Thread.ofVirtual().start(() -> q.put("y")).join();
            getter.join();
            assertEquals(List.of("x", "y"), got);
        } finally {
            hub.close();
        }
    }

    @Test
    void aQueueOutlivesItsHub() throws Exception {
        Queue<Integer> q;
        Hub hub = Hub.start("queue-gone");
        q = hub.spawn(() -> {
            Queue<Integer> made = new Queue<>();
            made.put(1);
            return made;
        }).get();
        hub.close();
        q.put(2);
        assertEquals(1, q.get());
        assertEquals(2, q.get());
        assertThrows(Queue.Empty.class, () -> q.get(Duration.ofMillis(5)));
    }

    @Test
    void aChannelPutLetsTheWaitingGetterRunFirst() {
        List<String> events = Green.run(() -> {
            Queue<String> channel = new Queue<>(0);
            List<String> log = new ArrayList<>();
            GreenThread<Void> getter = Green.spawn(() -> {
                log.add(channel.get());
                log.add(channel.get());
            });
            log.add("sending");
            channel.put("hello");
            log.add("sent hello");
            channel.put("world");   // the getter waits now: it runs before put returns
            log.add("sent world");
            getter.join();
            return log;
        });
        assertEquals(List.of("sending", "hello", "sent hello", "world", "sent world"), events,
                "eventlet test_channel_send, gevent TestChannel.test_send");
    }

    @Test
    void aChannelItemWhoseGetterIsKilledGoesToTheNextGetterOrBackToItsPutter() {
        Green.run(() -> {
            Queue<String> channel = new Queue<>(0);
            GreenThread<String> doomed = Green.spawn(() -> channel.get());
            waitUntil(() -> channel.getting() == 1);
            GreenThread<Void> putter = Green.spawn(() -> channel.put("x"));
            Green.cede();   // the putter runs and hands "x" to `doomed`, which runs only after this thread
            assertEquals(0, channel.getting());
            doomed.kill();
            assertThrows(GreenletExit.class, doomed::get, "killed before it took the item");
            waitUntil(() -> channel.putting() == 1);    // back to waiting as a putter
            assertFalse(putter.isDead());
            assertEquals("x", channel.get());
            putter.join();
            return null;
        });
    }

    @Test
    void itemsKeptForGettersThatAreKilledStayInTheirOrder() {
        for (boolean killInReverse : new boolean[] {false, true}) {
            List<Integer> drained = Green.run(() -> {
                Queue<Integer> q = new Queue<>();
                List<GreenThread<Integer>> getters = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    getters.add(Green.spawn(() -> q.get()));
                }
                waitUntil(() -> q.getting() == 3);
                for (int i = 0; i < 3; i++) {
                    q.put(i);
                }
                List<GreenThread<Integer>> killOrder = new ArrayList<>(getters);
                if (killInReverse) {
                    java.util.Collections.reverse(killOrder);
                }
                for (GreenThread<Integer> g : killOrder) {
                    g.kill();   // before any of them ran: each wakes to the kill
                }
                for (GreenThread<Integer> g : getters) {
                    assertThrows(GreenletExit.class, g::get);
                }
                List<Integer> out = new ArrayList<>();
                while (!q.isEmpty()) {
                    out.add(q.getNowait());
                }
                return out;
            });
            assertEquals(List.of(0, 1, 2), drained, "killed in reverse: " + killInReverse);
        }
    }

    @Test
    void aChannelIsAlwaysFull() {
        Green.run(() -> {
            Queue<Integer> channel = new Queue<>(0);
            assertTrue(channel.isFull());
            GreenThread<Integer> getter = Green.spawn(() -> channel.get());
            waitUntil(() -> channel.getting() == 1);
            assertTrue(channel.isFull(), "eventlet and gevent: full() is True for a channel, getter or not");
            channel.putNowait(1);
            assertEquals(1, getter.get());
            Queue<Integer> bounded = new Queue<>(1);
            assertFalse(bounded.isFull());
            bounded.put(1);
            assertTrue(bounded.isFull());
            return null;
        });
    }

    @Test
    void peekReturnsTheNextItemWithoutTakingIt() {
        Green.run(() -> {
            Queue<Integer> q = new Queue<>();
            assertThrows(Queue.Empty.class, q::peekNowait);
            assertThrows(Queue.Empty.class, () -> q.peek(Duration.ofMillis(5)));
            GreenThread<Integer> peeker = Green.spawn(() -> q.peek());
            waitUntil(() -> peeker.thread().getState() == Thread.State.WAITING);
            q.put(5);
            q.put(6);
            assertEquals(5, peeker.get());
            assertEquals(2, q.qsize());
            assertEquals(5, q.get());

            LifoQueue<Integer> lifo = new LifoQueue<>();
            lifo.put(1);
            lifo.put(2);
            assertEquals(2, lifo.peekNowait());
            PriorityQueue<Integer> priority = new PriorityQueue<>();
            priority.put(3);
            priority.put(1);
            assertEquals(1, priority.peekNowait());

            Queue<String> channel = new Queue<>(0);
            GreenThread<String> channelPeeker = Green.spawn(() -> channel.peek());
            waitUntil(() -> channelPeeker.thread().getState() == Thread.State.WAITING);
            GreenThread<Void> putter = Green.spawn(() -> channel.put("x"));
            assertEquals("x", channelPeeker.get());
            assertEquals("x", channel.peekNowait());
            assertEquals(1, channel.putting(), "peeking takes nothing from the putter");
            assertEquals("x", channel.get());
            putter.join();
            return null;
        });
    }
}
