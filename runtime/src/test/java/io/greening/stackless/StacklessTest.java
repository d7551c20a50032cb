package io.greening.stackless;

import io.greening.testing.FreshThread;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(60)
class StacklessTest {

    /** Each test gets a thread of its own, so a fresh scheduler: tasklets left by one test never run in another. */
    static void onFreshThread(Runnable test) {
        FreshThread.run(test);
    }

    @Test
    void taskletsRunOnlyWhenTheSchedulerRunsThemInRoundRobinOrder() {
        onFreshThread(() -> {
            List<String> log = new ArrayList<>();
            for (String name : List.of("first", "second", "third")) {
                new Tasklet(args -> {
                    for (int i = 1; i <= 3; i++) {
                        log.add(i + ": " + args[0]);
                        Stackless.schedule();
                    }
                }, name);
            }
            assertEquals(List.of(), log);
            assertEquals(4, Stackless.getRunCount());
            Stackless.run();
            assertEquals(List.of("1: first", "1: second", "1: third", "2: first", "2: second", "2: third",
                    "3: first", "3: second", "3: third"), log);
            assertEquals(1, Stackless.getRunCount());
            assertSame(Stackless.getMain(), Stackless.getCurrent());
        });
    }

    @Test
    void theMainTaskletTakesItsTurnWhenItSchedules() {
        onFreshThread(() -> {
            List<String> log = new ArrayList<>();
            new Tasklet(() -> log.add("a"));
            new Tasklet(() -> log.add("b"));
            log.add("main before");
            Stackless.schedule();
            log.add("main after");
            assertEquals(List.of("main before", "a", "b", "main after"), log);
        });
    }

    @Test
    void theReceiverRunsFirstByDefault() {
        assertEquals(List.of("r waits", "s sends", "r got x", "s goes on"), sendAfterReceiverWaits(-1));
    }

    @Test
    void theSenderRunsOnWhenPreferredOrNeither() {
        assertEquals(List.of("r waits", "s sends", "s goes on", "r got x"), sendAfterReceiverWaits(1));
        assertEquals(List.of("r waits", "s sends", "s goes on", "r got x"), sendAfterReceiverWaits(0));
    }

    @Test
    void aReceiveMeetingAWaitingSenderRunsTheSenderFirstOnlyWhenSendersArePreferred() {
        assertEquals(List.of("s sends", "r receives", "r got x", "s goes on"), receiveAfterSenderWaits(-1));
        assertEquals(List.of("s sends", "r receives", "r got x", "s goes on"), receiveAfterSenderWaits(0));
        assertEquals(List.of("s sends", "r receives", "s goes on", "r got x"), receiveAfterSenderWaits(1));
    }

    private static List<String> sendAfterReceiverWaits(int preference) {
        List<String> log = new ArrayList<>();
        onFreshThread(() -> {
            Channel<String> channel = new Channel<>();
            channel.setPreference(preference);
            new Tasklet(() -> {
                log.add("r waits");
                log.add("r got " + channel.receive());
            });
            new Tasklet(() -> {
                log.add("s sends");
                channel.send("x");
                log.add("s goes on");
            });
            Stackless.run();
        });
        return log;
    }

    private static List<String> receiveAfterSenderWaits(int preference) {
        List<String> log = new ArrayList<>();
        onFreshThread(() -> {
            Channel<String> channel = new Channel<>();
            channel.setPreference(preference);
            new Tasklet(() -> {
                log.add("s sends");
                channel.send("x");
                log.add("s goes on");
            });
            new Tasklet(() -> {
                log.add("r receives");
                log.add("r got " + channel.receive());
            });
            Stackless.run();
        });
        return log;
    }

    @Test
    void balanceCountsWaitingSendersPositiveAndReceiversNegative() {
        onFreshThread(() -> {
            Channel<Integer> channel = new Channel<>();
            new Tasklet(channel::receive);
            new Tasklet(channel::receive);
            Stackless.run();
            assertEquals(-2, channel.balance());
            Tasklet blocked = new Tasklet(() -> { });
            assertTrue(blocked.isScheduled());
            channel.send(1);
            channel.send(2);
            assertEquals(0, channel.balance());
            new Tasklet(() -> channel.send(3));
            Stackless.run();
            assertEquals(1, channel.balance());
            assertEquals(3, channel.receive());
            assertEquals(0, channel.balance());
        });
    }

