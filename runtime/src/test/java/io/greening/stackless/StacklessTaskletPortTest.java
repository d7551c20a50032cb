package io.greening.stackless;

import io.greening.testing.FreshThread;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Cases of Stackless's own suite for tasklets (Stackless/unittests/test_miscell.py: TestTaskletSwitching,
 * TestTaskletThrowImmediate / NonImmediate, TestKill, TestSchedule, TestSwitch), ported. Each runs on a fresh thread,
 * so it has a scheduler of its own.
 */
@Timeout(60)
class StacklessTaskletPortTest {

    private static final class IndexError extends RuntimeException {
        IndexError(String message) {
            super(message);
        }
    }

    /** test_miscell.py TestTaskletSwitching.test_raise_exception: raised where a started tasklet waits on a channel. */
    @Test
    void raiseExceptionIntoATaskletWaitingOnAChannel() {
        FreshThread.run(() -> {
            Channel<Object> c = new Channel<>();
            List<Throwable> caught = new ArrayList<>();
            Tasklet s = new Tasklet(() -> caught.add(assertThrows(IndexError.class, c::receive)));
            s.run();   // necessary, since raiseException does not start it
            assertTrue(s.isBlocked());
            s.raiseException(new IndexError("raised"));
            assertEquals(1, caught.size());
            assertFalse(s.isAlive());
            assertEquals(0, c.balance());
        });
    }

    /** test_miscell.py TestTaskletSwitching.test_run / test_switch_to_current. */
    @Test
    void runRunsNowAndASwitchToTheCurrentTaskletDoesNothing() {
        FreshThread.run(() -> {
            boolean[] flag = {false};
            Tasklet s = new Tasklet(() -> flag[0] = true);
            s.run();
            assertTrue(flag[0]);
            Tasklet current = Stackless.getCurrent();
            current.switchTo();
            current.switchTo();
            assertTrue(current.isCurrent());
            assertFalse(s.isAlive());
        });
    }

    /**
     * test_miscell.py TestTaskletThrowImmediate / TestTaskletThrowNonImmediate test_throw_noargs and test_throw_inst:
     * at once the tasklet handles it and dies; pending, it is still alive until it runs.
     */
    @Test
    void throwIntoABlockedTaskletAtOnceOrPending() {
        FreshThread.run(() -> {
            for (boolean pending : new boolean[] {false, true}) {
                Channel<Object> c = new Channel<>();
                List<String> caught = new ArrayList<>();
                Tasklet s = new Tasklet(() -> {
                    try {
                        c.receive();
                    } catch (IndexError e) {
                        caught.add(e.getMessage());
                    }
                });
                s.run();
                s.throwInto(new IndexError("1, 2, 3"), pending);
                if (pending) {
                    assertTrue(s.isAlive());
                    assertFalse(s.isBlocked());
                    assertTrue(s.isScheduled());
                    assertEquals(0, c.balance());
                    assertEquals(List.of(), caught);
                    s.run();
                }
                assertFalse(s.isAlive(), "pending=" + pending);
                assertEquals(List.of("1, 2, 3"), caught);
            }
        });
    }

    /**
     * test_miscell.py TestTaskletThrow*.test_new: an exception thrown into a new tasklet goes, unhandled, to the main
     * tasklet: at once, or from run() when pending.
     */
    @Test
    void throwIntoANewTaskletReachesTheMainTasklet() {
        FreshThread.run(() -> {
            for (boolean pending : new boolean[] {false, true}) {
                boolean[] ran = {false};
                Tasklet s = new Tasklet(() -> ran[0] = true);
                assertTrue(s.isAlive());
                IndexError error = new IndexError("new");
                if (pending) {
                    s.throwInto(error, true);
                    assertTrue(s.isAlive());
                    assertSame(error, assertThrows(IndexError.class, Stackless::run));
                } else {
                    assertSame(error, assertThrows(IndexError.class, () -> s.throwInto(error, false)));
                }
                assertFalse(s.isAlive());
                assertFalse(ran[0]);
            }
        });
    }

    /** test_miscell.py TestTaskletThrow*.test_kill_new: a TaskletExit kills a new tasklet unrun; run() is refused after. */
    @Test
    void throwingTaskletExitIntoANewTaskletKillsIt() {
        FreshThread.run(() -> {
            for (boolean pending : new boolean[] {false, true}) {
                Tasklet s = new Tasklet(() -> fail("should not run this"));
                s.throwInto(new TaskletExit(), pending);
                Stackless.run();
                assertFalse(s.isAlive());
                assertThrows(IllegalStateException.class, s::run);
            }
        });
    }

