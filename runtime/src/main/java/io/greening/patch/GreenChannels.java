package io.greening.patch;

import io.greening.Green;
import io.greening.Hub;
import io.greening.Timeout;
import io.greening.internal.Access;
import io.greening.internal.Deadlines;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Green versions of the blocking calls of {@link SocketChannel} and {@link ServerSocketChannel}, with the shape of
 * the JDK call and the receiver first; the agent redirects call sites in selected code here.
 *
 * <p>Each does exactly what the JDK call does unless a green thread calls it on a channel in blocking mode. Then the
 * channel is switched to non-blocking mode for the duration of the call and the green thread waits on its hub's
 * selector (other green threads run; {@code kill} and {@code Timeout} are raised there), and the channel goes back
 * to blocking mode once the last green call on it ends. Meanwhile a platform thread calling one of these methods
 * on the channel waits on a pooled selector with blocking-mode semantics. The JDK's blocking-channel semantics are
 * kept: a read returns at least one byte (or -1), a write writes everything, a failed connect closes the channel,
 * an interrupt closes the channel and throws {@link ClosedByInterruptException}, a close by another thread throws
 * {@link AsynchronousCloseException} in the blocked call.
 *
 * <p>A green call falls back to the JDK's own virtual-thread path (which also frees the hub, through the JDK's
 * poller threads, but is not where kill and {@code Timeout} are raised) when a platform thread is inside a blocking
 * JDK call on the same channel, since switching modes would have to wait for that call.
 */
public final class GreenChannels {
    private GreenChannels() {}

    /** What greening knows about a channel it switched, or that platform threads block on; guarded by the channel's blockingLock. */
    private static final class State {
        final Readiness.Side reading = new Readiness.Side();
        final Readiness.Side writing = new Readiness.Side();
        /** One reader (or accept or connect) and one writer at a time, as the JDK's channel, since a hub waits one per side. */
        final ReentrantLock readLock = new ReentrantLock();
        final ReentrantLock writeLock = new ReentrantLock();
        /** Whether greening made the (blocking-mode) channel non-blocking for green calls in flight. */
        boolean switched;
        /** Calls in flight per hub whose selector the channel is registered with. */
        final Map<Hub, Integer> hubCalls = new IdentityHashMap<>(2);
        /** Platform-thread calls waiting on a pooled selector while the channel is switched. */
        int emulatedCalls;
        /** Calls inside the JDK's own blocking implementation: the channel must not be switched meanwhile. */
        int jdkBlockingCalls;

        boolean idle() {
            return !switched && hubCalls.isEmpty() && emulatedCalls == 0 && jdkBlockingCalls == 0;
        }
    }

    /**
     * The state of every open channel that went through here in blocking mode. Kept while the channel is open (making
     * and dropping it on every call costs more than the call's bookkeeping); dropped by {@link #close} here, and
     * swept for channels closed elsewhere whenever the map has doubled since the last sweep.
     */
    private static final ConcurrentHashMap<SelectableChannel, State> STATES = new ConcurrentHashMap<>();
    private static final int FIRST_SWEEP = 1024;
    private static final AtomicInteger NEXT_SWEEP = new AtomicInteger(FIRST_SWEEP);

    private enum Kind { PLAIN, JDK_BLOCKING, HUB, EMULATED }

    /** How one call goes: straight to the JDK, or non-blocking with a wait on a hub's or a pooled selector. */
    private record Call(Kind kind, SelectableChannel channel, State state, Hub hub) {
        static final Call PLAIN_CALL = new Call(Kind.PLAIN, null, null, null);

        boolean waits() {
            return kind == Kind.HUB || kind == Kind.EMULATED;
        }

        /** Waits for {@code op}; a close meanwhile becomes the JDK's {@link AsynchronousCloseException}. */
        void await(int op) throws IOException {
            Readiness.Side side = op == SelectionKey.OP_READ || op == SelectionKey.OP_ACCEPT ? state.reading : state.writing;
            try {
                Readiness.await(channel, op, Deadlines.NO_DEADLINE, side, true);
            } catch (ClosedByInterruptException e) {
                wakeAll(channel);
                throw e;
            } catch (ClosedChannelException e) {
                throw new AsynchronousCloseException();
            }
        }

        /** Takes the read or write lock of the channel's state, for a call that waits. */
        ReentrantLock lock(boolean readSide) {
            ReentrantLock lock = readSide ? state.readLock : state.writeLock;
            lock.lock();
            return lock;
        }

        void end() throws IOException {
            if (kind != Kind.PLAIN) {
                leave(this);
            }
        }
    }

