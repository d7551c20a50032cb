package io.greening.net.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's buffer pool, which every connection takes from and gives to at each request: on a group of hubs the
 * connections do that in parallel, and none may wait for another to do it.
 */
@Timeout(60)
class HttpBuffersTest {
    private static final GreenHttpServer.Limits LIMITS =
            new GreenHttpServer.Limits(8 * 1024, 64 * 1024, 1024, Duration.ofSeconds(60), Duration.ofSeconds(60));

    @Test
    void aConnectionTakesAndGivesBuffersWithoutWaitingForAnotherThatIsInThePool() throws Exception {
        HttpConnection.Buffers buffers = new HttpConnection.Buffers(LIMITS);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // another connection's thread, stopped while inside the pool (as a carrier preempted there would be)
        Thread other = Thread.ofPlatform().start(() -> {
            synchronized (buffers) {
                holding.countDown();
                awaitUninterruptibly(release);
            }
        });
        holding.await();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        // watched until its work is done, not until it dies: a thread that ends while its starter is still inside
        // Thread.start (which holds the Thread's monitor) waits for that monitor to notify its joiners, BLOCKED too
        AtomicBoolean done = new AtomicBoolean();
        Thread connection = Thread.ofPlatform().start(() -> {
            try {
                ByteBuffer in = buffers.takeIn();
                byte[] out = buffers.takeOut();
                buffers.give(in, out);
                buffers.give(buffers.takeIn(), buffers.takeOut());
            } catch (Throwable t) {
                failed.set(t);
            } finally {
                done.set(true);
            }
        });
        try {
            while (!done.get()) {
                assertNotEquals(Thread.State.BLOCKED, connection.getState(),
                        "a connection waited for another connection's use of the buffer pool");
                Thread.onSpinWait();
            }
        } finally {
            release.countDown();
            other.join();
            connection.join();
        }
        assertNull(failed.get());
        assertEquals(2, buffers.kept(), "the input and the output buffer kept for the next request");
    }

    @Test
    void connectionsTakingAndGivingAtOnceNeverShareABufferAndTheKeptStayBounded() throws Exception {
        HttpConnection.Buffers buffers = new HttpConnection.Buffers(LIMITS);
        Set<Object> inUse = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
        AtomicReference<String> wrong = new AtomicReference<>();
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> connections = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            connections.add(Thread.ofPlatform().start(() -> {
                awaitUninterruptibly(start);
                List<ByteBuffer> ins = new ArrayList<>();
                List<byte[]> outs = new ArrayList<>();
                for (int round = 0; round < 20_000; round++) {
                    // take a few at once, as connections waiting for their next request do, then give them back
                    for (int i = 0; i < 1 + round % 40; i++) {
                        ByteBuffer in = buffers.takeIn();
                        byte[] out = buffers.takeOut();
                        if (!inUse.add(in) || !inUse.add(out)) {
                            wrong.compareAndSet(null, "a buffer taken by two connections at once");
                        }
                        ins.add(in);
                        outs.add(out);
                    }
                    for (int i = 0; i < ins.size(); i++) {
                        inUse.remove(ins.get(i));
                        inUse.remove(outs.get(i));
                        buffers.give(ins.get(i), outs.get(i));
                    }
                    ins.clear();
                    outs.clear();
                }
            }));
        }
        start.countDown();
        for (Thread each : connections) {
            each.join();
        }
        assertNull(wrong.get());
        int kept = buffers.kept();
        assertTrue(kept <= 2 * HttpConnection.Buffers.KEPT, "kept " + kept + " buffers, more than the bound");
        assertTrue(kept > 0, "the buffers given back are kept for reuse");
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException ignored) {
                // keep waiting: the test's own threads are not interrupted
            }
        }
    }
}
