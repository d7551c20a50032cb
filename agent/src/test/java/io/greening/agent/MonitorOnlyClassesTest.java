package io.greening.agent;

import io.greening.agent.Rewrites.Rewrite;
import io.greening.internal.PatchGroup;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The load-time pre-scan reads only the constant pool, where a synchronized block or method leaves no trace: a class
 * whose only blocking point is {@code synchronized} must still reach the rewriter when the {@code waits} group's
 * monitor entry row is in force, and be left alone when it is not.
 */
class MonitorOnlyClassesTest {

    /** Names no method any row rewrites; its only blocking points are monitor entries. */
    static final class OnlyMonitors {
        private final Object lock = new Object();
        private int count;

        int block() {
            synchronized (lock) {
                return ++count;
            }
        }

        synchronized int method() {
            return count;
        }
    }

    /** Names no method any row rewrites, and holds no monitor entry. */
    static final class NoBlockingPoint {
        int twice(int x) {
            return 2 * x;
        }
    }

    @Test
    void aClassWhoseOnlyBlockingPointsAreMonitorEntriesIsRewrittenUnderTheWaitsGroup() throws IOException {
        assertNotNull(transform(EnumSet.of(PatchGroup.WAITS), OnlyMonitors.class));
    }

    @Test
    void withoutTheWaitsGroupOrAMonitorEntryTheClassIsLeftAlone() throws IOException {
        assertNull(transform(EnumSet.complementOf(EnumSet.of(PatchGroup.WAITS)), OnlyMonitors.class));
        assertNull(transform(EnumSet.allOf(PatchGroup.class), NoBlockingPoint.class));
    }

    private static byte[] transform(EnumSet<PatchGroup> groups, Class<?> type) throws IOException {
        Map<String, List<Rewrite>> rows = Rewrites.index(groups);
        LoadTimeTransformer transformer = new LoadTimeTransformer(new ClassSelector(List.of("**"), List.of()), rows,
                Map.of(), null, new Report(false), false);
        byte[] original;
        try (InputStream in = type.getClassLoader().getResourceAsStream(type.getName().replace('.', '/') + ".class")) {
            original = in.readAllBytes();
        }
        // handed over under an application's name: greening's own classes are never selected
        return transformer.transform(null, type.getClassLoader(), "com/acme/" + type.getSimpleName(), null, null, original);
    }
}