    private static Call enter(SelectableChannel channel) throws IOException {
        Hub hub = Hub.current();
        if (hub == null && !channel.isBlocking() && !STATES.containsKey(channel)) {
            return Call.PLAIN_CALL;   // the application's own non-blocking channel
        }
        Call call;
        synchronized (channel.blockingLock()) {
            State state = STATES.get(channel);
            boolean blockingForTheApp = channel.isBlocking() || (state != null && state.switched);
            if (!blockingForTheApp || !channel.isOpen()) {
                return Call.PLAIN_CALL;   // non-blocking by the application's choice, or closed: the JDK answers
            }
            if (state == null) {
                state = new State();
                STATES.put(channel, state);
                sweepIfGrown();
            }
            if (hub == null) {
                if (state.switched) {
                    state.emulatedCalls++;
                    call = new Call(Kind.EMULATED, channel, state, null);
                } else {
                    state.jdkBlockingCalls++;
                    call = new Call(Kind.JDK_BLOCKING, channel, state, null);
                }
            } else if (state.jdkBlockingCalls > 0) {
                state.jdkBlockingCalls++;
                call = new Call(Kind.JDK_BLOCKING, channel, state, hub);
            } else {
                if (!state.switched) {
                    channel.configureBlocking(false);
                    state.switched = true;
                }
                hub = Access.greening().ioDomain(hub);   // a group's threads may wait on any of its hubs
                state.hubCalls.merge(hub, 1, Integer::sum);
                call = new Call(Kind.HUB, channel, state, hub);
            }
        }
        if (call.waits() && Thread.currentThread().isInterrupted()) {
            // a blocking call of the JDK on an interrupted thread closes the channel without trying
            call.end();
            closeChannel(channel);
            throw new ClosedByInterruptException();
        }
        return call;
    }

    private static void leave(Call call) throws IOException {
        SelectableChannel channel = call.channel;
        synchronized (channel.blockingLock()) {
            State state = call.state;
            switch (call.kind) {
                case JDK_BLOCKING -> state.jdkBlockingCalls--;
                case EMULATED -> state.emulatedCalls--;
                case HUB -> {
                    if (state.hubCalls.merge(call.hub, -1, Integer::sum) == 0) {
                        state.hubCalls.remove(call.hub);
                        if (channel.isOpen()) {
                            Access.greening().forget(channel);   // registered channels cannot go back to blocking mode
                        }
                    }
                }
                default -> throw new IllegalStateException(call.kind.name());
            }
            if (state.switched && state.hubCalls.isEmpty() && state.emulatedCalls == 0) {
                state.switched = false;
                if (channel.isOpen()) {
                    try {
                        channel.configureBlocking(true);
                    } catch (ClosedChannelException | IllegalBlockingModeException e) {
                        // closed meanwhile, or the application registered it with a selector of its own: leave it
                    }
                }
            }
        }
    }

    /** The JDK's own call, for a call that does not wait here. */
    private interface JdkCall<T> {
        T call() throws IOException;
    }

    /** The green version of a call: attempts, and waits through {@link Call#await} while it cannot go on. */
    private interface GreenCall<T> {
        T call(Call call) throws IOException;
    }

    /**
     * Every call's skeleton: {@link #enter} decides how it goes; a call that does not wait makes {@code jdkCall}; one
     * that waits makes {@code greenCall} holding the channel's read or write lock; either way it {@link #leave}s.
     */
    private static <T> T perform(SelectableChannel channel, boolean readSide, JdkCall<T> jdkCall, GreenCall<T> greenCall)
            throws IOException {
        Call call = enter(channel);
        try {
            if (!call.waits()) {
                return jdkCall.call();
            }
            ReentrantLock lock = call.lock(readSide);
            try {
                return greenCall.call(call);
            } finally {
                lock.unlock();
            }
        } finally {
            call.end();
        }
    }

    private static void sweepIfGrown() {
        int size = STATES.size();
        int next = NEXT_SWEEP.get();
        if (size > next && NEXT_SWEEP.compareAndSet(next, Integer.MAX_VALUE)) {
            STATES.entrySet().removeIf(entry -> !entry.getKey().isOpen() && entry.getValue().idle());
            NEXT_SWEEP.set(Math.max(FIRST_SWEEP, 2 * STATES.size()));
        }
    }

    private static void wakeAll(SelectableChannel channel) {
        State state = STATES.get(channel);
        if (state != null) {
            state.reading.wake();
            state.writing.wake();
            Readiness.releaseHubs(channel, state.reading, state.writing);
        }
    }

    // ---- SocketChannel ----

    /** {@link SocketChannel#open(SocketAddress)}: on a green thread, the connect is green. */
    public static SocketChannel open(SocketAddress remote) throws IOException {
        if (Hub.current() == null) {
            return SocketChannel.open(remote);
        }
        Objects.requireNonNull(remote);
        SocketChannel channel;
        if (remote instanceof InetSocketAddress) {
            channel = SocketChannel.open();
        } else if (remote instanceof UnixDomainSocketAddress) {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        } else {
            throw new UnsupportedAddressTypeException();
        }
        try {
            connect(channel, remote);
        } catch (Throwable t) {
            try {
                close(channel);
            } catch (Throwable suppressed) {
                t.addSuppressed(suppressed);
            }
            throw t;
        }
        return channel;
    }

