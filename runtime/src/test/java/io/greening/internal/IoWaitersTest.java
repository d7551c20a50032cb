package io.greening.internal;

import io.greening.GreenThread;
import io.greening.Hub;
import io.greening.HubGroup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hub's selector while another hub of the group polls it (the poll of a stuck hub holds the selector for one
 * selectNow): a green thread that needs a cancelled key dropped must neither wait for another carrier's select nor
 * spin until one comes. A hub with no other channel waiter never selects while a thread of it keeps yielding.
 */
@Timeout(60)
class IoWaitersTest {
    private static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(20);

    /**
     * forget only cancels where it cannot select: the channel goes back to blocking mode at once, and the key goes at
     * the hub's next select. (It once waited for that select, spinning on the selector's wakeup: for ever on a hub whose
     * only thread was the one spinning.)
     */
    @Test
    void forgetReturnsWhileAnotherHubsPollHoldsTheSelector() throws Exception {
        try (PolledHub hub = PolledHub.start("forget-polled")) {
            GreenThread<Void> forgetter;
            try {
                forgetter = hub.group.spawn(() -> {
                    forget(hub.channel);
                    hub.channel.configureBlocking(true);   // what forget is for: a cancelled key does not prevent it
                    return null;
                });
                assertTrue(forgetter.join(Duration.ofSeconds(20)), "forget returned while the poll held the selector");
            } finally {
                hub.letGo();
            }
            forgetter.get();
            assertTrue(hub.channel.isBlocking());
            awaitTrue(() -> !hub.io.holdsKeyOf(hub.channel), "the hub's next select dropped the cancelled key");
        }
    }

    /**
     * A wait that finds its channel's key cancelled (by forget on another hub) drops it with a selectNow of its own;
     * while a poll holds the selector it looks again after the hub's other threads, and once the poll lets go its own
     * selectNow drops the key, so the wait registers anew and ends when the channel is readable. (It once waited for the
     * hub's loop to select, which a hub whose only runnable thread is that waiter never does.)
     */
    @Test
    void aWaitOnACancelledKeyRegistersAnewOnceThePollLetsTheSelectorGo() throws Exception {
        try (PolledHub hub = PolledHub.start("cancelled-key-polled")) {
            GreenThread<Boolean> waiter;
            try {
                hub.channel.keyFor(selectorOf(hub.io)).cancel();   // as forget on another hub of the group does
                waiter = hub.group.spawn(() -> awaitReadable(hub.channel, Deadlines.NO_DEADLINE));
                // it found the key cancelled and the selector held: it yields until it can drop the key
                awaitTrue(() -> isYielding(waiter.thread()), "the waiter yields while the poll holds the selector");
            } finally {
                hub.letGo();
            }
            hub.peer.write(ByteBuffer.wrap(new byte[] {1}));
            assertTrue(waiter.join(Duration.ofSeconds(20)), "the wait ended once the channel was readable");
            assertTrue(waiter.get(), "the channel was found readable, not timed out");
        }
    }

    /**
     * A group of one hub whose selector holds the key of {@code channel} (one end of a loopback connection, {@code peer}
     * the other) and is held by the test as another hub's poll holds it ({@code IoWaiters.pollFromAnotherHub}): the
     * carrier's selects return at once without selecting until {@link #letGo}.
     */
    private record PolledHub(HubGroup group, ServerSocketChannel server, SocketChannel channel, SocketChannel peer,
                             IoWaiters io, AtomicBoolean selecting) implements AutoCloseable {
        static PolledHub start(String name) throws Exception {
            HubGroup group = HubGroup.start(name, 1);
            ServerSocketChannel server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketChannel channel = SocketChannel.open(server.getLocalAddress());
            SocketChannel peer = server.accept();
            channel.configureBlocking(false);
            IoWaiters io = Access.greening().io(group.hubs().getFirst());
            PolledHub hub = new PolledHub(group, server, channel, peer, io, (AtomicBoolean) field("selecting").get(io));
            // registered: a wait that ends at once leaves the key with the selector
            GreenThread<Boolean> registrar = group.spawn(() -> awaitReadable(channel, Hub.now()));
            assertTrue(registrar.join(Duration.ofSeconds(20)));
            assertFalse(registrar.get(), "nothing to read yet");
            assertTrue(io.holdsKeyOf(channel));
            // the carrier holds the selector while it selects: wake it until it lets go
            long deadline = System.nanoTime() + PATIENCE_NANOS;
            while (!hub.selecting.compareAndSet(false, true)) {
                assertTrue(System.nanoTime() - deadline < 0, "the carrier let go of its selector");
                io.wakeup();
                Thread.onSpinWait();
            }
            return hub;
        }

        /** The poll ends, and, as a poll does, makes the carrier's next select return at once. */
        void letGo() {
            selecting.set(false);
            io.wakeup();
        }

        @Override
        public void close() throws IOException {
            try (server; channel; peer) {
                group.close();
            }
        }
    }

    private static boolean awaitReadable(SocketChannel channel, long deadline) {
        try {
            return Access.greening().io(Hub.current()).awaitReady(channel, SelectionKey.OP_READ, deadline);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void forget(SocketChannel channel) {
        try {
            Access.greening().forget(channel);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isYielding(Thread thread) {
        return Arrays.stream(thread.getStackTrace())
                .anyMatch(frame -> frame.getClassName().equals("java.lang.Thread") && frame.getMethodName().equals("yield"));
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadline < 0, what);
            Thread.onSpinWait();
        }
    }

    private static Selector selectorOf(IoWaiters io) throws ReflectiveOperationException {
        return (Selector) field("selector").get(io);
    }

    private static Field field(String name) throws ReflectiveOperationException {
        Field field = IoWaiters.class.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }
}
