package io.greening.patch;

import io.greening.Green;
import io.greening.GreenThread;
import io.greening.GreenTimeout;
import io.greening.GreenletExit;
import io.greening.Timeout;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

@org.junit.jupiter.api.Timeout(60)
class GreenSocketTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** As {@code GreenChannelsTest}'s: an acceptor that keeps finding connections waiting lets ready green threads run. */
    @Test
    void anAcceptorThatKeepsFindingConnectionsWaitingLetsTheHubsReadyGreenThreadsRun() throws Exception {
        int backlog = 20;
        try (ServerSocket server = new GreenServerSocket(0, 50, LOOPBACK)) {
            List<Socket> clients = new ArrayList<>();
            try {
                for (int c = 0; c < backlog; c++) {
                    clients.add(new Socket(LOOPBACK, server.getLocalPort()));   // complete in the kernel's backlog
                }
                AcceptBursts.assertOtherThreadsRunWhileTheBacklogDrains(backlog, () -> server.accept().close());
            } finally {
                for (Socket client : clients) {
                    client.close();
                }
            }
        }
    }

    @Test
    void aThousandGreenClientsEchoThroughAGreenServerOnOneHubWithAHandfulOfPlatformThreads() {
        int clients = 1000, roundTrips = 5;
        var threads = ManagementFactory.getThreadMXBean();
        int platformThreadsBefore = threads.getThreadCount();
        int[] peak = {platformThreadsBefore};
        long total = Green.run(() -> {
            try (ServerSocket server = new GreenServerSocket(0, clients, LOOPBACK)) {
                GreenThread<Void> acceptor = Green.spawn(() -> {
                    acceptAndEcho(server);
                    return null;
                });
                List<GreenThread<Long>> running = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    int id = c;
                    running.add(Green.spawn(() -> {
                        try (Socket socket = new GreenSocket(LOOPBACK, server.getLocalPort())) {
                            OutputStream out = socket.getOutputStream();
                            InputStream in = socket.getInputStream();
                            long sum = 0;
                            for (int i = 0; i < roundTrips; i++) {
                                int value = (id * 7 + i) & 0xff;
                                out.write(value);
                                int echoed = in.read();
                                assertEquals(value, echoed, "client " + id + " round trip " + i);
                                sum += echoed;
                            }
                            return sum;
                        }
                    }));
                }
                long sum = 0;
                for (GreenThread<Long> client : running) {
                    while (!client.isDead()) {
                        peak[0] = Math.max(peak[0], threads.getThreadCount());
                        client.join(Duration.ofMillis(5));
                    }
                    sum += client.get();
                }
                acceptor.kill();
                return sum;
            }
        });
        long expected = 0;
        for (int id = 0; id < clients; id++) {
            for (int i = 0; i < roundTrips; i++) {
                expected += (id * 7 + i) & 0xff;
            }
        }
        assertEquals(expected, total);
        assertTrue(peak[0] <= platformThreadsBefore + 2,
                "platform threads grew from " + platformThreadsBefore + " to " + peak[0]);
    }

    @Test
    void manyGreenThreadsConnectingByNameMakeOneOffloadedLookup() {
        // No other test of this JVM connects green sockets by the name "localhost": its first lookup is this one.
        long lookupsBefore = HostNames.OFFLOADED_LOOKUPS.get();
        int connected = Green.run(() -> {
            try (ServerSocket server = new GreenServerSocket(0, 200, LOOPBACK)) {
                GreenThread<Void> acceptor = Green.spawn(() -> {
                    acceptAndEcho(server);
                    return null;
                });
                List<GreenThread<Integer>> clients = new ArrayList<>();
                for (int c = 0; c < 200; c++) {
                    clients.add(Green.spawn(() -> {
                        try (Socket socket = new GreenSocket("localhost", server.getLocalPort())) {
                            socket.getOutputStream().write(1);
                            return socket.getInputStream().read();
                        }
                    }));
                }
                int sum = 0;
                for (GreenThread<Integer> client : clients) {
                    sum += client.get();
                }
                acceptor.kill();
                return sum;
            }
        });
        assertEquals(200, connected);
        assertEquals(1, HostNames.OFFLOADED_LOOKUPS.get() - lookupsBefore, "one lookup for all, not one per connection");
    }

    /**
     * After a read that took all there was (fewer bytes than asked for), the next read of a green thread waits for the
     * hub's selector before it reads, as Netty stops reading after a short read: in request/reply traffic that read
     * would nearly always find nothing. Bytes already there still come, at the hub's next select: the hub runs its
     * other ready threads first.
     */
    @Test
    void aReadAfterAShortReadWaitsForTheHubsSelectorBeforeReading() {
        Green.run(() -> {
            try (ServerSocket server = new GreenServerSocket(0, 1, LOOPBACK);
                 Socket client = new GreenSocket(LOOPBACK, server.getLocalPort());
                 Socket accepted = server.accept()) {
                OutputStream out = client.getOutputStream();
                InputStream in = accepted.getInputStream();
                byte[] buffer = new byte[16];
                out.write(new byte[] {1, 2, 3});
                assertEquals(3, in.read(buffer), "a short read: all there was");
                out.write(new byte[] {4, 5});   // on loopback in the peer's socket once write returns
                java.util.concurrent.atomic.AtomicBoolean ranMeanwhile = new java.util.concurrent.atomic.AtomicBoolean();
                Green.spawn(() -> ranMeanwhile.set(true));   // ready on this hub; runs when the reader waits
                assertEquals(2, in.read(buffer), "the bytes that were there");
                assertEquals(4, buffer[0]);
                assertTrue(ranMeanwhile.get(), "the reader waited for the selector, and the hub ran the other thread");
            }
            return null;
        });
    }

    private static void acceptAndEcho(ServerSocket server) throws IOException {
        while (true) {
            Socket accepted = server.accept();
            Green.spawn(() -> {
                try (accepted) {
                    accepted.getInputStream().transferTo(accepted.getOutputStream());
                }
                return null;
            });
        }
    }

    // ---- the JDK's behaviour, kept: each scenario runs on JDK sockets (platform thread), and on green sockets on a
    // platform thread and on a green thread, and must give the same outcome ----

    interface Scenario {
        String run(boolean green) throws Exception;
    }

    private static void assertSameAsJdk(String expected, Scenario scenario) throws Exception {
        assertEquals(expected, scenario.run(false), "plain JDK sockets on a platform thread");
        assertEquals(expected, scenario.run(true), "green sockets on a platform thread");
        assertEquals(expected, Green.run(() -> scenario.run(true)), "green sockets on a green thread");
    }

    private static ServerSocket listen(boolean green) throws IOException {
        return green ? new GreenServerSocket(0, 50, LOOPBACK) : new ServerSocket(0, 50, LOOPBACK);
    }

    private static Socket connect(boolean green, int port) throws IOException {
        return green ? new GreenSocket(LOOPBACK, port) : new Socket(LOOPBACK, port);
    }

    private static String outcome(Throwable t) {
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    @Test
    void aReadTimesOutWithTheJdksExceptionAndTheSocketStaysUsable() throws Exception {
        assertSameAsJdk("SocketTimeoutException: Read timed out, then 42", green -> {
            try (ServerSocket server = listen(green); Socket client = connect(green, server.getLocalPort());
                 Socket peer = server.accept()) {
                client.setSoTimeout(30);
                assertEquals(30, client.getSoTimeout());
                String result;
                try {
                    client.getInputStream().read();
                    result = "no timeout";
                } catch (SocketTimeoutException e) {
                    result = outcome(e);
                }
                peer.getOutputStream().write(42);
                return result + ", then " + client.getInputStream().read();
            }
        });
    }

    @Test
    void anAcceptTimesOutWithTheJdksException() throws Exception {
        assertSameAsJdk("SocketTimeoutException: Accept timed out", green -> {
            try (ServerSocket server = listen(green)) {
                server.setSoTimeout(30);
                server.accept();
                return "accepted";
            } catch (SocketTimeoutException e) {
                return outcome(e);
            }
        });
    }

    @Test
    void aConnectTimesOutWithTheJdksExceptionWhenTheServerDropsSyns() throws Exception {
        // a listener that never accepts, with a full accept queue: the kernel drops further SYNs
        try (ServerSocket full = new ServerSocket(0, 1, LOOPBACK)) {
            List<Socket> queued = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress(LOOPBACK, full.getLocalPort()), 200);
                    queued.add(s);
                }
            } catch (SocketTimeoutException alreadyFull) {
                // the queue filled up sooner
            }
            assertSameAsJdk("SocketTimeoutException: Connect timed out, closed", green -> {
                Socket socket = green ? new GreenSocket() : new Socket();
                try {
                    socket.connect(new InetSocketAddress(LOOPBACK, full.getLocalPort()), 50);
                    return "connected";
                } catch (SocketTimeoutException e) {
                    return outcome(e) + (socket.isClosed() ? ", closed" : ", open");
                }
            });
            for (Socket s : queued) {
                s.close();
            }
        }
    }

    @Test
    void connectingToAClosedPortIsRefusedAndClosesTheSocket() throws Exception {
        int port;
        try (ServerSocket gone = new ServerSocket(0, 50, LOOPBACK)) {
            port = gone.getLocalPort();
        }
        int closedPort = port;
        assertSameAsJdk("ConnectException: Connection refused, closed", green -> {
            Socket socket = green ? new GreenSocket() : new Socket();
            try {
                socket.connect(new InetSocketAddress(LOOPBACK, closedPort));
                return "connected";
            } catch (ConnectException e) {
                return outcome(e) + (socket.isClosed() ? ", closed" : ", open");
            }
        });
        assertThrows(ConnectException.class, () -> new GreenSocket(LOOPBACK, closedPort));
        Green.run(() -> assertThrows(ConnectException.class, () -> new GreenSocket(LOOPBACK, closedPort)));
    }

    @Test
    void gettersStateAndMessagesMatchTheJdkBeforeAndAfterClose() throws Exception {
        assertSameAsJdk("true true true|true true|0 -1 false|Socket is closed|Socket closed|Socket is closed", green -> {
            try (ServerSocket server = listen(green)) {
                Socket client = connect(green, server.getLocalPort());
                Socket peer = server.accept();
                StringBuilder s = new StringBuilder();
                s.append(client.getPort() == server.getLocalPort()).append(' ')
                        .append(peer.getLocalPort() == server.getLocalPort()).append(' ')
                        .append(peer.getPort() == client.getLocalPort()).append('|');
                assertEquals(LOOPBACK, client.getInetAddress());
                assertEquals(LOOPBACK, client.getLocalAddress());
                assertEquals(new InetSocketAddress(LOOPBACK, server.getLocalPort()), client.getRemoteSocketAddress());
                assertEquals("Socket[addr=" + LOOPBACK + ",port=" + server.getLocalPort() + ",localport="
                        + client.getLocalPort() + "]", client.toString());
                assertEquals("ServerSocket[addr=" + LOOPBACK + ",localport=" + server.getLocalPort() + "]", server.toString());
                client.setTcpNoDelay(true);
                assertTrue(client.getTcpNoDelay());
                client.setKeepAlive(true);
                assertTrue(client.getKeepAlive());
                assertNull(client.getChannel());
                assertNull(server.getChannel());
                InputStream in = client.getInputStream();
                client.close();
                s.append(client.isConnected()).append(' ').append(client.isClosed()).append('|');
                assertEquals(server.getLocalPort(), client.getPort(), "the peer port survives close");
                peer.close();
                // a closed peer and a closed client: EOF for the client is moot, it is closed
                try (Socket fresh = green ? new GreenSocket() : new Socket()) {
                    s.append(fresh.getPort()).append(' ').append(fresh.getLocalPort()).append(' ').append(fresh.isBound()).append('|');
                }
                s.append(assertThrows(SocketException.class, client::getInputStream).getMessage()).append('|');
                s.append(assertThrows(SocketException.class, in::read).getMessage()).append('|');
                s.append(assertThrows(SocketException.class, () -> client.setSoTimeout(1)).getMessage());
                return s.toString();
            }
        });
    }

    @Test
    void theAgentsFactoriesMakeGreenSocketsThatAnswerAsTheJdksBeforeConnecting() throws Exception {
        try (ServerSocket jdk = new ServerSocket(0); ServerSocket green = SocketPatches.newServerSocket(0)) {
            assertInstanceOf(GreenServerSocket.class, green);
            assertEquals(jdk.getInetAddress(), green.getInetAddress(), "the wildcard address as given");
            assertEquals(jdk.getLocalSocketAddress().getClass(), green.getLocalSocketAddress().getClass());
            assertEquals(jdk.getSoTimeout(), green.getSoTimeout());
            assertEquals(jdk.getReuseAddress(), green.getReuseAddress());
            assertTrue(green.toString().startsWith("ServerSocket[addr=0.0.0.0/0.0.0.0,localport="), green.toString());
            try (Socket client = SocketPatches.newSocket(LOOPBACK, green.getLocalPort()); Socket peer = green.accept()) {
                assertInstanceOf(GreenSocket.class, client);
                assertInstanceOf(GreenSocket.class, peer);
            }
        }
        try (Socket jdk = new Socket(); Socket green = SocketPatches.newSocket()) {
            assertInstanceOf(GreenSocket.class, green);
            assertEquals(jdk.isBound(), green.isBound());
            assertEquals(jdk.getLocalAddress(), green.getLocalAddress());
            assertEquals(jdk.getLocalSocketAddress(), green.getLocalSocketAddress());
            assertEquals(jdk.getInetAddress(), green.getInetAddress());
            assertEquals(jdk.toString(), green.toString());
            assertEquals(jdk.getSoTimeout(), green.getSoTimeout());
            assertEquals(jdk.getTcpNoDelay(), green.getTcpNoDelay(), "options work before connecting");
            assertEquals(jdk.getSoLinger(), green.getSoLinger());
            green.setReceiveBufferSize(65536);
            assertTrue(green.getReceiveBufferSize() > 0);
            assertEquals(outcome(assertThrows(IllegalArgumentException.class, () -> jdk.setSoTimeout(-1))),
                    outcome(assertThrows(IllegalArgumentException.class, () -> green.setSoTimeout(-1))));
            assertEquals(outcome(assertThrows(SocketException.class, jdk::getInputStream)),
                    outcome(assertThrows(SocketException.class, green::getInputStream)));
        }
        try (ServerSocket server = listen(true)) {
            InetSocketAddress local = new InetSocketAddress(LOOPBACK, 0);
            try (Socket bound = SocketPatches.newSocket(LOOPBACK, server.getLocalPort(), LOOPBACK, 0)) {
                assertTrue(bound.isBound());
                assertEquals(LOOPBACK, bound.getLocalAddress());
                assertNotEquals(local.getPort(), bound.getLocalPort());
            }
        }
    }

    @Test
    void aGreenSocketTheApplicationForgetsToCloseIsClosedOnceUnreachableAsTheJdksIs() throws Exception {
        try (ServerSocket server = listen(true)) {
            Green.run(() -> {
                connect(true, server.getLocalPort()).getOutputStream().write(1);   // never closed
                return null;
            });
            try (Socket peer = server.accept()) {
                peer.setSoTimeout(20);
                assertEquals(1, peer.getInputStream().read());
                while (true) {
                    System.gc();
                    try {
                        assertEquals(-1, peer.getInputStream().read(), "the forgotten socket was closed");
                        break;
                    } catch (SocketTimeoutException notYet) {
                        // not collected yet
                    }
                }
            }
        }
    }

    @Test
    void endOfStreamIsMinusOneAgainAndAgain() throws Exception {
        assertSameAsJdk("hi -1 -1 0", green -> {
            try (ServerSocket server = listen(green); Socket client = connect(green, server.getLocalPort())) {
                try (Socket peer = server.accept()) {
                    peer.getOutputStream().write("hi".getBytes());
                }
                InputStream in = client.getInputStream();
                String hi = new String(in.readNBytes(2));
                return hi + " " + in.read() + " " + in.read() + " " + in.available();
            }
        });
    }

    @Test
    void availableCountsArrivedBytesWithoutLosingThem() throws Exception {
        Green.run(() -> {
            try (ServerSocket server = listen(true); Socket client = connect(true, server.getLocalPort());
                 Socket peer = server.accept()) {
                InputStream in = client.getInputStream();
                assertEquals(0, in.available());
                peer.getOutputStream().write("abc".getBytes());
                while (in.available() < 3) {
                    Green.sleep(1);
                }
                byte[] two = new byte[2];
                assertEquals(2, in.read(two));
                assertEquals("ab", new String(two));
                assertEquals(1, in.available());
                assertEquals('c', in.read());
            }
            return null;
        });
    }

    @Test
    void closingFromAnotherGreenThreadWakesABlockedReaderWithTheJdksException() {
        Green.run(() -> {
            try (ServerSocket server = listen(true); Socket client = connect(true, server.getLocalPort());
                 Socket peer = server.accept()) {
                GreenThread<Object> reader = Green.spawn(() -> client.getInputStream().read());
                Green.cede();   // the reader runs until it blocks on the hub's selector
                assertFalse(reader.isDead());
                client.close();
                reader.join();
                assertEquals("SocketException: Socket closed", outcome(reader.exception()));
            }
            return null;
        });
    }

    @Test
    void closingWakesABlockedAccept() throws Exception {
        Green.run(() -> {
            ServerSocket server = listen(true);
            GreenThread<Socket> acceptor = Green.spawn(server::accept);
            Green.cede();
            assertFalse(acceptor.isDead());
            server.close();
            acceptor.join();
            assertEquals("SocketException: Socket closed", outcome(acceptor.exception()));
            return null;
        });
        // on a platform thread: a JDK server socket and a green one, closed once the acceptor is seen blocked
        for (boolean green : new boolean[] {false, true}) {
            ServerSocket server = listen(green);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread acceptor = Thread.ofPlatform().start(() -> {
                try {
                    server.accept();
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            awaitBlockedInTheKernel(acceptor);
            server.close();
            acceptor.join();
            assertEquals("SocketException: Socket closed", outcome(failure.get()), green ? "green" : "JDK");
        }
    }

    /** Waits until {@code thread} is inside the JDK's poll or select, where a platform thread blocks on a socket. */
    private static void awaitBlockedInTheKernel(Thread thread) {
        while (true) {
            for (StackTraceElement frame : thread.getStackTrace()) {
                if (frame.getClassName().startsWith("sun.nio.ch.") && frame.isNativeMethod()) {
                    return;
                }
            }
            assertTrue(thread.isAlive(), "it ended before blocking");
            Thread.onSpinWait();
        }
    }

    @Test
    void killAndTimeoutAreRaisedAtABlockedRead() {
        Green.run(() -> {
            try (ServerSocket server = listen(true); Socket client = connect(true, server.getLocalPort());
                 Socket peer = server.accept()) {
                GreenThread<Object> reader = Green.spawn(() -> client.getInputStream().read());
                Green.cede();
                reader.kill();
                assertThrows(GreenletExit.class, reader::get);
                assertFalse(client.isClosed(), "a kill does not close the socket");

                Timeout timeout = Timeout.of(Duration.ofMillis(20));
                GreenTimeout raised = assertThrows(GreenTimeout.class, () -> {
                    try (timeout) {
                        client.getInputStream().read();
                    }
                });
                assertTrue(raised.isFrom(timeout));
                peer.getOutputStream().write(7);
                assertEquals(7, client.getInputStream().read(), "the socket still works after both");
            }
            return null;
        });
    }

    @Test
    void aGreenSocketMadeOnAGreenThreadWorksOnAPlatformThread() throws Exception {
        try (ServerSocket server = listen(true)) {
            Socket client = Green.run(() -> {
                Socket s = connect(true, server.getLocalPort());
                s.getOutputStream().write(1);   // registered with the hub's selector already
                return s;
            });
            try (client; Socket peer = server.accept()) {
                assertEquals(1, peer.getInputStream().read());
                peer.getOutputStream().write(2);
                assertEquals(2, client.getInputStream().read());
                // a platform reader blocked on it is woken by a close from a green thread of another hub
                AtomicReference<Throwable> failure = new AtomicReference<>();
                Thread reader = Thread.ofPlatform().start(() -> {
                    try {
                        client.getInputStream().read();
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                });
                awaitBlockedInTheKernel(reader);
                Green.spawn(() -> {
                    client.close();
                    return null;
                }).join();
                reader.join();
                assertEquals("SocketException: Socket closed", outcome(failure.get()));
            }
        }
    }

    @Test
    void aPlatformThreadWritesWhileAGreenThreadWaitsToReadTheSameSocket() throws Exception {
        try (ServerSocket server = listen(true); Socket client = connect(true, server.getLocalPort());
             Socket peer = server.accept()) {
            AtomicReference<Throwable> platformFailure = new AtomicReference<>();
            int got = Green.run(() -> {
                GreenThread<Integer> reader = Green.spawn(() -> client.getInputStream().read());
                Green.cede();   // the reader waits on the hub's selector
                Thread writer = Thread.ofPlatform().start(() -> {
                    try {
                        client.getOutputStream().write(new byte[1 << 20]);   // more than the buffers hold: it waits
                    } catch (Throwable t) {
                        platformFailure.set(t);
                    }
                });
                byte[] drained = peer.getInputStream().readNBytes(1 << 20);
                assertEquals(1 << 20, drained.length);
                peer.getOutputStream().write(9);
                int value = reader.get();
                while (writer.isAlive()) {
                    Green.sleep(1);
                }
                return value;
            });
            assertNull(platformFailure.get());
            assertEquals(9, got);
        }
    }

    @Test
    void aPlatformThreadIgnoresInterruptsWhileAGreenThreadIsClosedByThemAsTheJdkDoes() throws Exception {
        for (boolean green : new boolean[] {false, true}) {
            try (ServerSocket server = listen(green); Socket client = connect(green, server.getLocalPort());
                 Socket peer = server.accept()) {
                int[] read = new int[1];
                boolean[] stillInterrupted = new boolean[1];
                Thread reader = Thread.ofPlatform().start(() -> {
                    try {
                        read[0] = client.getInputStream().read();
                        stillInterrupted[0] = Thread.currentThread().isInterrupted();
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                });
                reader.interrupt();
                peer.getOutputStream().write(9);
                reader.join();
                assertEquals(9, read[0], green ? "green socket" : "JDK socket");
                assertTrue(stillInterrupted[0]);
                assertFalse(client.isClosed());
            }
        }
        // a virtual thread on the JDK's scheduler and a green thread: the interrupt closes the socket
        for (boolean green : new boolean[] {false, true}) {
            try (ServerSocket server = listen(green); Socket client = connect(green, server.getLocalPort());
                 Socket peer = server.accept()) {
                AtomicReference<String> seen = new AtomicReference<>();
                java.util.concurrent.Callable<Void> body = () -> {
                    try {
                        client.getInputStream().read();
                        seen.set("read");
                    } catch (SocketException e) {
                        seen.set(outcome(e) + ", interrupted=" + Thread.currentThread().isInterrupted());
                    }
                    return null;
                };
                if (green) {
                    Green.run(() -> {
                        GreenThread<Void> reader = Green.spawn(body);
                        Green.cede();
                        reader.thread().interrupt();
                        reader.join();
                        return null;
                    });
                } else {
                    Thread reader = Thread.ofVirtual().start(() -> {
                        try {
                            body.call();
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    });
                    reader.interrupt();
                    reader.join();
                }
                assertEquals("SocketException: Closed by interrupt, interrupted=true", seen.get(), green ? "green" : "JDK");
                assertTrue(client.isClosed(), green ? "green" : "JDK");
            }
        }
    }

    @Test
    void aLargeTransferGoesThroughPartialWritesBothWays() {
        byte[] payload = new byte[3 * 1024 * 1024];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31);
        }
        byte[] back = Green.run(() -> {
            try (ServerSocket server = listen(true); Socket client = connect(true, server.getLocalPort());
                 Socket peer = server.accept()) {
                GreenThread<Void> echo = Green.spawn(() -> {
                    peer.getInputStream().transferTo(peer.getOutputStream());
                    peer.shutdownOutput();
                    return null;
                });
                GreenThread<Void> writer = Green.spawn(() -> {
                    client.getOutputStream().write(payload);
                    client.shutdownOutput();
                    return null;
                });
                byte[] received = client.getInputStream().readAllBytes();
                writer.get();
                echo.get();
                return received;
            }
        });
        assertArrayEquals(payload, back);
    }
}