    @Test
    void severalReceiversEachGetADifferentMessage() {
        onFreshThread(() -> {
            Channel<Integer> work = new Channel<>();
            List<String> got = new ArrayList<>();
            for (String worker : List.of("w1", "w2", "w3")) {
                new Tasklet(() -> {
                    while (true) {
                        Integer job = work.receive();
                        if (job == null) {
                            return;
                        }
                        got.add(worker + ":" + job);
                    }
                });
            }
            Stackless.run();
            for (int job = 1; job <= 6; job++) {
                work.send(job);
            }
            for (int i = 0; i < 3; i++) {
                work.send(null);
            }
            Stackless.run();
            assertEquals(List.of("w1:1", "w2:2", "w3:3", "w1:4", "w2:5", "w3:6"), got);
            assertEquals(0, work.balance());
        });
    }

    @Test
    void sendExceptionRaisesInTheReceiver() {
        onFreshThread(() -> {
            Channel<String> channel = new Channel<>();
            List<String> log = new ArrayList<>();
            new Tasklet(() -> {
                try {
                    channel.receive();
                } catch (IllegalArgumentException e) {
                    log.add("caught " + e.getMessage());
                }
            });
            Stackless.run();
            channel.sendException(new IllegalArgumentException("bad"));
            assertEquals(List.of("caught bad"), log);
        });
    }

    @Test
    void closingDrainsWaitingSendersRefusesNewSendsAndEndsIteration() {
        onFreshThread(() -> {
            Channel<Integer> channel = new Channel<>();
            List<String> log = new ArrayList<>();
            new Tasklet(() -> {
                channel.send(1);
                try {
                    channel.send(2);
                } catch (ChannelClosedException e) {
                    log.add("send refused");
                }
            });
            Stackless.run();
            assertEquals(1, channel.balance());
            channel.close();
            assertTrue(channel.isClosing());
            assertFalse(channel.isClosed());
            assertEquals(1, channel.receive());
            assertTrue(channel.isClosed());
            assertThrows(ChannelClosedException.class, channel::receive);
            Stackless.run();
            assertEquals(List.of("send refused"), log);
        });
    }

    @Test
    void iterationEndsForWaitingReceiversWhenTheChannelCloses() {
        onFreshThread(() -> {
            Channel<Integer> channel = new Channel<>();
            List<String> log = new ArrayList<>();
            for (String worker : List.of("a", "b")) {
                new Tasklet(() -> {
                    for (Integer value : channel) {
                        log.add(worker + value);
                    }
                    log.add(worker + " done");
                });
            }
            Stackless.run();
            for (int i = 1; i <= 4; i++) {
                channel.send(i);
            }
            assertEquals(-2, channel.balance());
            channel.close();
            assertTrue(channel.isClosed());
            Stackless.run();
            assertEquals(List.of("a1", "b2", "a3", "b4", "a done", "b done"), log);
        });
    }

    @Test
    void anUncaughtExceptionInATaskletReachesRun() {
        onFreshThread(() -> {
            List<String> log = new ArrayList<>();
            new Tasklet(() -> {
                throw new IllegalStateException("tasklet failed");
            });
            Tasklet later = new Tasklet(() -> log.add("later ran"));
            IllegalStateException e = assertThrows(IllegalStateException.class, Stackless::run);
            assertEquals("tasklet failed", e.getMessage());
            assertTrue(later.isAlive());
            assertTrue(later.isScheduled());
            Stackless.run();
            assertEquals(List.of("later ran"), log);
        });
    }

    @Test
    void killRaisesTaskletExitWhereItWaitsAndItDiesSilently() {
        onFreshThread(() -> {
            Channel<String> channel = new Channel<>();
            List<String> log = new ArrayList<>();
            Tasklet waiter = new Tasklet(() -> {
                try {
                    channel.receive();
                } finally {
                    log.add("finally");
                }
            });
            Stackless.run();
            assertTrue(waiter.isBlocked());
            assertTrue(waiter.isScheduled());
            assertEquals(-1, channel.balance());
            waiter.kill();
            assertEquals(List.of("finally"), log);
            assertFalse(waiter.isAlive());
            assertFalse(waiter.isBlocked());
            assertFalse(waiter.isScheduled());
            assertEquals(0, channel.balance());
        });
    }

