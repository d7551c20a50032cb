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
            // A tasklet that blocks while main waits on a channel gets the deadlock itself; uncaught, it dies of
            // it and main receives it.
            Channel<String> other = new Channel<>();
            new Tasklet(() -> other.receive());
            IllegalStateException fromTasklet = assertThrows(IllegalStateException.class, channel::receive);
            assertEquals(Scheduler.DEADLOCK, fromTasklet.getMessage());
            assertEquals(0, channel.balance());
            assertEquals(0, other.balance());
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
                inside.add(Stackless.getRunCount() == 1);   // itself: main, waiting in run(), is out of the queue
                inside.add(!Stackless.getMain().isScheduled());
                channel.receive();
            });
            Tasklet t = self[0];
            assertTrue(t.isAlive());
            assertFalse(t.isBlocked());
            assertTrue(t.isScheduled());
            Stackless.run();
            assertEquals(List.of(true, true, true, true), inside);
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

    // ---- ported from the Stackless test suite (stackless-testsuite v3_1, test_watchdog.py TestDeadlock) ----

    /** testReceiveOnMain: main blocking with nothing else runnable gets the deadlock. */
    @Test
    void receiveOnMain() {
        onFreshThread(() -> {
            IllegalStateException e = assertThrows(IllegalStateException.class, new Channel<>()::receive);
            assertTrue(e.getMessage().contains("Deadlock"), e.getMessage());
        });
    }

    /** test_main_receiving_endttasklet: the last tasklet ends while main waits to receive. */
    @Test
    void mainReceivingEndedTasklet() {
        onFreshThread(() -> {
            Channel<Object> c = new Channel<>();
            new Tasklet(() -> { });
            IllegalStateException e = assertThrows(IllegalStateException.class, c::receive);
            assertTrue(e.getMessage().contains("receiving"), e.getMessage());
            assertEquals(0, c.balance());
            assertFalse(Stackless.getMain().isBlocked());
        });
    }

    /** test_main_sending_enddtasklet: the last tasklet ends while main waits to send. */
    @Test
    void mainSendingEndedTasklet() {
        onFreshThread(() -> {
            Channel<Object> c = new Channel<>();
            new Tasklet(() -> { });
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.send(null));
            assertTrue(e.getMessage().contains("sending"), e.getMessage());
            assertEquals(0, c.balance());
        });
    }

    /** test_main_gets_exception: a tasklet's own exception reaches a blocked main, not the deadlock. */
    @Test
    void mainGetsException() {
        onFreshThread(() -> {
            new Tasklet(() -> { throw new ArithmeticException("mumbai"); });
            ArithmeticException e = assertThrows(ArithmeticException.class, new Channel<>()::receive);
            assertEquals("mumbai", e.getMessage());
        });
    }

    /** test_tasklet_deadlock: a tasklet that blocks last, while main waits on a channel, gets the deadlock. */
    @Test
    void taskletDeadlock() {
        onFreshThread(() -> {
            Channel<Object> mc = new Channel<>();
            List<String> seen = new ArrayList<>();
            new Tasklet(() -> {
                Channel<Object> c = new Channel<>();
                IllegalStateException e = assertThrows(IllegalStateException.class, c::receive);
                seen.add(e.getMessage());
                assertEquals(0, c.balance());
                mc.send("after the deadlock");
            });
            assertEquals("after the deadlock", mc.receive());
            assertEquals(List.of(Scheduler.DEADLOCK), seen);
        });
    }

    /** test_tasklet_and_main_receive: the tasklet's deadlock, uncaught, is transferred to a blocked main. */
    @Test
    void taskletAndMainReceive() {
        onFreshThread(() -> {
            Channel<Object> mc = new Channel<>();
            Channel<Object> c = new Channel<>();
            Tasklet t = new Tasklet(() -> c.receive());
            IllegalStateException e = assertThrows(IllegalStateException.class, mc::receive);
            assertTrue(e.getMessage().contains("Deadlock"), e.getMessage());
            assertFalse(t.isAlive());
            assertEquals(0, c.balance());
            assertEquals(0, mc.balance());
        });
    }

    /** test_error_propagation_when_not_deadlock. */
    @Test
    void errorPropagationWhenNotDeadlock() {
        onFreshThread(() -> {
            new Tasklet(Stackless::schedule);
            new Tasklet(() -> { throw new ArithmeticException("bar"); });
            assertEquals("bar", assertThrows(ArithmeticException.class, Stackless::run).getMessage());
        });
    }

    /** Stackless raises an exception raised into a new tasklet: it dies of it without running, and main gets it. */
    @Test
    void raiseExceptionOnANewTaskletRaisesIt() {
        onFreshThread(() -> {
            List<String> log = new ArrayList<>();
            Tasklet fresh = new Tasklet(() -> log.add("ran"));
            ArithmeticException e = assertThrows(ArithmeticException.class,
                    () -> fresh.raiseException(new ArithmeticException("raised")));
            assertEquals("raised", e.getMessage());
            assertFalse(fresh.isAlive());
            assertEquals(1, Stackless.getRunCount());
            // From another tasklet: the exception goes to the main tasklet, here waiting in run().
            Tasklet[] target = new Tasklet[1];
            new Tasklet(() -> {
                log.add("raiser");
                target[0].raiseException(new ArithmeticException("from a tasklet"));
                log.add("raiser goes on");
            });
            target[0] = new Tasklet(() -> log.add("target ran"));
            assertEquals("from a tasklet", assertThrows(ArithmeticException.class, Stackless::run).getMessage());
            assertFalse(target[0].isAlive());
            Stackless.run();
            assertEquals(List.of("raiser", "raiser goes on"), log);
        });
    }

    // ---- ported from PyPy's test_stackless.py (pypy/module/test_lib_pypy), named after its cases ----

    /** test_with_channel: the orders of sends and receives under each preference. */
    @Test
    void withChannel() {
        onFreshThread(() -> {
            java.util.Map<Integer, String> expected = java.util.Map.of(
                    -1, "s0 r0 s1 r1 s2 r2 s3 r3 s4 r4 s5 r5 s6 r6 s7 r7 s8 r8 s9 r9",
                    0, "s0 r0 s1 s2 r1 r2 s3 s4 r3 r4 s5 s6 r5 r6 s7 s8 r7 r8 s9 r9",
                    1, "s0 s1 r0 s2 r1 s3 r2 s4 r3 s5 r4 s6 r5 s7 r6 s8 r7 s9 r8 r9");
            for (int preference : new int[] {-1, 0, 1}) {
                List<String> rlist = new ArrayList<>();
                Channel<Integer> ch = new Channel<>();
                ch.setPreference(preference);
                new Tasklet(() -> {
                    for (int i = 0; i < 10; i++) {
                        rlist.add("s" + i);
                        ch.send(i);
                    }
                    ch.send(-1);
                });
                new Tasklet(() -> {
                    while (true) {
                        int val = ch.receive();
                        if (val == -1) {
                            break;
                        }
                        rlist.add("r" + val);
                    }
                });
                Stackless.run();
                assertEquals(expected.get(preference), String.join(" ", rlist), "preference " + preference);
            }
        });
    }

    /** test_send_counter and test_receive_counter. */
    @Test
    void sendAndReceiveCounter() {
        onFreshThread(() -> {
            List<Integer> numbers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                numbers.add(i);
            }
            java.util.Collections.shuffle(numbers, new java.util.Random(1));
            Channel<Integer> ch = new Channel<>();
            for (int each : numbers) {
                new Tasklet(() -> {
                    for (int i = 0; i < each; i++) {
                        Stackless.schedule();
                    }
                    ch.send(each);
                });
            }
            Stackless.run();
            List<Integer> rlist = new ArrayList<>();
            while (ch.balance() != 0) {
                rlist.add(ch.receive());
            }
            List<Integer> sorted = new ArrayList<>(numbers);
            java.util.Collections.sort(sorted);
            assertEquals(sorted, rlist);

            List<Integer> received = new ArrayList<>();
            for (int each : numbers) {
                new Tasklet(() -> {
                    for (int i = 0; i < each; i++) {
                        Stackless.schedule();
                    }
                    ch.receive();
                    received.add(each);
                });
            }
            Stackless.run();
            while (ch.balance() != 0) {
                ch.send(null);
            }
            assertEquals(sorted, received);
        });
    }

    /** test_except: after run() raised a tasklet's exception, main's schedules run the rest in order. */
    @Test
    void except() {
        onFreshThread(() -> {
            List<String> rlist = new ArrayList<>();
            new Tasklet(() -> {
                rlist.add("bg");
                Stackless.schedule();
                rlist.add("ag");
            });
            new Tasklet(() -> {
                rlist.add("f");
                throw new ArithmeticException("/ by zero");
            });
            new Tasklet(() -> {
                rlist.add("bh");
                Stackless.schedule();
                rlist.add("ah");
            });
            try {
                Stackless.run();
            } catch (ArithmeticException e) {
                rlist.add("E");
            }
            Stackless.schedule();
            Stackless.schedule();
            assertEquals("bg f E bh ag ah", String.join(" ", rlist));
        });
    }

    /** test_simple_channel. */
    @Test
    void simpleChannel() {
        onFreshThread(() -> {
            List<String> output = new ArrayList<>();
            Channel<String> ch = new Channel<>();
            new Tasklet(() -> {
                output.add("sending");
                ch.send("foo");
            });
            Stackless.schedule();
            new Tasklet(() -> {
                output.add("receiving");
                output.add(ch.receive());
            });
            Stackless.schedule();
            Stackless.run();
            assertEquals(List.of("sending", "receiving", "foo"), output);
        });
    }

    /** test_getruncount. */
    @Test
    void getruncount() {
        onFreshThread(() -> {
            assertEquals(1, Stackless.getRunCount());
            List<Integer> seen = new ArrayList<>();
            new Tasklet(() -> seen.add(Stackless.getRunCount()));
            assertEquals(2, Stackless.getRunCount());
            Stackless.schedule();
            new Tasklet(() -> seen.add(Stackless.getRunCount()));
            Stackless.run();
            assertEquals(List.of(2, 1), seen);
        });
    }

    /** test_nested_pipe and test_wait_two: main sends and receives while tasklets pipe. */
    @Test
    void nestedPipeAndWaitTwo() {
        onFreshThread(() -> {
            Channel<Integer> x = new Channel<>();
            Channel<Integer> y = new Channel<>();
            new Tasklet(() -> {
                Channel<Integer> x2 = new Channel<>();
                Channel<Integer> y2 = new Channel<>();
                new Tasklet(() -> y2.send(x2.receive()));
                x2.send(x.receive());
                y.send(y2.receive());
            });
            x.send(13);
            assertEquals(13, y.receive());

            Channel<Integer> a = new Channel<>();
            Channel<Integer> b = new Channel<>();
            Channel<List<Integer>> ret = new Channel<>();
            new Tasklet(() -> {
                Channel<List<Object>> barrier = new Channel<>();
                new Tasklet(() -> barrier.send(List.of(a, a.receive())));
                new Tasklet(() -> barrier.send(List.of(b, b.receive())));
                List<Object> first = barrier.receive();
                ret.send(List.of(first.get(0) == a ? 1 : 2, (Integer) first.get(1)));
            });
            b.send(42);
            a.send(42);
            assertEquals(List.of(2, 42), ret.receive());
        });
    }

    /** test_kill_tasklet_waiting_for_channel (PyPy issue #2595). */
    @Test
    void killTaskletWaitingForChannel() {
        onFreshThread(() -> {
            Channel<Integer> c = new Channel<>();
            List<Object> got = new ArrayList<>();
            new Tasklet(() -> {
                Tasklet trk = new Tasklet(() -> got.add(c.receive()));
                Stackless.schedule();
                trk.kill();
                Stackless.schedule();
                new Tasklet(() -> c.send(1));
                Stackless.schedule();
                new Tasklet(() -> got.add(c.receive()));
                Stackless.schedule();
            });
            Stackless.run();
            assertEquals(List.of(1), got);
            assertEquals(0, c.balance());
        });
    }

    /** test_catch_taskletexit and test_autocatch_taskletexit. */
    @Test
    void catchTaskletExit() {
        onFreshThread(() -> {
            boolean[] caught = {false};
            Tasklet t = new Tasklet(() -> {
                try {
                    Stackless.schedule();
                } catch (TaskletExit exit) {
                    caught[0] = true;
                    throw exit;
                }
            });
            t.run();
            assertTrue(t.isAlive());
            t.kill();
            assertFalse(t.isAlive());
            assertTrue(caught[0]);
            Tasklet auto = new Tasklet(Stackless::schedule);
            auto.run();
            auto.kill();
            assertFalse(auto.isAlive());
        });
    }

    /** test_watchdog.py test_manual_wakeup, on the main tasklet: inserting or running main wakes it from run(). */
    @Test
    void manualWakeupOfMainWaitingInRun() {
        onFreshThread(() -> {
            List<String> log = new ArrayList<>();
            new Tasklet(() -> {
                log.add("insert main");
                Stackless.getMain().insert();
                assertEquals(2, Stackless.getRunCount());
                Stackless.schedule();
                log.add("run main");
                Stackless.getMain().run();
                log.add("done");
            });
            Stackless.run();
            log.add("main back");
            Stackless.run();
            log.add("main back again");
            Stackless.run();
            assertEquals(List.of("insert main", "main back", "run main", "main back again", "done"), log);
            assertEquals(1, Stackless.getRunCount());
        });
    }
}
