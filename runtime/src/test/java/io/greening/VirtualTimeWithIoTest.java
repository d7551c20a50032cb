package io.greening;

import io.greening.net.GreenConnection;
import io.greening.net.GreenServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A virtual clock beside real I/O (docs/agent.md, {@code clock}): time jumps to the next timer once every green thread
 * is blocked and no real I/O became ready for a short grace, so a scheduler's sleeps end while a server waits for
 * connections; and a socket's own timeout is never jumped to, so a read against a slow peer gets its answer.
 */
@org.junit.jupiter.api.Timeout(60)
class VirtualTimeWithIoTest {
    private static final Duration HANG_GUARD = Duration.ofSeconds(30);
    private Hub hub;

    @BeforeEach
    void startVirtualClockHub() {
        hub = Hub.start("virtual-io", HubOptions.DEFAULT.withVirtualClock(true));
    }

    @AfterEach
    void closeHub() {
        hub.close();
    }

    @Test
    void aSchedulerSleepsAnHourWhileAServerAcceptsAndTheServerStillServes() throws Exception {
        GreenServer server = hub.spawn(() -> new GreenServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                connection -> connection.write(new byte[] {(byte) connection.inputStream().read()})).start(hub)).get();
        GreenThread<Long> scheduler = hub.spawn(() -> {
            long start = Hub.now();
            for (int minute = 0; minute < 60; minute++) {
                Green.sleep(Duration.ofMinutes(1));
            }
            return Hub.now() - start;
        });
        assertTrue(scheduler.join(HANG_GUARD), "the sleeps ended while the server waited in accept");
        assertTrue(scheduler.get() >= TimeUnit.HOURS.toNanos(1), "an hour of hub time: " + scheduler.get());
        try (Socket client = new Socket(server.address().getAddress(), server.address().getPort())) {
            client.getOutputStream().write(42);
            assertEquals(42, client.getInputStream().read(), "the server still accepts and serves");
        }
    }

    @Test
    void aReadTimeoutIsNotJumpedToWhileASlowPeerIsAboutToAnswer() throws Exception {
        try (ServerSocket slowPeer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            CountDownLatch connected = new CountDownLatch(1);
            Thread peer = Thread.ofPlatform().start(() -> {
                try (Socket s = slowPeer.accept(); OutputStream out = s.getOutputStream(); InputStream in = s.getInputStream()) {
                    connected.countDown();
                    Thread.sleep(300);   // the slow peer: it answers after 300 ms of real time
                    out.write(7);
                    out.flush();
                    in.read();   // until the reader closed its end
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            GreenThread<Long> reader = hub.spawn(() -> {
                try (GreenConnection c = GreenConnection.connect(slowPeer.getLocalSocketAddress())) {
                    c.setTimeout(Duration.ofSeconds(5));
                    long start = Hub.now();
                    ByteBuffer one = ByteBuffer.allocate(1);
                    assertEquals(1, c.read(one), "the answer, not a timeout");
                    assertEquals(7, one.get(0));
                    return Hub.now() - start;
                }
            });
            assertTrue(reader.join(HANG_GUARD));
            assertNull(reader.exception(), () -> "read: " + reader.exception());
            assertTrue(reader.get() < TimeUnit.SECONDS.toNanos(5), "the hub clock followed real time: " + reader.get());
            assertTrue(connected.await(0, TimeUnit.SECONDS));
            peer.join();
        }
    }
}
