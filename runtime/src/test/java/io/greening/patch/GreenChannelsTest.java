package io.greening.patch;

import io.greening.Green;
import io.greening.GreenThread;
import io.greening.GreenTimeout;
import io.greening.GreenletExit;
import io.greening.Timeout;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

@org.junit.jupiter.api.Timeout(60)
class GreenChannelsTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private static ServerSocketChannel listen() throws IOException {
        return ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0), 500);
    }

    private static String outcome(Throwable t) {
        return t == null ? "none" : t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    @Test
    void greenClientsAndServerEchoOverBlockingChannelsAndLeaveThemInBlockingMode() {
        int clients = 200;
        long total = Green.run(() -> {
            try (ServerSocketChannel server = listen()) {
                GreenThread<Void> acceptor = Green.spawn(() -> {
                    while (true) {
                        SocketChannel accepted = GreenChannels.accept(server);
                        assertTrue(accepted.isBlocking(), "accepted channels come in blocking mode, as the JDK's");
                        Green.spawn(() -> {
                            ByteBuffer buffer = ByteBuffer.allocate(64);
                            while (GreenChannels.read(accepted, buffer) > 0) {
                                buffer.flip();
                                GreenChannels.write(accepted, buffer);
                                buffer.clear();
                            }
                            GreenChannels.close(accepted);
                            return null;
                        });
                    }
                });
                List<GreenThread<Integer>> running = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    int id = c;
                    running.add(Green.spawn(() -> {
                        SocketChannel channel = GreenChannels.open(server.getLocalAddress());
                        try {
                            assertTrue(channel.isBlocking());
                            int sum = 0;
                            for (int i = 0; i < 3; i++) {
                                GreenChannels.write(channel, ByteBuffer.wrap(new byte[] {(byte) (id + i)}));
                                ByteBuffer reply = ByteBuffer.allocate(1);
                                assertEquals(1, GreenChannels.read(channel, reply));
                                assertEquals((byte) (id + i), reply.get(0));
                                sum += reply.get(0);
                            }
                            assertTrue(channel.isBlocking(), "back in blocking mode once no green call is in flight");
                            return sum;
                        } finally {
                            GreenChannels.close(channel);
                        }
                    }));
                }
                long sum = 0;
                for (GreenThread<Integer> client : running) {
                    sum += client.get();
                }
                acceptor.kill();
                return sum;
            }
        });
        long expected = 0;
        for (int id = 0; id < clients; id++) {
            for (int i = 0; i < 3; i++) {
                expected += (byte) (id + i);
            }
        }
        assertEquals(expected, total);
    }

    /**
     * A burst of connections fills the backlog, and an acceptor that never has to wait would take them all in one run
     * of its hub's carrier while the green threads serving the first ones wait (greened Tomcat's acceptor held its
     * carrier for half a second of 400 connections, reported by the stall monitor). An acceptor that has found
     * connections waiting for a millisecond lets the hub's other ready green threads run before its accept returns.
     */
    @Test
    void anAcceptorThatKeepsFindingConnectionsWaitingLetsTheHubsReadyGreenThreadsRun() throws Exception {
        int backlog = 20;
        try (ServerSocketChannel server = listen()) {
            List<SocketChannel> clients = new ArrayList<>();
            try {
                for (int c = 0; c < backlog; c++) {
                    clients.add(SocketChannel.open(server.getLocalAddress()));   // complete in the kernel's backlog
                }
                AcceptBursts.assertOtherThreadsRunWhileTheBacklogDrains(backlog, () -> GreenChannels.accept(server).close());
            } finally {
                for (SocketChannel client : clients) {
                    client.close();
                }
            }
        }
    }

    @Test
    void aGreenReadBlockedOnAChannelIsClosedByAnInterruptAsTheJdkDoes() throws Exception {
        try (ServerSocketChannel server = listen(); SocketChannel client = SocketChannel.open(server.getLocalAddress());
             SocketChannel peer = server.accept()) {
            String[] seen = new String[1];
            Green.run(() -> {
                GreenThread<Void> reader = Green.spawn(() -> {
                    try {
                        GreenChannels.read(client, ByteBuffer.allocate(1));
                        seen[0] = "read";
                    } catch (ClosedByInterruptException e) {
                        seen[0] = outcome(e) + ", interrupted=" + Thread.currentThread().isInterrupted();
                    }
                    return null;
                });
                Green.cede();
                reader.thread().interrupt();
                reader.join();
                return null;
            });
            assertEquals("ClosedByInterruptException: null, interrupted=true", seen[0]);
            assertFalse(client.isOpen());
        }
        // the JDK on a platform thread: the same
        try (ServerSocketChannel server = listen(); SocketChannel client = SocketChannel.open(server.getLocalAddress());
             SocketChannel peer = server.accept()) {
            Thread.currentThread().interrupt();
            ClosedByInterruptException e = assertThrows(ClosedByInterruptException.class,
                    () -> GreenChannels.read(client, ByteBuffer.allocate(1)));
            assertTrue(Thread.interrupted());
            assertFalse(client.isOpen());
            assertNull(e.getMessage());
        }
    }

    @Test
    void closeFromAnotherGreenThreadThrowsAsynchronousCloseException() throws Exception {
        try (ServerSocketChannel server = listen()) {
            Green.run(() -> {
                GreenThread<SocketChannel> acceptor = Green.spawn(() -> GreenChannels.accept(server));
                Green.cede();
                GreenChannels.close(server);
                acceptor.join();
                assertEquals("AsynchronousCloseException: null", outcome(acceptor.exception()));
                return null;
            });
        }
    }

    @Test
    void killAndTimeoutAreRaisedAtABlockedChannelReadWhichStaysUsable() throws Exception {
        try (ServerSocketChannel server = listen(); SocketChannel client = SocketChannel.open(server.getLocalAddress());
             SocketChannel peer = server.accept()) {
            Green.run(() -> {
                GreenThread<Integer> reader = Green.spawn(() -> GreenChannels.read(client, ByteBuffer.allocate(1)));
                Green.cede();
                reader.kill();
                reader.join();
                assertThrows(GreenletExit.class, reader::get);
                Timeout timeout = Timeout.of(Duration.ofMillis(20));
                GreenTimeout raised = assertThrows(GreenTimeout.class, () -> {
                    try (timeout) {
                        GreenChannels.read(client, ByteBuffer.allocate(1));
                    }
                });
                assertTrue(raised.isFrom(timeout));
                return null;
            });
            assertTrue(client.isOpen());
            assertTrue(client.isBlocking(), "back in blocking mode for code that greening does not see");
            peer.write(ByteBuffer.wrap(new byte[] {5}));
            ByteBuffer one = ByteBuffer.allocate(1);
            assertEquals(1, client.read(one));   // the JDK's own blocking read
            assertEquals(5, one.get(0));
        }
    }

    @Test
    void aPlatformThreadWritesWhileAGreenThreadWaitsToReadTheSameChannel() throws Exception {
        try (ServerSocketChannel server = listen(); SocketChannel client = SocketChannel.open(server.getLocalAddress());
             SocketChannel peer = server.accept()) {
            AtomicReference<Throwable> platformFailure = new AtomicReference<>();
            int got = Green.run(() -> {
                GreenThread<Integer> reader = Green.spawn(() -> {
                    ByteBuffer b = ByteBuffer.allocate(1);
                    GreenChannels.read(client, b);
                    return (int) b.get(0);
                });
                Green.cede();   // the reader has switched the channel and waits on the hub
                Thread writer = Thread.ofPlatform().start(() -> {
                    try {
                        // the channel is non-blocking now; the platform write still blocks as the JDK's would
                        GreenChannels.write(client, ByteBuffer.wrap(new byte[1 << 20]));
                        ByteBuffer echoed = ByteBuffer.allocate(1);
                        GreenChannels.read(client, echoed);
                    } catch (Throwable t) {
                        platformFailure.set(t);
                    }
                });
                ByteBuffer drain = ByteBuffer.allocate(1 << 16);
                int drained = 0;
                while (drained < 1 << 20) {   // the peer drains the megabyte, then answers
                    drain.clear();
                    drained += GreenChannels.read(peer, drain);
                }
                GreenChannels.write(peer, ByteBuffer.wrap(new byte[] {9, 9}));
                int value = reader.get();
                while (writer.isAlive()) {
                    Green.sleep(1);
                }
                return value;
            });
            assertNull(platformFailure.get());
            assertEquals(9, got);
            assertTrue(client.isBlocking());
        }
    }

    @Test
    void twoGreenReadersOfOneChannelTakeTurnsAsOnTheJdk() throws Exception {
        try (ServerSocketChannel server = listen(); SocketChannel client = SocketChannel.open(server.getLocalAddress());
             SocketChannel peer = server.accept()) {
            int sum = Green.run(() -> {
                List<GreenThread<Integer>> readers = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    readers.add(Green.spawn(() -> {
                        ByteBuffer one = ByteBuffer.allocate(1);
                        GreenChannels.read(client, one);
                        return (int) one.get(0);
                    }));
                }
                Green.cede();
                GreenChannels.write(peer, ByteBuffer.wrap(new byte[] {3}));
                GreenChannels.write(peer, ByteBuffer.wrap(new byte[] {4}));
                return readers.get(0).get() + readers.get(1).get();
            });
            assertEquals(7, sum);
            assertTrue(client.isBlocking());
        }
    }

    @Test
    void aGreenWriteTakesTheJdksPathWhileAPlatformThreadIsInTheJdksBlockingRead() throws Exception {
        try (ServerSocketChannel server = listen(); SocketChannel client = SocketChannel.open(server.getLocalAddress());
             SocketChannel peer = server.accept()) {
            AtomicReference<Integer> platformRead = new AtomicReference<>();
            Thread reader = Thread.ofPlatform().start(() -> {
                try {
                    ByteBuffer one = ByteBuffer.allocate(1);
                    GreenChannels.read(client, one);   // the channel is in blocking mode: the JDK's own read
                    platformRead.set((int) one.get(0));
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
            while (reader.getState() != Thread.State.RUNNABLE && reader.isAlive()) {
                Thread.onSpinWait();
            }
            // whether or not the reader is inside the read yet, the green write must neither wait for it nor fail
            Green.run(() -> {
                GreenChannels.write(client, ByteBuffer.wrap(new byte[] {6}));
                ByteBuffer got = ByteBuffer.allocate(1);
                GreenChannels.read(peer, got);
                GreenChannels.write(peer, got.flip());
                return null;
            });
            reader.join();
            assertEquals(6, platformRead.get());
            assertTrue(client.isBlocking());
        }
    }

    @Test
    void onAPlatformThreadTheCallsAreTheJdksOwn() throws Exception {
        int closedPort;
        try (ServerSocketChannel gone = listen()) {
            closedPort = ((InetSocketAddress) gone.getLocalAddress()).getPort();
        }
        InetSocketAddress nowhere = new InetSocketAddress(LOOPBACK, closedPort);
        assertEquals(outcome(assertThrows(ConnectException.class, () -> SocketChannel.open(nowhere))),
                outcome(assertThrows(ConnectException.class, () -> GreenChannels.open(nowhere))));
        String green = Green.run(() -> outcome(assertThrows(ConnectException.class, () -> GreenChannels.open(nowhere))));
        assertEquals("ConnectException: Connection refused", green);
        SocketChannel refused = SocketChannel.open();
        Green.run(() -> assertThrows(ConnectException.class, () -> GreenChannels.connect(refused, nowhere)));
        assertFalse(refused.isOpen(), "a failed connect closes the channel, as the JDK's");

        try (ServerSocketChannel server = listen()) {
            server.configureBlocking(false);
            assertNull(GreenChannels.accept(server), "a non-blocking channel stays the application's business");
            assertNull(Green.run(() -> GreenChannels.accept(server)));
        }
    }
}
