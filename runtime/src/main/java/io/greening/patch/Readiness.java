package io.greening.patch;

import io.greening.GreenInterruptedException;
import io.greening.Hub;
import io.greening.HubGroup;
import io.greening.Timeout;
import io.greening.internal.Access;
import io.greening.internal.Deadlines;
import io.greening.internal.IoWaiters;

import java.io.IOException;
import java.lang.ref.Cleaner;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits until a non-blocking channel is ready: a green thread waits on its hub's selector ({@link IoWaiters}),
 * so kill and {@code Timeout} are raised there; any other thread waits on a selector borrowed from a small pool.
 * Closing the channel wakes the waiter through its {@link Side}.
 */
final class Readiness {
    /** Idle selectors kept for platform-thread waits; more are opened on demand and closed when returned. */
    private static final int MAX_IDLE_SELECTORS = 16;
    private static final ConcurrentLinkedQueue<Selector> IDLE = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger IDLE_COUNT = new AtomicInteger();
    private static final Runnable NOTHING = () -> { };

    private Readiness() {}

    /** How long an acceptor that keeps finding connections waiting runs before it lets the hub's other threads run. */
    static final long ACCEPT_BURST_NANOS = 1_000_000;

    /**
     * After an accept on {@code side}: a burst of connections fills the backlog, and an acceptor that never has to
     * wait would take them all in one run of its hub's carrier while the threads serving the first ones wait (greened
     * Tomcat's acceptor held its carrier for half a second of a burst of 400, which the stall monitor reported); a
     * thread on the OS would have been preempted. So once an acceptor has found connections waiting for
     * {@link #ACCEPT_BURST_NANOS}, it lets the hub's other ready green threads run before the accept returns (as Go
     * preempts a goroutine after its time slice, not at each accept). Nothing is raised here: the connection is
     * accepted.
     *
     * @param foundWaiting whether this accept found its connection waiting (false: it waited, which ends a burst)
     */
    static void afterAccept(Side side, boolean foundWaiting) {
        if (!foundWaiting || Hub.current() == null) {
            side.burstStartedAt = 0;
            return;
        }
        long now = System.nanoTime();
        long started = side.burstStartedAt;
        if (started == 0) {
            side.burstStartedAt = now;
        } else if (now - started >= ACCEPT_BURST_NANOS) {
            side.burstStartedAt = 0;
            Thread.yield();   // a green thread's yield goes to the back of its hub's ready queue
        }
    }

    /**
     * One direction of a channel (reading and accepting, or writing and connecting) and who waits on it now: a green
     * thread or the selector of a platform thread. Also remembers the last hub whose selector the channel was
     * registered with, so that closing the channel can make that hub release the descriptor promptly.
     */
    static final class Side {
        private volatile Object waiter;
        private volatile Hub hub;
        /** When the accepts on this side began to find their connections waiting, or 0 (see {@link #afterAccept}). */
        private long burstStartedAt;

        /** Wakes whoever waits on this side, so that it sees the channel closed. */
        void wake() {
            Object w = waiter;
            if (w instanceof Thread thread) {
                LockSupport.unpark(thread);
            } else if (w instanceof Selector selector) {
                selector.wakeup();
            }
        }
    }

    /**
     * After {@code channel} was closed, lets every hub whose selector may still hold its key run that selector, which
     * releases the key: the JDK closes the descriptor of a registered channel only once every selector dropped it.
     * On a hub of its own that is the hub each side last waited on. In a group the channel may be registered with the
     * selector of every hub its threads waited on, and a hub asleep would keep the descriptor open until it next woke
     * (a peer would see the connection open): the group's hubs are scanned once for all the sides, and those that
     * still hold a key (a cancelled key stays until its selector runs) are made to run.
     */
    static void releaseHubs(SelectableChannel channel, Side... sides) {
        HubGroup scanned = null;
        Hub ranAlone = null;
        for (Side side : sides) {
            Hub h = side.hub;
            if (h == null) {
                continue;
            }
            HubGroup group = h.group();
            if (group == null) {
                if (h != ranAlone) {
                    runSelector(h);
                    ranAlone = h;
                }
            } else if (group != scanned) {
                scanned = group;
                for (Hub each : group.hubs()) {
                    if (Access.greening().io(each).holdsKeyOf(channel)) {
                        runSelector(each);
                    }
                }
            }
        }
    }

    private static void runSelector(Hub h) {
        try {
            h.execute(NOTHING);   // its loop runs the selector, which drops cancelled keys
        } catch (RejectedExecutionException closedHub) {
            // its selector is closed, which released the key already
        }
    }

