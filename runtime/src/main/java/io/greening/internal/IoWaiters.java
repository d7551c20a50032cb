package io.greening.internal;

import io.greening.Hub;

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
 * parks; the hub's loop selects and unparks the waiters of the channels that became ready. Registering and selecting
 * happen on the hub's carrier; in a group of hubs the woken thread may go on on another hub, so what it changes when
 * it stops waiting (the count of waiters, the key's interest, its slot) is atomic, and a stuck hub's selector may be
 * polled by another hub of the group ({@link #queuePoll}).
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
        SelectionKey key = channel.keyFor(selector);
        while (key != null && !key.isValid() && channel.isOpen()) {
            // cancelled by forget on another hub of the group: the selector must drop it before the channel can
            // register anew, and only this hub's carrier may select here
            Hub now = Hub.current();
            if (now != hub) {
                // keyFor blocked on the channel's monitor and we resumed on another hub: wait there instead. Waiting
                // here would tie us to a carrier that may not select for long (busy, stuck, blocked itself)
                return Access.greening().io(now).awaitReady(channel, ops, deadline);
            }
            selectNow();
            if (channel.keyFor(selector) == key) {
                // not dropped: another hub's poll holds the selector (for one selectNow), or whoever cancels the key
                // has not queued it yet. Look again after the hub's other threads
                Thread.yield();
            }
            key = channel.keyFor(selector);
        }
        ChannelWaiters waiters;
        if (key == null) {
            waiters = new ChannelWaiters();
            key = channel.register(selector, ops, waiters);
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
        // no clearReady here: in a group another hub may poll this selector (this hub stuck) and mark the channel
        // ready between our look and our interest, then take the interest off; cleared here, that mark was lost and
        // the wait never ended. A mark left from before makes at most one early return, which callers retry.
        key.interestOpsOr(ops);   // atomic: the other side may change it from another carrier meanwhile
        if (Hub.current() != hub) {
            // register or interestOpsOr blocked on a monitor another carrier held, and we resumed on another hub of the
            // group: this hub's selector takes the new interest up only when it next selects, so make it do that now
            selector.wakeup();
        }
        waiting.incrementAndGet();
        try {
            while (!waiters.isReady(ops)) {
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
            waiting.decrementAndGet();
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

    /**
     * Cancels {@code channel}'s registration, so that the channel can go back to blocking mode (which a cancelled key
     * does not prevent), and drops the key at once where the caller runs on the hub's carrier (a cancelled key
     * otherwise lingers until the next select). Call it from a green thread of the hub when none of them waits on the
     * channel any more. In a group of hubs the channel may be registered with the selector of every hub its threads
     * waited on: {@code siblings} are those hubs' waiters, whose keys are cancelled too and dropped at their next
     * select, which this makes come now. Never waits for another carrier.
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
            // A monitor on the way here (the channel's or the selector's, held by another carrier) may have resumed us
            // on another hub, which must not select here; and another hub's poll may hold the selector. Either way the
            // key goes at this hub's next select, as a sibling's does: waiting for that here once spun on wakeup(),
            // contending for the selector's lock with the carrier that was to select, as long as that hub kept busy
            if (Hub.current() != hub || !selectNow()) {
                selector.wakeup();
            }
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
     * Unparks the waiters of the channels ready now, without blocking; returns how many were ready, or -1 if another
     * hub polls this selector now (that poll unparks them). Carrier only.
     */
    public int selectNowCount() throws IOException {
        if (!tryAcquireSelecting()) {
            return -1;
        }
        try {
            return selector.selectNow(onReady);
        } finally {
            selecting.set(false);
        }
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
