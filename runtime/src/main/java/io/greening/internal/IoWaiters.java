package io.greening.internal;

import io.greening.Hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A hub's NIO {@link Selector} and the green threads waiting on it: at most one reader (read, accept) and one writer
 * (write, connect) per channel. A green thread registers its interest and parks; the hub's loop selects and unparks
 * the waiters of the channels that became ready. Carrier only, except {@link #wakeup()}.
 */
public final class IoWaiters {
    private static final int READ_SIDE = SelectionKey.OP_READ | SelectionKey.OP_ACCEPT;

    private final Hub hub;
    private final HubClock clock;
    private final Selector selector;
    private final Consumer<SelectionKey> onReady = this::onChannelReady;
    private int waiting;
    private int jdkWaiting;

    /** Who waits on a registered channel, and what it was found ready for. */
    private static final class ChannelWaiters {
        Thread reader;
        Thread writer;
        int readyOps;
    }

    /**
     * Opens the selector of {@code hub}.
     *
     * @throws UncheckedIOException if the selector cannot be opened
     */
    public IoWaiters(Hub hub, HubClock clock) {
        this.hub = hub;
        this.clock = clock;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the selector of hub " + hub.name(), e);
        }
    }

    /**
     * Blocks the current green thread of the hub until {@code channel} (non-blocking) is ready for {@code ops} or
     * {@code deadline} (the hub's clock) passes, letting the other green threads run meanwhile.
     *
     * @return whether the channel became ready before the deadline
     * @throws IllegalStateException if another green thread already waits on the same side of the channel, or the
     *         caller is not a green thread of the hub
     */
    public boolean awaitReady(SelectableChannel channel, int ops, long deadline) throws IOException {
        Thread me = Thread.currentThread();
        if (Hub.of(me) != hub) {
            throw new IllegalStateException("awaitReady on hub " + hub.name() + " from a thread that is not its green thread");
        }
        SelectionKey key = channel.keyFor(selector);
        ChannelWaiters waiters;
        if (key == null) {
            waiters = new ChannelWaiters();
            key = channel.register(selector, ops, waiters);
        } else {
            waiters = (ChannelWaiters) key.attachment();
            key.interestOps(key.interestOps() | ops);
        }
        boolean readSide = (ops & READ_SIDE) != 0;
        Thread previous = readSide ? waiters.reader : waiters.writer;
        if (previous != null && previous != me) {
            throw new IllegalStateException("second simultaneous " + (readSide ? "read" : "write") + " on " + channel
                    + ": " + previous.getName() + " already waits on it");
        }
        if (readSide) {
            waiters.reader = me;
        } else {
            waiters.writer = me;
        }
        waiters.readyOps &= ~ops;
        waiting++;
        try {
            while ((waiters.readyOps & ops) == 0) {
                if (deadline != Deadlines.NO_DEADLINE && deadline - clock.now() <= 0) {
                    return false;
                }
                if (!key.isValid()) {
                    throw new ClosedChannelException();
                }
                Parking.parkUntil(deadline, channel);
            }
            return true;
        } finally {
            waiting--;
            if (readSide) {
                waiters.reader = null;
            } else {
                waiters.writer = null;
            }
            if (key.isValid()) {
                key.interestOps(key.interestOps() & ~ops);
            }
        }
    }

    /**
     * Drops {@code channel}'s registration at once (a cancelled key otherwise lingers until the next select), so that
     * the channel can go back to blocking mode. Call it from a green thread of the hub when none of them waits on the
     * channel any more.
     *
     * @throws IllegalStateException if the caller is not a green thread of the hub
     */
    public void forget(SelectableChannel channel) throws IOException {
        if (Hub.of(Thread.currentThread()) != hub) {
            throw new IllegalStateException("forget on hub " + hub.name() + " from a thread that is not its green thread");
        }
        SelectionKey key = channel.keyFor(selector);
        if (key != null) {
            key.cancel();
            selector.selectNow(onReady);
        }
    }

    /** How many green threads wait on a channel now. */
    public int waiting() {
        return waiting;
    }

    /**
     * Says a green thread of the hub starts or ends a wait on real I/O in the JDK's own poller (a socket of code the
     * agent did not select, such as the JDK's {@code HttpURLConnection}): the hub cannot see it on its selector, but a
     * virtual clock must know that real I/O is in flight. Carrier only.
     */
    public void jdkWait(boolean starts) {
        jdkWaiting += starts ? 1 : -1;
    }

    /** How many green threads wait on real I/O now: on the hub's selector or in the JDK's poller. */
    public int waitingOnRealIo() {
        return waiting + jdkWaiting;
    }

    /** Unparks the waiters of the channels ready now, without blocking. */
    public void selectNow() throws IOException {
        selector.selectNow(onReady);
    }

    /**
     * Waits until a channel is ready, {@link #wakeup()} is called, or {@code timeoutMillis} pass (0: no limit), and
     * unparks the waiters of the ready channels; returns how many channels were ready.
     */
    public int select(long timeoutMillis) throws IOException {
        return selector.select(onReady, timeoutMillis);
    }

    /** Ends a {@link #select} under way, or makes the next one return at once. Any thread. */
    public void wakeup() {
        selector.wakeup();
    }

    /** Closes the selector, which releases every channel registered with it. */
    public void close() throws IOException {
        selector.close();
    }

    private void onChannelReady(SelectionKey key) {
        ChannelWaiters waiters = (ChannelWaiters) key.attachment();
        int readyOps = key.readyOps();
        waiters.readyOps |= readyOps;
        key.interestOps(key.interestOps() & ~readyOps);
        if ((readyOps & READ_SIDE) != 0 && waiters.reader != null) {
            LockSupport.unpark(waiters.reader);
        }
        if ((readyOps & ~READ_SIDE) != 0 && waiters.writer != null) {
            LockSupport.unpark(waiters.writer);
        }
    }
}
