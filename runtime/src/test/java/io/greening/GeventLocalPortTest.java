package io.greening;

import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Cases of gevent's src/gevent/tests/test__local.py, ported: gevent's {@code local} (and monkey-patched
 * {@code threading.local}) is a plain {@link ThreadLocal} on greening, since every green thread is a thread.
 */
@org.junit.jupiter.api.Timeout(60)
class GeventLocalPortTest {

    private static final ThreadLocal<String> PATH = new ThreadLocal<>();

    /** test__local.py test_local_dicts_for_greenlet / test_objects: each green thread sees only its own values. */
    @Test
    void eachGreenThreadHasItsOwnValues() {
        Green.run(() -> {
            PATH.set("root");
            List<GreenThread<String>> threads = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String mine = "path " + i;
                threads.add(Green.spawn(() -> {
                    assertNull(PATH.get());
                    PATH.set(mine);
                    Green.sleep(1);   // the others set theirs meanwhile
                    return PATH.get();
                }));
            }
            for (int i = 0; i < 5; i++) {
                assertEquals("path " + i, threads.get(i).get());
            }
            assertEquals("root", PATH.get());
            return null;
        });
    }

    /**
     * test__local.py test_locals_collected_when_greenlet_dead_but_still_referenced (gevent #387): the values of a
     * dead green thread are collected though the thread is still referenced.
     */
    @Test
    void theValuesOfADeadButReferencedGreenThreadAreCollected() {
        ThreadLocal<Object> local = new ThreadLocal<>();
        Green.run(() -> {
            List<WeakReference<Object>> sentinels = new ArrayList<>();
            List<GreenThread<Void>> threads = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                threads.add(Green.spawn(() -> {
                    Object sentinel = new Object();
                    local.set(sentinel);
                    synchronized (sentinels) {
                        sentinels.add(new WeakReference<>(sentinel));
                    }
                }));
            }
            Green.joinAll(threads, Duration.ofSeconds(30));
            assertEquals(5, sentinels.size());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (sentinels.stream().anyMatch(r -> r.get() != null) && System.nanoTime() < deadline) {
                System.gc();
                Green.sleep(1);
            }
            assertTrue(sentinels.stream().allMatch(r -> r.get() == null), "a dead green thread kept its locals");
            assertTrue(threads.stream().allMatch(GreenThread::isDead));   // still referenced here
            return null;
        });
    }
}