    @Test
    void raiseExceptionReachesMainIfTheTaskletDoesNotCatchIt() {
        onFreshThread(() -> {
            Channel<String> channel = new Channel<>();
            Tasklet waiter = new Tasklet(channel::receive);
            Stackless.run();
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> waiter.raiseException(new UnsupportedOperationException("raised")));
            assertEquals("raised", e.getMessage());
            assertFalse(waiter.isAlive());
        });
    }

    @Test
    void killingAnUnstartedTaskletRemovesItWithoutRunning() {
        onFreshThread(() -> {
            List<String> log = new ArrayList<>();
            Tasklet never = new Tasklet(() -> log.add("ran"));
            assertTrue(never.isAlive());
            never.kill();
            assertFalse(never.isAlive());
            assertEquals(1, Stackless.getRunCount());
            Stackless.run();
            assertEquals(List.of(), log);
        });
    }

    @Test
    void blockingTheLastRunnableTaskletIsADeadlock() {
        onFreshThread(() -> {
            Channel<String> channel = new Channel<>();
            IllegalStateException e = assertThrows(IllegalStateException.class, channel::receive);
            assertEquals(Scheduler.DEADLOCK, e.getMessage());
            assertEquals(0, channel.balance());
            // A tasklet that blocks while main waits on a channel: main is woken with the deadlock.
            Channel<String> other = new Channel<>();
            new Tasklet(() -> other.receive());
            IllegalStateException fromTasklet = assertThrows(IllegalStateException.class, channel::receive);
            assertEquals(Scheduler.DEADLOCK, fromTasklet.getMessage());
            assertEquals(0, channel.balance());
            assertEquals(-1, other.balance());
        });
    }

    @Test
    void taskletRunSwitchesToItNowAndSkipsTheOnesBetween() {
        onFreshThread(() -> {
            List<String> log = new ArrayList<>();
            new Tasklet(() -> log.add("a"));
            new Tasklet(() -> log.add("b"));
            Tasklet c = new Tasklet(() -> {
                log.add("c1");
                Stackless.schedule();
                log.add("c2");
            });
            c.run();
            log.add("main");
            Stackless.run();
            assertEquals(List.of("c1", "main", "a", "b", "c2"), log);
        });
    }

    @Test
    void stateQueriesFollowTheTaskletsLife() {
        onFreshThread(() -> {
            Channel<String> channel = new Channel<>();
            List<Boolean> inside = new ArrayList<>();
            Tasklet[] self = new Tasklet[1];
            self[0] = new Tasklet(() -> {
                inside.add(Stackless.getCurrent() == self[0]);
                inside.add(self[0].isCurrent());
                inside.add(Stackless.getRunCount() == 2);   // itself and main, waiting in run()
                channel.receive();
            });
            Tasklet t = self[0];
            assertTrue(t.isAlive());
            assertFalse(t.isBlocked());
            assertTrue(t.isScheduled());
            Stackless.run();
            assertEquals(List.of(true, true, true), inside);
            assertTrue(t.isBlocked());
            channel.send("go");
            assertFalse(t.isAlive());
            assertFalse(t.isScheduled());
            assertTrue(Stackless.getMain().isMain());
        });
    }

    @Test
    void atomicSetsTheFlagForTheScopeAndRestoresIt() {
        onFreshThread(() -> {
            Tasklet main = Stackless.getCurrent();
            assertFalse(main.isAtomic());
            try (Stackless.Atomic ignored = Stackless.atomic()) {
                assertTrue(main.isAtomic());
                try (Stackless.Atomic nested = Stackless.atomic()) {
                    assertTrue(main.isAtomic());
                }
                assertTrue(main.isAtomic());
            }
            assertFalse(main.isAtomic());
        });
    }

    @Test
    void aCheckedExceptionFromATaskletIsWrapped() {
        onFreshThread(() -> {
            Exception checked = new Exception("checked");
            new Tasklet(args -> {
                throw checked;
            });
            assertSame(checked, assertThrows(CompletionException.class, Stackless::run).getCause());
        });
    }

    @Test
    void aChannelRefusesTheTaskletsOfAnotherThread() {
        Channel<String> channel = new Channel<>();
        onFreshThread(() -> {
            new Tasklet(() -> channel.send("x"));
            Stackless.run();
        });
        onFreshThread(() -> {
            IllegalStateException e = assertThrows(IllegalStateException.class, channel::receive);
            assertTrue(e.getMessage().contains("another thread"), e.getMessage());
        });
    }

    @Test
    void taskletsRunOnAGreenThreadsHubAndMaySleepGreen() {
        List<String> log = io.greening.Green.run(() -> {
            List<String> events = new ArrayList<>();
            Channel<String> channel = new Channel<>();
            io.greening.Green.spawn(() -> events.add("another green thread ran"));
            new Tasklet(() -> {
                io.greening.Green.sleep(java.time.Duration.ofMillis(5));   // the hub runs other green threads
                channel.send("slept");
            });
            new Tasklet(() -> events.add("received " + channel.receive()));
            Stackless.run();
            return events;
        });
        assertEquals(List.of("another green thread ran", "received slept"), log);
    }
}