    /**
     * Waits until {@code channel} is ready for {@code ops} or {@code deadline} ({@link Hub#now()}, or
     * {@link Deadlines#NO_DEADLINE}) passes.
     *
     * @param interruptible what an interrupt does to a platform thread: {@code true} closes the channel and throws
     *        {@link ClosedByInterruptException} (channel semantics), {@code false} is ignored and kept pending (the
     *        JDK's {@code Socket} on a platform thread). On a green thread an interrupt always closes the channel, as
     *        the JDK does for a virtual thread.
     * @return whether the channel became ready before the deadline
     * @throws ClosedChannelException if the channel is closed before or while waiting
     * @throws ClosedByInterruptException if the wait was interrupted and the channel closed for it
     */
    static boolean await(SelectableChannel channel, int ops, long deadline, Side side, boolean interruptible)
            throws IOException {
        Hub hub = Hub.current();
        if (hub == null) {
            return awaitPlatform(channel, ops, deadline, side, interruptible);
        }
        // a green thread waits here, not in a method of its own: a frame fewer in the stack of every parked reader
        side.waiter = Thread.currentThread();
        side.hub = hub;
        try {
            if (!channel.isOpen()) {
                throw new ClosedChannelException();
            }
            return Access.greening().io(hub).awaitReady(channel, ops, deadline);
        } catch (CancelledKeyException closedMeanwhile) {
            // the channel was closed and the hub's selector has not dropped its key yet
            throw new ClosedChannelException();
        } catch (GreenInterruptedException interrupted) {
            Thread.currentThread().interrupt();
            closeQuietly(channel);
            throw new ClosedByInterruptException();
        } finally {
            side.waiter = null;
        }
    }

    private static boolean awaitPlatform(SelectableChannel channel, int ops, long deadline, Side side,
                                         boolean interruptible) throws IOException {
        Selector selector = borrow();
        boolean interruptedMeanwhile = false;
        SelectionKey key = null;
        try {
            key = channel.register(selector, ops);
            side.waiter = selector;
            while (true) {
                if (!channel.isOpen()) {
                    throw new ClosedChannelException();
                }
                long timeoutMillis = 0;   // select(0) waits without limit
                if (deadline != Deadlines.NO_DEADLINE) {
                    if (Deadlines.hasPassed(deadline)) {
                        return false;
                    }
                    timeoutMillis = Deadlines.selectMillis(Deadlines.nanosLeft(deadline));
                }
                if (selector.select(timeoutMillis) > 0 && key.isValid() && (key.readyOps() & ops) != 0) {
                    return true;
                }
                if (Thread.interrupted()) {
                    if (interruptible) {
                        Thread.currentThread().interrupt();
                        closeQuietly(channel);
                        throw new ClosedByInterruptException();
                    }
                    interruptedMeanwhile = true;   // select cannot block while the flag is set: hold it back
                }
            }
        } catch (CancelledKeyException closedMeanwhile) {
            throw new ClosedChannelException();
        } finally {
            side.waiter = null;
            if (interruptedMeanwhile) {
                Thread.currentThread().interrupt();
            }
            giveBack(selector, key);
        }
    }

    private static Selector borrow() throws IOException {
        Selector selector = IDLE.poll();
        if (selector != null) {
            IDLE_COUNT.decrementAndGet();
            return selector;
        }
        return Selector.open();
    }

    private static void giveBack(Selector selector, SelectionKey key) {
        try {
            if (key != null) {
                key.cancel();
            }
            selector.selectNow();   // drops the cancelled key (so the channel may close) and any stale wakeup
            selector.selectedKeys().clear();
            if (IDLE_COUNT.incrementAndGet() <= MAX_IDLE_SELECTORS) {
                IDLE.offer(selector);
                return;
            }
            IDLE_COUNT.decrementAndGet();
            selector.close();
        } catch (IOException | RuntimeException e) {
            try {
                selector.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }

    /**
     * Closes {@code channel} once {@code owner} is unreachable, as the JDK's sockets release their descriptor when an
     * application forgets to close them. The action holds the channel only, never the owner.
     */
    static void closeWhenUnreachable(Object owner, SelectableChannel channel) {
        Unreachable.CLEANER.register(owner, () -> closeQuietly(channel));
    }

    private static final class Unreachable {
        static final Cleaner CLEANER = Cleaner.create();   // one platform daemon thread, made on first use
    }

    static void closeQuietly(SelectableChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing for an interrupt: the interrupt is what the caller reports
        }
    }
}
