package io.greening;

import io.greening.internal.Deadlines;

import io.greening.internal.Access;
import io.greening.sync.Event;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(60)
class GreenThreadTest {

    @Test
    void runReturnsTheRootsValue() {
        assertEquals(42, Green.run(() -> 42));
    }

    @Test
    void runRethrowsWhatTheRootThrew() {
        IllegalStateException boom = new IllegalStateException("boom");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> Green.run(() -> { throw boom; }));
        assertSame(boom, thrown);
    }

    @Test
    void runRefusesToNestOnAGreenThread() {
        IllegalStateException e = Green.run(() -> assertThrows(IllegalStateException.class, () -> Green.run(() -> 1)));
        assertTrue(e.getMessage().contains("Green.spawn"), e.getMessage());
    }

    @Test
    void runFromAJdkVirtualThreadWorks() throws Exception {
        AtomicInteger result = new AtomicInteger();
        Thread.ofVirtual().start(() -> result.set(Green.run(() -> Green.spawn(() -> 7).get() * 6))).join();
        assertEquals(42, result.get());
    }

    @Test
    void greenThreadsAreVirtualThreadsOnTheirHub() {
        Green.run(() -> {
            Thread me = Thread.currentThread();
            assertTrue(me.isVirtual());
            assertTrue(Green.isGreen());
            Hub hub = Hub.current();
            assertNotNull(hub);
            assertSame(me, Green.current().thread());
            assertSame(hub, Green.spawn(Hub::current).get());
            return null;
        });
        assertFalse(Green.isGreen());
        assertNull(Green.current());
    }

    @Test
    void virtualThreadsAGreenThreadStartsInheritItsHub() {
        Green.run(() -> {
            Hub mine = Hub.current();
            Hub[] seen = new Hub[1];
            Thread child = Thread.ofVirtual().start(() -> seen[0] = Hub.current());
            child.join();
            assertSame(mine, seen[0]);
            return null;
        });
    }

    @Test
    void cedeLetsEveryOtherReadyThreadRunOnce() {
        List<String> order = Green.run(() -> {
            List<String> log = new ArrayList<>();
            List<GreenThread<Void>> threads = new ArrayList<>();
            for (String name : List.of("a", "b", "c")) {
                threads.add(Green.spawn(() -> {
                    log.add(name + "1");
                    Green.cede();
                    log.add(name + "2");
                    Green.cede();
                    log.add(name + "3");
                }));
            }
            for (GreenThread<Void> t : threads) {
                t.join();
            }
            return log;
        });
        assertEquals(List.of("a1", "b1", "c1", "a2", "b2", "c2", "a3", "b3", "c3"), order);
    }

    @Test
    void spawnedThreadsRunOnlyWhenTheSpawnerYields() {
        Green.run(() -> {
            List<String> log = new ArrayList<>();
            Green.spawn(() -> log.add("child"));
            log.add("parent before yield");
            Green.cede();
            log.add("parent after yield");
            assertEquals(List.of("parent before yield", "child", "parent after yield"), log);
            return null;
        });
    }

    @Test
    void sleepIsNeverEarlyAndWakesInDeadlineOrder() {
        // Each thread's deadline is taken from when its sleep began: a carrier the OS keeps off its core between two
        // threads' first runs shifts their deadlines, and the hub must still wake them in the order of those deadlines.
        record Wake(int ms, long deadline) {
        }
        List<Wake> woke = Green.run(() -> {
            List<Wake> log = Collections.synchronizedList(new ArrayList<>());
            List<GreenThread<Void>> threads = new ArrayList<>();
            for (int ms : new int[] {30, 10, 20, 1, 5}) {
                threads.add(Green.spawn(() -> {
                    long start = System.nanoTime();
                    Green.sleep(ms);
                    long slept = System.nanoTime() - start;
                    assertTrue(slept >= TimeUnit.MILLISECONDS.toNanos(ms), "slept " + slept + " ns of " + ms + " ms");
                    log.add(new Wake(ms, start + TimeUnit.MILLISECONDS.toNanos(ms)));
                }));
            }
            for (GreenThread<Void> t : threads) {
                t.get();
            }
            return log;
        });
        assertEquals(5, woke.size());
        List<Wake> byDeadline = woke.stream().sorted(Comparator.comparingLong(Wake::deadline)).toList();
        assertEquals(byDeadline, woke, "woken in the order of their deadlines");
    }

    @Test
    void sleepOffTheHubSleepsToo() {
        long start = System.nanoTime();
        Green.sleep(Duration.ofMillis(20));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(20));
    }

    @Test
    void killInSleepRunsFinallyAndGetRaisesGreenletExit() {
        Green.run(() -> {
            List<String> log = new ArrayList<>();
            GreenThread<Void> sleeper = Green.spawn(() -> {
                try {
                    log.add("sleeping");
                    Green.sleep(Duration.ofHours(1));
                    log.add("woke");
                } finally {
                    log.add("finally");
                }
            });
            Green.cede();
            sleeper.kill();
            assertThrows(GreenletExit.class, sleeper::get);
            assertTrue(sleeper.isDead());
            assertEquals(List.of("sleeping", "finally"), log);
            return null;
        });
    }

    @Test
    void killInJoinEndsTheJoiner() {
        Green.run(() -> {
            GreenThread<Void> forever = Green.spawn(() -> Green.sleep(Duration.ofHours(1)));
            GreenThread<Void> joiner = Green.spawn(() -> forever.join());
            Green.cede();
            joiner.kill();
            assertThrows(GreenletExit.class, joiner::get);
            assertFalse(forever.isDead(), "killing the joiner must not touch the joined thread");
            forever.kill();
            forever.join();
            return null;
        });
    }

    @Test
    void killInABlockingJdkSocketReadEndsTheThread() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Green.run(() -> {
                CountDownLatch connected = new CountDownLatch(1);
                boolean[] finallyRan = new boolean[1];
                GreenThread<Integer> reader = Green.spawn(() -> {
                    try (Socket s = new Socket(server.getInetAddress(), server.getLocalPort())) {
                        connected.countDown();
                        InputStream in = s.getInputStream();
                        return in.read();   // nobody ever writes
                    } finally {
                        finallyRan[0] = true;
                    }
                });
                try (Socket accepted = Green.offload(server::accept)) {
                    while (!connected.await(0, TimeUnit.MILLISECONDS)) {
                        Green.sleep(1);
                    }
                    Green.sleep(20);   // let the reader block in read()
                    reader.kill();
                    GreenletExit exit = assertThrows(GreenletExit.class, reader::get);
                    assertNotNull(exit.getCause(), "the socket's own failure is kept as the cause");
                    assertTrue(finallyRan[0]);
                }
                return null;
            });
        }
    }

    @Test
    void awaitReadyWaitsOnTheHubSelectorAndCanBeKilled() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Green.run(() -> {
                SocketChannel client = SocketChannel.open(server.getLocalAddress());
                SocketChannel accepted = server.accept();
                client.configureBlocking(false);
                List<String> log = new ArrayList<>();
                GreenThread<Integer> reader = Green.spawn(() -> {
                    assertTrue(Access.greening().io(Hub.current()).awaitReady(client, SelectionKey.OP_READ, Deadlines.NO_DEADLINE));
                    log.add("readable");
                    return client.read(ByteBuffer.allocate(16));
                });
                Green.sleep(20);
                assertEquals(List.of(), log, "nothing written yet");
                accepted.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                assertEquals(3, reader.get());

                GreenThread<Boolean> timed = Green.spawn(() ->
                        Access.greening().io(Hub.current()).awaitReady(client, SelectionKey.OP_READ, Deadlines.after(Duration.ofMillis(30))));
                assertFalse(timed.get(), "nothing to read: the deadline passes");

                GreenThread<Boolean> killed = Green.spawn(() -> Access.greening().io(Hub.current()).awaitReady(client, SelectionKey.OP_READ, Deadlines.NO_DEADLINE));
                Green.cede();
                killed.kill();
                assertThrows(GreenletExit.class, killed::get);
                client.close();
                accepted.close();
                return null;
            });
        }
    }

    @Test
    void killBeforeStartNeverRunsTheBody() {
        Green.run(() -> {
            boolean[] ran = new boolean[1];
            AtomicInteger linked = new AtomicInteger();
            GreenThread<Void> later = Green.spawnAfter(Duration.ofMillis(50), () -> { ran[0] = true; });
            later.link(t -> linked.incrementAndGet());
            later.kill();
            later.join();
            assertThrows(GreenletExit.class, later::get);
            Green.sleep(80);   // past the start it was scheduled for
            assertFalse(ran[0]);
            assertEquals(1, linked.get());
            return null;
        });
    }

    @Test
    void getRethrowsRuntimeExceptionsAsTheyAreAndWrapsCheckedOnes() {
        Green.run(() -> {
            IllegalArgumentException iae = new IllegalArgumentException("bad");
            assertSame(iae, assertThrows(IllegalArgumentException.class, Green.spawn(() -> { throw iae; })::get));
            IOException io = new IOException("io");
            CompletionException wrapped = assertThrows(CompletionException.class, Green.spawn(() -> { throw io; })::get);
            assertSame(io, wrapped.getCause());
            GreenThread<Object> failed = Green.spawn(() -> { throw iae; });
            failed.join();
            assertSame(iae, failed.exception());
            return null;
        });
    }

    @Test
    void linksFireExactlyOnceWhetherAddedBeforeOrAfterDeath() {
        Green.run(() -> {
            AtomicInteger before = new AtomicInteger();
            AtomicInteger after = new AtomicInteger();
            GreenThread<String> t = Green.spawn(() -> "done");
            t.link(x -> before.incrementAndGet());
            t.join();
            t.link(x -> after.incrementAndGet());
            Green.sleep(5);
            assertEquals(1, before.get());
            assertEquals(1, after.get());
            assertEquals("done", t.get());
            return null;
        });
    }

    @Test
    void joinWithATimeoutReturnsFalseWhenTheThreadLivesOn() {
        Green.run(() -> {
            GreenThread<Void> slow = Green.spawn(() -> Green.sleep(Duration.ofHours(1)));
            assertFalse(slow.join(Duration.ofMillis(20)));
            slow.kill();
            assertTrue(slow.join(Duration.ofSeconds(5)));
            return null;
        });
    }

    @Test
    void rootEndingKillsTheLeftoversAndRunsTheirFinallyBlocks() {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        Green.run(() -> {
            Green.spawn(() -> {
                try {
                    Green.sleep(Duration.ofHours(1));
                } finally {
                    log.add("leftover finally");
                }
            });
            Green.cede();
            return null;
        });
        assertEquals(List.of("leftover finally"), log);
    }

    @Test
    void crossThreadSpawnRunsOnTheChosenHub() throws Exception {
        try (Hub hub = Hub.start("test-hub")) {
            List<GreenThread<Hub>> threads = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                threads.add(hub.spawn(Hub::current));
            }
            for (GreenThread<Hub> t : threads) {
                assertSame(hub, t.get());
            }
            GreenThread<Thread> carrierSeen = hub.spawn(() -> io.greening.internal.VirtualThreads.currentCarrierThread());
            assertSame(hub.carrier(), carrierSeen.get());
            // and from many platform threads at once
            int producers = 4, each = 2_000;
            AtomicInteger ran = new AtomicInteger();
            List<Thread> spawners = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                spawners.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < each; i++) {
                        hub.spawn(ran::incrementAndGet);
                    }
                }));
            }
            for (Thread s : spawners) {
                s.join();
            }
            hub.spawn(() -> { }).join();
            while (ran.get() < producers * each) {
                Green.sleep(1);
            }
            assertEquals(producers * each, ran.get());
        }
    }

    @Test
    void aPlatformThreadCanJoinAGreenThread() {
        GreenThread<String> t = Green.spawn(() -> {
            Green.sleep(10);
            return "from the shared hub";
        });
        assertEquals("from the shared hub", t.get());
        assertSame(Hub.shared(), t.hub());
    }

    @Test
    void interruptingAWaitingGreenThreadRaisesGreenInterruptedException() {
        Green.run(() -> {
            GreenThread<Boolean> sleeper = Green.spawn(() -> {
                try {
                    Green.sleep(Duration.ofHours(1));
                    return false;
                } catch (GreenInterruptedException e) {
                    return !Thread.currentThread().isInterrupted();   // cleared, as InterruptedException clears it
                }
            });
            Green.cede();
            sleeper.thread().interrupt();
            assertTrue(sleeper.get());
            return null;
        });
    }

    @Test
    void offloadRunsOnARealThreadWhileOtherGreenThreadsGoOn() throws Exception {
        Green.run(() -> {
            CountDownLatch siblingRan = new CountDownLatch(1);
            Green.spawn(siblingRan::countDown);
            // If offload blocked the hub, the sibling could never count down and this would wait its full 10 s.
            boolean sawSibling = Green.offload(() -> {
                assertFalse(Thread.currentThread().isVirtual());
                return siblingRan.await(10, TimeUnit.SECONDS);
            });
            assertTrue(sawSibling);
            IOException io = new IOException("disk");
            assertSame(io, assertThrows(IOException.class, () -> Green.offload(() -> { throw io; })));
            return null;
        });
    }

    @Test
    void oneHundredThousandSleepersShareAFewPlatformThreads() {
        int count = 100_000;
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        int platformBefore = mx.getThreadCount();
        int[] platformWhileAllSleep = new int[1];
        int woke = Green.run(() -> {
            AtomicInteger asleep = new AtomicInteger();
            AtomicInteger awake = new AtomicInteger();
            List<GreenThread<Void>> sleepers = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                sleepers.add(Green.spawn(() -> {
                    asleep.incrementAndGet();
                    Green.sleep(200);
                    awake.incrementAndGet();
                }));
            }
            while (asleep.get() < count) {
                Green.sleep(1);
            }
            assertEquals(0, awake.get(), "all are asleep at once");
            platformWhileAllSleep[0] = mx.getThreadCount();
            for (GreenThread<Void> s : sleepers) {
                s.join();
            }
            return awake.get();
        });
        assertEquals(count, woke);
        assertTrue(platformWhileAllSleep[0] - platformBefore <= 4,
                "platform threads went from " + platformBefore + " to " + platformWhileAllSleep[0]);
    }

    @Test
    void aKilledThreadIsDeadNotFailed() {
        Green.run(() -> {
            GreenThread<Void> sleeper = Green.spawn(() -> Green.sleep(Duration.ofHours(1)));
            Green.cede();
            sleeper.kill();
            sleeper.join();
            assertTrue(sleeper.isSuccessful(), "gevent: successful() is True after a kill");
            assertNull(sleeper.exception(), "gevent: exception is None after a kill");
            assertThrows(GreenletExit.class, sleeper::get, "it has no value: get() rethrows the GreenletExit");

            GreenThread<Void> failed = Green.spawn(() -> { throw new IllegalStateException("boom"); });
            failed.join();
            assertFalse(failed.isSuccessful());
            assertInstanceOf(IllegalStateException.class, failed.exception());
            return null;
        });
    }

    @Test
    void linkValueAndLinkExceptionRunOnlyForTheirOutcome() {
        Green.run(() -> {
            List<String> calls = new ArrayList<>();
            GreenThread<Integer> returns = Green.spawn(() -> 1);
            GreenThread<Integer> fails = Green.spawn(() -> { throw new IllegalStateException("boom"); });
            GreenThread<Void> killed = Green.spawn(() -> Green.sleep(Duration.ofHours(1)));
            for (GreenThread<?> t : List.of(returns, fails, killed)) {
                t.linkValue(done -> calls.add("value " + done.name()));
                t.linkException(done -> calls.add("exception " + done.name()));
            }
            killed.kill();
            Green.joinAll(List.of(returns, fails, killed));
            assertEquals(List.of("value " + returns.name(), "exception " + fails.name(), "value " + killed.name()),
                    calls);

            calls.clear();
            returns.linkValue(done -> calls.add("at once"));   // dead already: runs on the caller
            returns.linkException(done -> calls.add("never"));
            assertEquals(List.of("at once"), calls);
            return null;
        });
    }

    @Test
    void unlinkRemovesALinkAlsoWhileTheLinksRun() {
        Green.run(() -> {
            List<String> calls = new ArrayList<>();
            Event release = new Event();
            GreenThread<Void> thread = Green.spawn(() -> release.await());
            java.util.function.Consumer<GreenThread<?>> second = done -> calls.add("second");
            java.util.function.Consumer<GreenThread<?>> removed = done -> calls.add("removed");
            thread.link(done -> {
                calls.add("first");
                assertTrue(done.unlink(second), "gevent lets a link unlink those after it");
            });
            thread.link(second);
            thread.linkValue(removed);
            assertTrue(thread.unlink(removed));
            assertFalse(thread.unlink(removed), "once only");
            release.set();
            thread.join();
            assertEquals(List.of("first"), calls);
            assertFalse(thread.unlink(second), "nothing to unlink once dead");
            return null;
        });
    }

    @Test
    void joinAllReturnsThreadsInTheOrderTheyDiedAndAwaitStopsAtCount() {
        Green.run(() -> {
            Event first = new Event();
            Event second = new Event();
            GreenThread<Void> late = Green.spawn(() -> second.await());
            GreenThread<Void> early = Green.spawn(() -> first.await());
            GreenThread<Void> forever = Green.spawn(() -> Green.sleep(Duration.ofHours(1)));
            first.set();
            assertEquals(List.of(early), Green.await(List.of(late, early, forever), null, 1));
            second.set();
            assertEquals(List.of(early, late), Green.joinAll(List.of(late, early, forever), Duration.ofMillis(50)));
            assertEquals(List.of(late, early), Green.await(List.of(late, early, forever), Duration.ofMillis(20)),
                    "those dead already come in the order given");
            assertTrue(Green.killAll(List.of(forever), Duration.ofSeconds(10)));
            assertTrue(forever.isDead());

            GreenThread<Void> failing = Green.spawn(() -> { throw new IllegalStateException("boom"); });
            GreenThread<Void> sleeping = Green.spawn(() -> Green.sleep(Duration.ofHours(1)));
            assertThrows(IllegalStateException.class,
                    () -> Green.joinAll(List.of(sleeping, failing), null, true), "raise_error=True");
            assertFalse(sleeping.isDead(), "the first failure ends the wait");
            Green.killAll(List.of(sleeping));
            assertTrue(sleeping.isDead(), "killAll waits");
            return null;
        });
    }

    /**
     * A kill from a platform thread races the new thread's first run on the carriers of a two-hub group: either the
     * kill wins (the thread is dead when it returns and its body never runs) or the body's start does (the kill is
     * raised in the body, which dies on its own carrier); never both: the link runs once, on the green thread, and
     * the group's registry lets go of the thread. The kill must win at least once: right after the spawn it nearly
     * always does.
     */
    @Test
    void aKillRacingTheFirstRunOnAnotherCarrierWinsOrLosesWhole() {
        int killedBeforeItsBodyBegan = 0;
        try (HubGroup group = HubGroup.start("kill-race", 2)) {
            for (int i = 0; i < 400; i++) {
                AtomicInteger began = new AtomicInteger();
                List<Thread> linkedOn = Collections.synchronizedList(new ArrayList<>());
                GreenThread<Void> g = group.spawn(() -> {
                    began.incrementAndGet();
                    Green.sleep(Duration.ofDays(1));
                });
                g.link(dead -> linkedOn.add(Thread.currentThread()));
                assertTrue(g.isAlive());
                long spinUntil = System.nanoTime() + (i % 4) * 5_000L;   // vary where in the first run the kill lands
                while (System.nanoTime() - spinUntil < 0) {
                    Thread.onSpinWait();
                }
                g.kill();
                if (g.isDead()) {
                    killedBeforeItsBodyBegan++;   // or its body began and died of the kill already: rare
                }
                g.join();
                io.greening.testing.Conditions.waitUntil(() -> g.thread().getState() == Thread.State.TERMINATED);
                assertEquals(List.of(g.thread()), linkedOn, "one link call, on the green thread");
                assertThrows(GreenletExit.class, g::get);
                assertTrue(group.registry.snapshot().stream().noneMatch(r -> r.thread() == g.thread()), "registry let go");
            }
        }
        assertTrue(killedBeforeItsBodyBegan > 0, "no kill ever won against the first run");
    }
}
