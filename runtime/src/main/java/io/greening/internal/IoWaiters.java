package io.greening.internal;

import io.greening.Hub;
import io.greening.HubGroup;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.CancelledKeyException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A hub's NIO {@link Selector} and the green threads waiting on it: at most one reader (read, accept) and one writer
 * (write, connect) per channel. A green thread registers its interest on the selector of the hub it runs on and
 * parks; the hub's loop selects and unparks the waiters of the channels that became ready. In a group of hubs a
 * channel is registered with one selector at a time: a thread that moved to another hub and waits on the channel
 * there cancels the key on the hub it came from (which drops it at its next select) and registers with its own,
 * unless a thread waits on the other side of the channel there, in which case it adds its interest to that key and
 * wakes that selector. Registering again with each hub without cancelling kept a key, a registration and an epoll
 * entry per hub the channel's threads ever ran on (2 per channel in the echo server at 10,000 connections), and
 * waiting on a key of another hub's selector each time would contend with that hub's select for the selector's locks.
 * Since the woken thread may go on on another hub, what it changes when it stops waiting (the count of waiters, the
 * key's interest, its slot) is atomic, and a stuck hub's selector may be polled by another hub of the group
 * ({@link #queuePoll}).
 */
public final class IoWaiters {
    private static final int READ_SIDE = SelectionKey.OP_READ | SelectionKey.OP_ACCEPT;
    /** How long a carrier pauses when another hub's poll holds its selector, before its loop comes round again. */
    private static final long POLL_PAUSE_NANOS = 20_000;

    private final Hub hub;
    private final HubClock clock;
    private final Selector selector;
    private final Consumer<SelectionKey> onReady = this::onChannelReady;
    private final AtomicInteger waiting = new AtomicInteger();
    /** Held by whoever selects: the carrier, or another hub polling this one while it is stuck (never blocking on it). */
    private final AtomicBoolean selecting = new AtomicBoolean();
    /** A poll of this selector by another hub is queued and has not run yet. */
    private final AtomicBoolean pollQueued = new AtomicBoolean();
    /**
     * The carrier wanted the selector and found it polled by another hub: no other hub polls it again until the
     * carrier has had it, so that polls cannot keep it from the carrier.
     */
    private volatile boolean carrierWantsSelector;
    /** Green threads of the hub waiting in the JDK's own poller (carrier only: only a single hub keeps a virtual clock). */
    private int jdkWaiting;

    /** Who waits on a registered channel, and what it was found ready for. */
    private static final class ChannelWaiters {
        private static final VarHandle READY_OPS =
                VarHandles.field(MethodHandles.lookup(), ChannelWaiters.class, "readyOps", int.class);
        volatile Thread reader;
        volatile Thread writer;
        @SuppressWarnings("unused")
        private volatile int readyOps;

        boolean isReady(int ops) {
            return ((int) READY_OPS.getVolatile(this) & ops) != 0;
        }

        void markReady(int ops) {
            READY_OPS.getAndBitwiseOr(this, ops);
        }

        void clearReady(int ops) {
            READY_OPS.getAndBitwiseAnd(this, ~ops);
        }
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
        while (true) {   // again when a thread of another hub moved the channel's registration there meanwhile
            SelectionKey key = channel.keyFor(selector);
            if (key != null && !key.isValid() && channel.isOpen()) {
                // cancelled by forget or by a move to another hub of the group: let the selector drop it, so the channel
                // can register anew
                dropCancelledKey(channel);
                key = channel.keyFor(selector);
            }
            IoWaiters home = key != null ? this : homeOf(channel);
            if (home != this) {
                key = channel.keyFor(home.selector);
                if (key != null && !key.isValid()) {
                    continue;   // cancelled since homeOf looked: look again
                }
            }
            ChannelWaiters waiters;
            if (key == null) {
                waiters = new ChannelWaiters();
                key = channel.register(home.selector, ops, waiters);
            } else {
                waiters = (ChannelWaiters) key.attachment();
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
            home.waiting.incrementAndGet();
            try {
                // no clearReady here: in a group another hub may poll this selector (this hub stuck) and mark the channel
                // ready between our look and our interest, then take the interest off; cleared here, that mark was lost
                // and the wait never ended. A mark left from before makes at most one early return, which callers retry.
                key.interestOpsOr(ops);   // atomic: the other side may change it from another carrier meanwhile
                if (Hub.current() != home.hub) {
                    // the home's selector takes the new interest up only when it next selects: make it do that now (a
                    // hub parked for a timer due within 1 ms selects after it). The home is another hub whose key a
                    // thread waits on, or register or interestOpsOr blocked on a monitor another carrier held and we
                    // resumed on another hub
                    home.selector.wakeup();
                }
                while (!waiters.isReady(ops)) {
                    if (deadline != Deadlines.NO_DEADLINE && deadline - home.clock.now() <= 0) {
                        return false;
                    }
                    if (!key.isValid()) {
                        if (!channel.isOpen()) {
                            throw new ClosedChannelException();
                        }
                        break;   // moved to another hub by a thread there, which unparked us if we were parked
                    }
                    Parking.parkUntil(deadline, channel);
                }
                if (waiters.isReady(ops)) {
                    return true;
                }
            } catch (CancelledKeyException cancelled) {
                if (!channel.isOpen()) {
                    throw cancelled;   // closed meanwhile: callers report the channel closed
                }
                // moved to another hub meanwhile: look again
            } finally {
                home.waiting.decrementAndGet();
                waiters.clearReady(ops);   // consumed: the caller now does the I/O it waited for
                if (readSide) {
                    waiters.reader = null;
                } else {
                    waiters.writer = null;
                }
                try {
                    key.interestOpsAnd(~ops);
                } catch (CancelledKeyException closedMeanwhile) {
                    // nothing left to undo
                }
            }
        }
    }

    /**
     * In a group, for a channel this hub's selector holds no key of: the waiters of the hub whose selector holds a
     * valid key of it when a thread waits on that key (the other side of the channel), so that the caller waits beside
     * it; else this hub's, with which the caller then registers the channel, having cancelled another hub's idle key.
     * A thread that starts to wait on the cancelled key meanwhile sees it cancelled before it parks, or is unparked
     * here (each side writes first, then reads what the other wrote), and looks again.
     */
    private IoWaiters homeOf(SelectableChannel channel) {
        HubGroup group = hub.group();
        if (group == null) {
            return this;
        }
        for (Hub sibling : group.hubs()) {
            IoWaiters other = Access.greening().io(sibling);
            SelectionKey key = other != this ? channel.keyFor(other.selector) : null;
            if (key != null && key.isValid()) {
                ChannelWaiters waiters = (ChannelWaiters) key.attachment();
                if (waiters.reader != null || waiters.writer != null) {
                    return other;
                }
                key.cancel();   // the other hub drops it at its next select
                Thread reader = waiters.reader;
                Thread writer = waiters.writer;
                if (reader != null) {
                    LockSupport.unpark(reader);
                }
                if (writer != null) {
                    LockSupport.unpark(writer);
                }
            }
        }
        return this;
    }

    /**
     * Drops {@code channel}'s registration at once (a cancelled key otherwise lingers until the next select), so that
     * the channel can go back to blocking mode. Call it from a green thread of the hub when none of them waits on the
     * channel any more. In a group of hubs the channel may be registered with another hub's selector, or (registered
     * from two hubs at once) with two: {@code siblings} are the group's hubs' waiters, whose keys are cancelled too
     * and dropped at their next select.
     *
     * @throws IllegalStateException if the caller is not a green thread running on the hub
     */
    public void forget(SelectableChannel channel, Iterable<IoWaiters> siblings) throws IOException {
        if (Hub.of(Thread.currentThread()) != hub) {
            throw new IllegalStateException("forget on hub " + hub.name() + " from a thread that is not its green thread");
        }
        for (IoWaiters other : siblings) {
            SelectionKey key = other != this ? channel.keyFor(other.selector) : null;
            if (key != null) {
                key.cancel();
                other.wakeup();
            }
        }
        SelectionKey key = channel.keyFor(selector);
        if (key != null) {
            key.cancel();
            dropCancelledKey(channel);
        }
    }

    /**
     * Makes the selector drop {@code channel}'s cancelled key now: a selectNow on the carrier. A monitor on the way
     * here (the channel's or the selector's, held by another carrier) may have unmounted the caller and resumed it on
     * another hub of the group, which must not select here: it wakes this hub's carrier and waits until its select
     * has dropped the key.
     */
    private void dropCancelledKey(SelectableChannel channel) throws IOException {
        if (Hub.current() == hub && selectNow()) {
            return;
        }
        while (channel.keyFor(selector) != null) {   // another hub selects it: its select drops the key
            selector.wakeup();
            Thread.yield();
        }
    }

    /**
     * Whether this hub's selector holds a key of {@code channel}, cancelled or not: a closed channel's key stays until
     * the selector next runs. Any thread.
     */
    public boolean holdsKeyOf(SelectableChannel channel) {
        return channel.keyFor(selector) != null;
    }

    /** How many green threads wait on a channel now. */
    public int waiting() {
        return waiting.get();
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
        return waiting.get() + jdkWaiting;
    }

    /**
     * Unparks the waiters of the channels ready now, without blocking; returns whether it polled: not while another
     * hub polls this selector (that poll unparks them). Carrier only.
     */
    public boolean selectNow() throws IOException {
        if (!tryAcquireSelecting()) {
            return false;
        }
        try {
            selector.selectNow(onReady);
            return true;
        } finally {
            selecting.set(false);
        }
    }

    /**
     * Waits until a channel is ready, {@link #wakeup()} is called, or {@code timeoutMillis} pass (0: no limit), and
     * unparks the waiters of the ready channels; returns how many channels were ready, or -1 without waiting while
     * another hub polls this selector (after a pause of microseconds: the caller's loop comes round again, and can
     * run that poll itself if it was unmounted on a monitor). Carrier only.
     */
    public int select(long timeoutMillis) throws IOException {
        if (!tryAcquireSelecting()) {
            LockSupport.parkNanos(POLL_PAUSE_NANOS);
            return -1;
        }
        try {
            return selector.select(onReady, timeoutMillis);
        } finally {
            selecting.set(false);
        }
    }

    /**
     * For a hub whose carrier is stuck: hands {@code runner} one poll of this selector for another hub to run (the
     * group starts it as a virtual thread of its own), unless one is queued already or no green thread waits here.
     * The poll never waits for the carrier, and the woken waiters go wherever their group schedules work from the
     * polling hub. The group's monitor calls this rather than polling itself: a select takes the selector's monitors,
     * which green threads of other carriers take too (closing a channel cancels its key here), and a monitor that
     * waits on a green thread could then never hand anything off again.
     */
    public void queuePoll(Consumer<Runnable> runner) {
        if (waiting.get() > 0 && pollQueued.compareAndSet(false, true)) {
            runner.accept(this::pollFromAnotherHub);
        }
    }

    private void pollFromAnotherHub() {
        try {
            if (waiting.get() > 0 && !carrierWantsSelector && selecting.compareAndSet(false, true)) {
                try {
                    selector.selectNow(onReady);
                } finally {
                    selecting.set(false);
                    // the poll may have consumed a wakeup meant for the carrier, which would then sleep through it
                    // (a claimed hub that never looks stops every other wake-up): make its next select return at once
                    selector.wakeup();
                }
            }
        } catch (IOException | ClosedSelectorException hubClosed) {
            // its hub closed meanwhile, and with it every channel's registration: nothing left to poll
        } finally {
            pollQueued.set(false);
        }
    }

    /**
     * The carrier takes the selector unless another hub's poll holds it. It does not wait for that poll: a poll runs on
     * a virtual thread, which a monitor inside the select may unmount while it holds the selector, and the green
     * thread that frees the monitor may need this very carrier. Until the carrier has had the selector, no new poll
     * starts.
     */
    private boolean tryAcquireSelecting() {
        if (selecting.compareAndSet(false, true)) {
            carrierWantsSelector = false;
            return true;
        }
        carrierWantsSelector = true;
        return false;
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
        waiters.markReady(readyOps);
        key.interestOpsAnd(~readyOps);
        Thread reader = waiters.reader;
        if ((readyOps & READ_SIDE) != 0 && reader != null) {
            LockSupport.unpark(reader);
        }
        Thread writer = waiters.writer;
        if ((readyOps & ~READ_SIDE) != 0 && writer != null) {
            LockSupport.unpark(writer);
        }
    }
}
