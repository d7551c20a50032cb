package io.greening.net;

import io.greening.Green;
import io.greening.GreenThread;
import io.greening.sync.Event;
import io.greening.sync.GreenPool;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.greening.testing.Conditions.waitUntil;
import static org.junit.jupiter.api.Assertions.*;

@org.junit.jupiter.api.Timeout(60)
class GreenServerTest {
    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private static String readAll(GreenConnection c) throws IOException {
        return new String(c.inputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void aPoolCapsTheConnectionsServedAtOnce() {
        Green.run(() -> {
            Event release = new Event();
            int[] active = {0};
            int[] maxActive = {0};
            GreenServer server = new GreenServer(ANY_LOOPBACK, c -> {
                active[0]++;
                maxActive[0] = Math.max(maxActive[0], active[0]);
                release.await();
                c.write("bye".getBytes(StandardCharsets.UTF_8));
                active[0]--;
            }, new GreenPool(2)).start();
            List<GreenThread<String>> clients = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                clients.add(Green.spawn(() -> {
                    try (GreenConnection c = GreenConnection.connect(server.address())) {
                        return readAll(c);
                    }
                }));
            }
            waitUntil(() -> server.connections() == 2);
            Green.sleep(20);   // the other three stay in the backlog, unserved
            assertEquals(2, active[0]);
            release.set();
            for (GreenThread<String> c : clients) {
                assertEquals("bye", c.get());
            }
            assertEquals(2, maxActive[0]);
            assertTrue(server.stop(Duration.ofSeconds(5)));
            return null;
        });
    }

    @Test
    void stopDrainsThenKillsWhatIsLeft() {
        Green.run(() -> {
            List<String> ends = new ArrayList<>();
            GreenServer server = new GreenServer(ANY_LOOPBACK, c -> {
                try {
                    byte[] first = new byte[1];
                    c.inputStream().read(first);
                    if (first[0] == 's') {
                        Green.sleep(Duration.ofHours(1));
                    }
                    Green.sleep(20);
                    ends.add("finished " + (char) first[0]);
                } finally {
                    ends.add("left");
                }
            }).start();
            GreenConnection stuck = GreenConnection.connect(server.address());
            GreenConnection quick = GreenConnection.connect(server.address());
            stuck.write(new byte[] {'s'});
            quick.write(new byte[] {'q'});
            waitUntil(() -> server.connections() == 2);
            assertFalse(server.stop(Duration.ofMillis(300)), "the stuck handler does not finish by itself");
            assertEquals(0, server.connections());
            assertTrue(ends.contains("finished q"), ends::toString);
            assertFalse(ends.contains("finished s"), ends::toString);
            assertEquals(3, ends.size(), ends::toString);   // both finally blocks ran
            assertThrows(IOException.class, () -> {
                try (GreenConnection late = GreenConnection.connect(server.address(), Duration.ofSeconds(1))) {
                    late.write(new byte[] {'x'});
                    if (late.read(ByteBuffer.allocate(1)) < 0) {
                        throw new IOException("closed");
                    }
                }
            });
            stuck.close();
            quick.close();
            return null;
        });
    }

    @Test
    void aFailingHandlerDoesNotStopTheServer() throws Exception {
        GreenServer server = new GreenServer(ANY_LOOPBACK, c -> {
            int b = c.inputStream().read();
            if (b == '!') {
                throw new IllegalStateException("handler bug");
            }
            c.write(new byte[] {(byte) b});
        }).start();
        try {
            try (Socket bad = new Socket(server.address().getAddress(), server.address().getPort())) {
                bad.getOutputStream().write('!');
                assertEquals(-1, bad.getInputStream().read());
            }
            try (Socket good = new Socket(server.address().getAddress(), server.address().getPort())) {
                good.getOutputStream().write('k');
                assertEquals('k', good.getInputStream().read());
            }
        } finally {
            assertTrue(server.stop(Duration.ofSeconds(5)));
        }
    }

    @Test
    void largeWritesWaitForASlowReader() {
        int size = 8 * 1024 * 1024;
        Green.run(() -> {
            GreenServer server = new GreenServer(ANY_LOOPBACK, c -> {
                byte[] block = new byte[64 * 1024];
                for (int i = 0; i < size / block.length; i++) {
                    java.util.Arrays.fill(block, (byte) i);
                    c.write(block);
                }
            }).start();
            try (GreenConnection c = GreenConnection.connect(server.address())) {
                ByteBuffer buffer = ByteBuffer.allocate(4096);
                long total = 0;
                long checksum = 0;
                int n;
                while ((n = c.read(buffer.clear())) >= 0) {
                    for (int i = 0; i < n; i++) {
                        checksum += buffer.get(i) & 0xff;
                    }
                    total += n;
                    if (total % (1024 * 1024) < 4096) {
                        Green.sleep(1);   // a slow reader: the writer fills the socket buffer and must wait
                    }
                }
                assertEquals(size, total);
                long expected = 0;
                for (int i = 0; i < size / (64 * 1024); i++) {
                    expected += (long) (i & 0xff) * 64 * 1024;
                }
                assertEquals(expected, checksum);
            }
            assertTrue(server.stop(Duration.ofSeconds(5)));
            return null;
        });
    }

    @Test
    void connectionTimeoutsRaiseSocketTimeoutException() {
        Green.run(() -> {
            GreenServer server = new GreenServer(ANY_LOOPBACK, c -> Green.sleep(Duration.ofHours(1))).start();
            try (GreenConnection c = GreenConnection.connect(server.address())) {
                c.setTimeout(Duration.ofMillis(30));
                assertThrows(SocketTimeoutException.class, () -> c.read(ByteBuffer.allocate(1)));
            }
            server.close();
            assertEquals(0, server.connections());
            return null;
        });
    }

    @Test
    void aConnectRightAfterStopIsRefused() {
        Green.run(() -> {
            GreenServer server = new GreenServer(ANY_LOOPBACK, c -> c.write("hi".getBytes(StandardCharsets.UTF_8)))
                    .start();
            try (GreenConnection c = GreenConnection.connect(server.address())) {
                assertEquals("hi", readAll(c));   // the accept loop has waited on the hub's selector
            }
            assertTrue(server.stop(Duration.ofSeconds(5)));
            assertThrows(java.net.ConnectException.class, () -> new Socket(server.address().getAddress(),
                    server.address().getPort()).close(), "gevent's stop() closes the listening socket at once");
            return null;
        });
    }
}
