package io.greening.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class MpscQueueTest {

    @Test
    void everyOfferIsPolledOnceInPerProducerOrder() throws Exception {
        MpscQueue<long[]> queue = new MpscQueue<>();
        int producers = 4, each = 200_000;
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int id = p;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < each; i++) {
                    queue.offer(new long[] {id, i});
                }
            }));
        }
        long[] next = new long[producers];
        int received = 0;
        while (received < producers * each) {
            long[] item = queue.poll();
            if (item == null) {
                Thread.onSpinWait();
                continue;
            }
            assertEquals(next[(int) item[0]]++, item[1], "per-producer FIFO");
            received++;
        }
        for (Thread t : threads) {
            t.join();
        }
        assertTrue(queue.isEmpty());
        assertNull(queue.poll());
    }
}