    /** {@link SocketChannel#connect(SocketAddress)}; in blocking mode, returns once connected or throws. */
    public static boolean connect(SocketChannel channel, SocketAddress remote) throws IOException {
        return perform(channel, true, () -> channel.connect(remote), call -> awaitConnected(call, channel, channel.connect(remote)));
    }

    /** {@link SocketChannel#finishConnect()}; in blocking mode, waits until the pending connection is made. */
    public static boolean finishConnect(SocketChannel channel) throws IOException {
        return perform(channel, true, channel::finishConnect, call -> awaitConnected(call, channel, channel.finishConnect()));
    }

    private static boolean awaitConnected(Call call, SocketChannel channel, boolean connected) throws IOException {
        while (!connected) {
            call.await(SelectionKey.OP_CONNECT);
            connected = channel.finishConnect();   // closes the channel if the connection failed, as the JDK's
        }
        return true;
    }

    /** {@link SocketChannel#read(ByteBuffer)}; in blocking mode, reads at least one byte, or returns -1 at the end. */
    public static int read(SocketChannel channel, ByteBuffer dst) throws IOException {
        return (int) read(channel, () -> channel.read(dst), dst::hasRemaining);
    }

    /** {@link SocketChannel#read(ByteBuffer[], int, int)}; in blocking mode, as {@link #read(SocketChannel, ByteBuffer)}. */
    public static long read(SocketChannel channel, ByteBuffer[] dsts, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        return read(channel, () -> channel.read(dsts, offset, length), () -> hasRemaining(dsts, offset, length));
    }

    /** {@link SocketChannel#read(ByteBuffer[])}. */
    public static long read(SocketChannel channel, ByteBuffer[] dsts) throws IOException {
        return read(channel, dsts, 0, dsts.length);
    }

    /** {@link SocketChannel#write(ByteBuffer)}; in blocking mode, writes every remaining byte. */
    public static int write(SocketChannel channel, ByteBuffer src) throws IOException {
        return (int) write(channel, () -> channel.write(src), src::hasRemaining);
    }

    /** {@link SocketChannel#write(ByteBuffer[], int, int)}; in blocking mode, writes every remaining byte. */
    public static long write(SocketChannel channel, ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        return write(channel, () -> channel.write(srcs, offset, length), () -> hasRemaining(srcs, offset, length));
    }

    /** {@link SocketChannel#write(ByteBuffer[])}. */
    public static long write(SocketChannel channel, ByteBuffer[] srcs) throws IOException {
        return write(channel, srcs, 0, srcs.length);
    }

    /** One attempt of a read or write on the channel, in whatever mode it is. */
    private interface Transfer {
        long attempt() throws IOException;
    }

    private static long read(SocketChannel channel, Transfer read, BooleanSupplier room) throws IOException {
        return perform(channel, true, read::attempt, call -> {
            while (true) {
                long n = read.attempt();
                if (n != 0 || !room.getAsBoolean()) {
                    return n;
                }
                call.await(SelectionKey.OP_READ);
            }
        });
    }

    private static long write(SocketChannel channel, Transfer write, BooleanSupplier left) throws IOException {
        return perform(channel, false, write::attempt, call -> {
            long total = 0;
            while (left.getAsBoolean()) {
                long n = write.attempt();
                total += n;
                if (n == 0) {
                    call.await(SelectionKey.OP_WRITE);
                }
            }
            return total;
        });
    }

    /** {@link SocketChannel#close()}, also waking a green or platform thread that waits on it here. */
    public static void close(SocketChannel channel) throws IOException {
        closeChannel(channel);
    }

    // ---- ServerSocketChannel ----

    /** {@link ServerSocketChannel#accept()}; in blocking mode, waits for a connection (returned in blocking mode). */
    public static SocketChannel accept(ServerSocketChannel channel) throws IOException {
        Readiness.Side[] acceptedOn = {null};   // set when a green thread accepted here: its side and whether it waited
        boolean[] foundWaiting = {false};
        SocketChannel accepted = perform(channel, true, channel::accept, call -> {
            SocketChannel connection = channel.accept();
            foundWaiting[0] = connection != null;
            while (connection == null) {
                call.await(SelectionKey.OP_ACCEPT);
                connection = channel.accept();
            }
            acceptedOn[0] = call.state().reading;
            return connection;
        });
        if (acceptedOn[0] != null) {
            Readiness.afterAccept(acceptedOn[0], foundWaiting[0]);   // after leaving: the channel's lock and mode are not held
        }
        return accepted;
    }

    /** {@link ServerSocketChannel#close()}, also waking a green or platform thread that waits on it here. */
    public static void close(ServerSocketChannel channel) throws IOException {
        closeChannel(channel);
    }

    private static void closeChannel(SelectableChannel channel) throws IOException {
        try {
            channel.close();
        } finally {
            wakeAll(channel);
            STATES.remove(channel);   // a call still in flight keeps its own reference
        }
    }

    private static boolean hasRemaining(ByteBuffer[] buffers, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (buffers[i].hasRemaining()) {
                return true;
            }
        }
        return false;
    }
}