    /**
     * test_miscell.py TestTaskletThrow*.test_dead / test_kill_dead: throwing into a dead tasklet is an error, except a
     * TaskletExit, which does nothing.
     */
    @Test
    void throwIntoADeadTasklet() {
        FreshThread.run(() -> {
            for (boolean pending : new boolean[] {false, true}) {
                Channel<Object> c = new Channel<>();
                Tasklet s = new Tasklet(() -> c.receive());
                s.run();
                c.send(null);
                Stackless.run();
                assertFalse(s.isAlive());
                assertThrows(IllegalStateException.class, () -> s.throwInto(new IndexError("dead"), pending));
                s.throwInto(new TaskletExit(), pending);   // nothing happens
                s.kill(pending);
                assertFalse(s.isAlive());
            }
        });
    }

    /** test_miscell.py TestKill.test_kill_pending_true / test_kill_pending_False. */
    @Test
    void killPendingOrAtOnce() {
        FreshThread.run(() -> {
            for (boolean pending : new boolean[] {true, false}) {
                boolean[] killed = {false};
                Tasklet t = new Tasklet(() -> {
                    try {
                        Stackless.schedule();
                    } catch (TaskletExit exit) {
                        killed[0] = true;
                        throw exit;
                    }
                });
                t.run();
                assertFalse(killed[0]);
                t.kill(pending);
                if (pending) {
                    assertFalse(killed[0]);
                    assertTrue(t.isAlive());
                    t.run();
                }
                assertTrue(killed[0], "pending=" + pending);
                assertFalse(t.isAlive());
            }
        });
    }

    /** test_miscell.py TestKill.test_kill_current: a tasklet that kills itself gets TaskletExit at once. */
    @Test
    void aTaskletKillsItself() {
        FreshThread.run(() -> {
            boolean[] killed = {false};
            Tasklet t = new Tasklet(() -> {
                try {
                    Stackless.getCurrent().kill();
                } catch (TaskletExit exit) {
                    killed[0] = true;
                    throw exit;
                }
            });
            t.run();
            assertTrue(killed[0]);
            assertFalse(t.isAlive());
        });
    }

    /** test_miscell.py TestSchedule.testSchedule: the tasklet that scheduled stays scheduled while the next one runs. */
    @Test
    void theTaskletThatScheduledStaysScheduled() {
        FreshThread.run(() -> {
            List<String> events = new ArrayList<>();
            Tasklet previous = Stackless.getCurrent();
            Tasklet t = new Tasklet(() -> {
                events.add("foo");
                assertTrue(previous.isScheduled());
                assertFalse(previous.isPaused());
            });
            assertTrue(t.isScheduled());
            Stackless.schedule();
            assertEquals(List.of("foo"), events);
        });
    }

    /**
     * test_miscell.py TestSwitch.test_switch / test_switch_self: switchTo pauses the caller, which runs again only once
     * the target inserts it.
     */
    @Test
    void switchToPausesTheCallerUntilInserted() {
        FreshThread.run(() -> {
            Tasklet source = Stackless.getCurrent();
            boolean[] finished = {false};
            Tasklet t = new Tasklet(() -> {
                assertTrue(source.isPaused());
                assertFalse(source.isScheduled());
                source.insert();
                assertFalse(source.isPaused());
                finished[0] = true;
            });
            assertFalse(t.isPaused());
            t.switchTo();
            assertTrue(finished[0]);
            assertFalse(t.isAlive());
            source.switchTo();   // test_switch_self
        });
    }

    /** test_miscell.py TestSwitch.test_switch_blocked: a switch to a blocked tasklet is refused. */
    @Test
    void aSwitchToABlockedTaskletIsRefused() {
        FreshThread.run(() -> {
            Channel<Object> c = new Channel<>();
            boolean[] finished = {false};
            Tasklet t = new Tasklet(() -> {
                c.receive();
                finished[0] = true;
            });
            t.run();
            assertTrue(t.isBlocked());
            assertThrows(IllegalStateException.class, t::switchTo);
            c.send(null);
            assertTrue(finished[0]);
        });
    }

    /** A removed tasklet is paused (test_miscell.py TestWatchdog's lifecycle, without preemption): insert resumes it. */
    @Test
    void aRemovedTaskletIsPausedUntilInserted() {
        FreshThread.run(() -> {
            List<Integer> steps = new ArrayList<>();
            Tasklet t = new Tasklet(() -> {
                steps.add(1);
                Stackless.schedule();
                steps.add(2);
            });
            assertTrue(t.isAlive());
            assertTrue(t.isScheduled());
            assertFalse(t.isPaused());
            t.run();
            t.remove();
            assertTrue(t.isAlive());
            assertTrue(t.isPaused());
            assertFalse(t.isScheduled());
            Stackless.run();
            assertEquals(List.of(1), steps);
            t.insert();
            assertFalse(t.isPaused());
            assertTrue(t.isScheduled());
            Stackless.run();
            assertEquals(List.of(1, 2), steps);
            assertFalse(t.isAlive());
            assertFalse(t.isScheduled());
            assertFalse(t.isPaused());
        });
    }
}
