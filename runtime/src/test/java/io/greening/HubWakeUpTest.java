package io.greening;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sleeping handshake between a hub and a thread that hands it work: the hub says it sleeps, then looks at its
 * remote queue once more; the producer offers, then looks whether the hub sleeps. Unless both looks are ordered after
 * both writes, each can miss the other (a store-load reordering) and the hub sleeps on work it was given. Each round
 * here hands an idle hub one task from a platform thread and waits for it, so every round crosses the handshake.
 */
class HubWakeUpTest {
    private static final int ROUNDS = 200_000;

    @Test
    @org.junit.jupiter.api.Timeout(120)
    void workHandedToASleepingHubFromAnotherThreadIsNeverLost() throws InterruptedException {
        Hub hub = Hub.start("wake-up");
        try {
            for (int round = 0; round < ROUNDS; round++) {
                CountDownLatch ran = new CountDownLatch(1);
                hub.execute(ran::countDown);
                assertTrue(ran.await(10, TimeUnit.SECONDS), "the hub slept on the task of round " + round);
            }
        } finally {
            hub.close();
        }
    }
}
