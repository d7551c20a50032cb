package io.greening.sync;

import io.greening.Green;
import io.greening.GreenThread;
import io.greening.GreenletExit;
import io.greening.Hub;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.greening.testing.Conditions.waitUntil;
import static org.junit.jupiter.api.Assertions.*;

@org.junit.jupiter.api.Timeout(60)
class SyncPrimitivesTest {

    // ---- Event ----

    @Test
    void eventWakesEveryWaiterAndStaysSetUntilCleared() {
        Green.run(() -> {
            Event event = new Event();
            List<Integer> woke = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int n = i;
                Green.spawn(() -> {
                    event.await();
                    woke.add(n);
                });
            }
            Green.sleep(5);
            assertTrue(woke.isEmpty());
            event.set();
            waitUntil(() -> woke.size() == 3);
            assertEquals(List.of(0, 1, 2), woke);
            assertTrue(event.await(Duration.ZERO));
            event.clear();
            assertFalse(event.isSet());
            assertFalse(event.await(Duration.ofMillis(10)));
            return null;
        });
    }

    @Test
    void aWaitOnASetEventDoesNotRunAheadOfTheWaitersSetWoke() {
        Green.run(() -> {
            Event event = new Event();
            List<Integer> order = new ArrayList<>();
            List<GreenThread<Void>> waiters = new ArrayList<>();
            for (int n : new int[] {1, 2}) {
                waiters.add(Green.spawn(() -> {
                    event.await();
                    order.add(n);
                }));
            }
            waitUntil(() -> waiters.stream().allMatch(w -> w.thread().getState() == Thread.State.WAITING));
            event.set();
            event.await();
            order.add(3);
            assertEquals(List.of(1, 2, 3), order, "gevent #1520: a newcomer cannot barge in");
            return null;
        });
    }

    @Test
    void clearAfterSetStillReleasesTheWaitersSetWoke() {
        Green.run(() -> {
            Event event = new Event();
            GreenThread<Boolean> waiter = Green.spawn(() -> event.await(Duration.ofSeconds(30)));
            waitUntil(() -> waiter.thread().getState() == Thread.State.WAITING);
            event.set();
            event.clear();   // before the waiter ran
            assertTrue(waiter.get(), "it was woken while the event was set");
            assertFalse(event.await(Duration.ofMillis(10)), "a later wait waits for the next set()");
            return null;
        });
    }

    @Test
    void eventSetByAPlatformThreadWakesGreenWaiters() throws Exception {
        Hub hub = Hub.start("event-hub");
        try {
            Event event = hub.spawn(Event::new).get();
            GreenThread<Boolean> waiter = hub.spawn(() -> event.await(Duration.ofSeconds(30)));
            Thread.ofPlatform().start(event::set).join();
            assertTrue(waiter.get());
        } finally {
            hub.close();
        }
    }

    @Test
    void aKilledEventWaiterLeavesAndPlatformThreadsTimeOut() throws Exception {
        Hub hub = Hub.start("event-kill");
        try {
            Event event = hub.spawn(Event::new).get();
            GreenThread<Void> killed = hub.spawn(() -> event.await());
            GreenThread<Boolean> kept = hub.spawn(() -> event.await(Duration.ofSeconds(30)));
            waitUntil(() -> killed.thread().getState() == Thread.State.WAITING
                    && kept.thread().getState() == Thread.State.WAITING);
            killed.kill();
            killed.join();
            assertThrows(GreenletExit.class, killed::get);
            assertFalse(event.await(Duration.ofMillis(20)), "a platform thread times out");
            event.set();
            assertTrue(kept.get());
            assertTrue(event.await(Duration.ZERO));
        } finally {
            hub.close();
        }
    }

    // ---- AsyncResult ----

    @Test
    void asyncResultDeliversAValueOrAnExceptionOnce() throws Exception {
        Green.run(() -> {
            AsyncResult<String> result = new AsyncResult<>();
            GreenThread<String> reader = Green.spawn(() -> result.get());
            assertThrows(TimeoutException.class, () -> result.get(Duration.ofMillis(10)));
            result.set("done");
            assertEquals("done", reader.get());
            assertTrue(result.isSuccessful());
            assertThrows(IllegalStateException.class, () -> result.set("again"));

            AsyncResult<String> failed = new AsyncResult<>();
            failed.setException(new java.io.IOException("io"));
            CompletionException e = assertThrows(CompletionException.class, failed::get);
            assertInstanceOf(java.io.IOException.class, e.getCause());
            assertFalse(failed.isSuccessful());
            return null;
        });
    }

    @Test
    void asyncResultAcrossHubs() throws Exception {
        Hub a = Hub.start("result-a");
        Hub b = Hub.start("result-b");
        try {
            AsyncResult<Integer> result = a.spawn(() -> new AsyncResult<Integer>()).get();
            GreenThread<Integer> waiterOnA = a.spawn(() -> result.get());
            GreenThread<Integer> waiterOnB = b.spawn(() -> result.get());
            waitUntil(() -> waiterOnA.thread().getState() == Thread.State.WAITING
                    && waiterOnB.thread().getState() == Thread.State.WAITING);
            b.spawn(() -> result.set(42)).join();
            assertEquals(42, waiterOnA.get());
            assertEquals(42, waiterOnB.get());
        } finally {
            a.close();
            b.close();
        }
    }

    // ---- Semaphore ----

    @Test
    void semaphoreServesWaitersInOrderWithoutBarging() {
        List<String> order = Green.run(() -> {
            Semaphore sem = new Semaphore(1);
            List<String> seen = new ArrayList<>();
            sem.acquire();
            for (int i = 0; i < 3; i++) {
                String name = "w" + i;
                Green.spawn(() -> {
                    sem.acquire();
                    seen.add(name);
                    sem.release();
                });
                Green.cede();
            }
            waitUntil(() -> sem.waiting() == 3);
            sem.release();
            assertFalse(sem.tryAcquire(), "a released permit goes to the first waiter, not to a newcomer");
            waitUntil(() -> seen.size() == 3);
            assertEquals(1, sem.available());
            return seen;
        });
        assertEquals(List.of("w0", "w1", "w2"), order);
    }

    @Test
    void semaphoreTimeoutsAndKillsTakeNoPermit() {
        Green.run(() -> {
            Semaphore sem = new Semaphore(0);
            assertFalse(sem.acquire(Duration.ofMillis(10)));
            GreenThread<Void> killed = Green.spawn(() -> sem.acquire());
            waitUntil(() -> sem.waiting() == 1);
            sem.release();    // handed to `killed`, which wakes to a kill and must hand it back
            killed.kill();
            killed.join();
            assertEquals(0, sem.waiting());
            assertEquals(1, sem.available());
            assertTrue(sem.tryAcquire());
            assertTrue(sem.isLocked());
            return null;
        });
    }

    @Test
    void aPlatformThreadTimesOutOnASemaphoreAndLeavesNoWaiter() throws Exception {
        Hub hub = Hub.start("sem-timeout");
        try {
            Semaphore sem = hub.spawn(() -> new Semaphore(0)).get();
            assertFalse(sem.acquire(Duration.ofMillis(20)));
            assertEquals(0, sem.waiting());
            GreenThread<Boolean> green = hub.spawn(() -> sem.acquire(Duration.ofSeconds(30)));
            waitUntil(() -> sem.waiting() == 1);
            sem.release();
            assertTrue(green.get());
            assertEquals(0, sem.available());
        } finally {
            hub.close();
        }
    }

    @Test
    void boundedSemaphoreRefusesAnExtraRelease() {
        Green.run(() -> {
            BoundedSemaphore sem = new BoundedSemaphore(2);
            assertThrows(IllegalStateException.class, sem::release);
            sem.acquire();
            sem.release();
            assertEquals(2, sem.available());
            Semaphore loose = new Semaphore(1);
            loose.release();
            assertEquals(2, loose.available());
            return null;
        });
    }

    @Test
    void semaphoreGuardsACriticalSectionAcrossHubsAndPlatformThreads() throws Exception {
        Hub a = Hub.start("sem-a");
        Hub b = Hub.start("sem-b");
        try {
            Semaphore sem = a.spawn(() -> new Semaphore(1)).get();
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger maxInside = new AtomicInteger();
            int[] counter = {0};
            Runnable work = () -> {
                for (int i = 0; i < 500; i++) {
                    sem.acquire();
                    try {
                        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        counter[0]++;
                        if (i % 50 == 0) {
                            Green.cede();
                        }
                        inside.decrementAndGet();
                    } finally {
                        sem.release();
                    }
                }
            };
            List<GreenThread<Void>> greens = List.of(a.spawn(work), a.spawn(work), b.spawn(work));
            Thread platform = Thread.ofPlatform().start(work);
            platform.join();
            Group.joinAll(greens, null);
            for (GreenThread<Void> g : greens) {
                assertTrue(g.isSuccessful(), () -> String.valueOf(g.exception()));
            }
            assertEquals(2000, counter[0]);   // every writer was joined: their writes are visible
            assertEquals(1, maxInside.get());
            assertEquals(1, sem.available());
        } finally {
            a.close();
            b.close();
        }
    }

    // ---- RLock ----

    @Test
    void rlockIsReentrantAndOwned() {
        Green.run(() -> {
            RLock lock = new RLock();
            lock.acquire();
            lock.acquire();
            assertTrue(lock.isHeldByCurrentThread());
            GreenThread<Boolean> other = Green.spawn(() -> lock.acquire(Duration.ofMillis(10)));
            assertFalse(other.get());
            GreenThread<Void> wrongReleaser = Green.spawn(lock::release);
            wrongReleaser.join();
            assertInstanceOf(IllegalMonitorStateException.class, wrongReleaser.exception());
            lock.release();
            assertTrue(lock.isLocked());
            lock.release();
            assertFalse(lock.isLocked());
            try (RLock.Held held = lock.lock()) {
                assertTrue(lock.isHeldByCurrentThread());
            }
            assertFalse(lock.isLocked());
            return null;
        });
    }

    @Test
    void rlockHandsOverInOrderAndSurvivesAKilledWaiter() {
        List<String> order = Green.run(() -> {
            RLock lock = new RLock();
            List<String> seen = new ArrayList<>();
            lock.acquire();
            GreenThread<?> w0 = Green.spawn(() -> {
                try (RLock.Held h = lock.lock()) {
                    seen.add("w0");
                }
            });
            Green.cede();
            GreenThread<?> doomed = Green.spawn(() -> {
                try (RLock.Held h = lock.lock()) {
                    seen.add("doomed");
                }
            });
            Green.cede();
            GreenThread<?> w2 = Green.spawn(() -> {
                try (RLock.Held h = lock.lock()) {
                    seen.add("w2");
                }
            });
            Green.cede();
            doomed.kill();
            doomed.join();
            lock.release();
            w0.join();
            w2.join();
            assertFalse(lock.isLocked());
            return seen;
        });
        assertEquals(List.of("w0", "w2"), order);
    }

    @Test
    void rlockBetweenAPlatformThreadAndGreenThreads() throws Exception {
        Hub hub = Hub.start("rlock-hub");
        try {
            RLock lock = hub.spawn(RLock::new).get();
            lock.acquire();
            List<String> seen = new CopyOnWriteArrayList<>();
            GreenThread<Void> green = hub.spawn(() -> {
                lock.acquire();
                seen.add("green");
                lock.release();
            });
            waitUntil(() -> green.thread().getState() == Thread.State.WAITING);
            seen.add("platform");
            lock.release();
            green.join();
            assertTrue(green.isSuccessful(), () -> String.valueOf(green.exception()));
            assertEquals(List.of("platform", "green"), seen);
            AtomicReference<Boolean> got = new AtomicReference<>();
            Thread.ofVirtual().start(() -> got.set(lock.tryAcquire())).join();
            assertTrue(got.get());
            assertFalse(lock.isHeldByCurrentThread());
        } finally {
            hub.close();
        }
    }
}
