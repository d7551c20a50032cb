package io.greening.internal;

import io.greening.Hub;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

/** The registry's table, written on its hub's carrier (here: tasks run there) and read from anywhere. */
@Timeout(60)
class ThreadRegistryTest {
    private Hub hub;
    private ThreadRegistry registry;

    @BeforeEach
    void startHub() {
        hub = Hub.start("registry-test");
        registry = Access.greening().registry(hub);
    }

    @AfterEach
    void closeHub() {
        hub.close();
    }

    private <T> T onCarrier(Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        hub.execute(() -> result.complete(work.get()));
        return result.join();
    }

    private static ThreadRecord record(String name) {
        return new ThreadRecord(Thread.ofVirtual().name(name).unstarted(() -> { }), "test");
    }

    @Test
    void aRegisteredThreadIsFoundUntilItLeaves() {
        ThreadRecord a = record("a");
        ThreadRecord b = record("b");
        onCarrier(() -> {
            registry.register(a);
            registry.register(b);
            return null;
        });
        assertSame(a, onCarrier(() -> registry.lookup(a.thread())));
        assertSame(b, onCarrier(() -> registry.lookup(b.thread())));
        assertEquals(2, onCarrier(registry::size));
        assertTrue(a.isRegistered());
        onCarrier(() -> {
            registry.unregister(a);
            return null;
        });
        assertNull(onCarrier(() -> registry.lookup(a.thread())));
        assertSame(b, onCarrier(() -> registry.lookup(b.thread())), "b's probe chain survives a's removal");
        assertEquals(1, onCarrier(registry::size));
        assertFalse(a.isRegistered());
        assertEquals(List.of(b), registry.snapshot());
        onCarrier(() -> {
            registry.unregister(b);
            return null;
        });
    }

    @Test
    void growsAndShrinksThroughChurnWithoutLosingARecord() {
        List<ThreadRecord> all = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            all.add(record("t" + i));
        }
        onCarrier(() -> {
            for (ThreadRecord r : all) {
                registry.register(r);
            }
            for (int i = 0; i < all.size(); i += 2) {
                registry.unregister(all.get(i));
            }
            return null;
        });
        for (int i = 0; i < all.size(); i++) {
            ThreadRecord r = all.get(i);
            assertSame(i % 2 == 0 ? null : r, onCarrier(() -> registry.lookup(r.thread())), r.toString());
        }
        assertEquals(2_500, onCarrier(registry::size));
        assertEquals(2_500, registry.snapshot().size());
        onCarrier(() -> {
            for (int i = 1; i < all.size(); i += 2) {
                registry.unregister(all.get(i));
            }
            return null;
        });
        assertEquals(0, onCarrier(registry::size));
        assertEquals(List.of(), registry.snapshot());
    }

    @Test
    void aThreadEndingOffTheCarrierIsDroppedAtOnceAndFreedByTheCarrier() {
        ThreadRecord moved = record("moved");
        ThreadRecord stays = record("stays");
        onCarrier(() -> {
            registry.register(moved);
            registry.register(stays);
            return null;
        });
        registry.unregister(moved);   // this test thread is not the hub's carrier
        assertFalse(moved.isRegistered());
        assertEquals(List.of(stays), registry.snapshot(), "readers skip it at once");
        assertEquals(1, onCarrier(registry::size), "the carrier frees its slot at its next look");
        assertNull(onCarrier(() -> registry.lookup(moved.thread())));
        onCarrier(() -> {
            registry.unregister(stays);
            return null;
        });
    }

    @Test
    void aReaderOnAnotherThreadNeverFailsAndNeverSeesARecordTwice() throws Exception {
        ThreadRecord[] steady = {record("steady-1"), record("steady-2"), record("steady-3")};
        onCarrier(() -> {
            for (ThreadRecord r : steady) {
                registry.register(r);
            }
            return null;
        });
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Void> churn = new CompletableFuture<>();
        hub.execute(new Runnable() {   // the carrier registers and removes records in rounds, growing and rebuilding the table
            int round;

            @Override
            public void run() {
                List<ThreadRecord> batch = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    ThreadRecord r = record("churn-" + round + "-" + i);
                    batch.add(r);
                    registry.register(r);
                }
                batch.forEach(registry::unregister);
                round++;
                if (stop.get()) {
                    churn.complete(null);
                } else {
                    hub.execute(this);
                }
            }
        });
        for (int scan = 0; scan < 2_000; scan++) {
            List<ThreadRecord> seen = registry.snapshot();
            Set<ThreadRecord> unique = new HashSet<>(seen);
            assertEquals(seen.size(), unique.size(), "no record twice");
            for (ThreadRecord r : steady) {
                assertTrue(unique.contains(r), "a record registered throughout is always seen");
            }
        }
        stop.set(true);
        churn.join();
        onCarrier(() -> {
            for (ThreadRecord r : steady) {
                registry.unregister(r);
            }
            return null;
        });
    }

    @Test
    void anOpenHubsRegistryIsListedUntilTheHubCloses() {
        assertTrue(ThreadRegistry.all().contains(registry));
        hub.close();
        assertFalse(ThreadRegistry.all().contains(registry));
    }
}
