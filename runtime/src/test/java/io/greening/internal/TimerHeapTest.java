package io.greening.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class TimerHeapTest {

    @Test
    void pollsInDeadlineOrderThenSchedulingOrderAndCancelsAnywhere() {
        TimerHeap heap = new TimerHeap();
        Random random = new Random(7);
        List<TimerHeap.Timer> all = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            all.add(heap.add(random.nextInt(1_000), "t" + i));
        }
        List<TimerHeap.Timer> cancelled = new ArrayList<>();
        for (int i = 0; i < all.size(); i += 3) {
            heap.cancel(all.get(i));
            heap.cancel(all.get(i));   // twice is harmless
            cancelled.add(all.get(i));
        }
        assertEquals(all.size() - cancelled.size(), heap.size());
        long lastDeadline = Long.MIN_VALUE;
        int lastIndex = -1;
        TimerHeap.Timer t;
        int polled = 0;
        while ((t = heap.pollDue(Long.MAX_VALUE - 1)) != null) {
            assertFalse(cancelled.contains(t));
            int index = all.indexOf(t);
            assertTrue(t.deadline() > lastDeadline || t.deadline() == lastDeadline && index > lastIndex);
            lastDeadline = t.deadline();
            lastIndex = index;
            assertFalse(t.isPending());
            polled++;
        }
        assertEquals(all.size() - cancelled.size(), polled);
    }

    @Test
    void nothingIsDueBeforeItsDeadline() {
        TimerHeap heap = new TimerHeap();
        heap.add(100, "x");
        assertNull(heap.pollDue(99));
        assertNotNull(heap.pollDue(100));
    }
}
