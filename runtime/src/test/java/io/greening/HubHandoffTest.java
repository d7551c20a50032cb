package io.greening;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(30)
class HubHandoffTest {

    @Test
    void runNextMakesTheWokenThreadRunBeforeTheReadyOnes() {
        List<String> log = Green.run(() -> {
            List<String> events = new ArrayList<>();
            Hub hub = Hub.current();
            boolean[] go = new boolean[1];
            GreenThread<Void> waiter = Green.spawn(() -> {
                while (!go[0]) {
                    Hub.parkUntil(Hub.NO_DEADLINE);
                }
                events.add("woken");
            });
            Green.cede();   // the waiter parks
            Green.spawn(() -> events.add("ready before"));
            go[0] = true;
            hub.runNext(() -> LockSupport.unpark(waiter.thread()));
            Green.cede();
            Green.cede();
            return events;
        });
        assertEquals(List.of("woken", "ready before"), log);
    }

    @Test
    void aDrivenHubRunsOnlyWhileItsCarrierDrivesIt() throws Exception {
        Hub hub = Hub.driven("driven-test");
        GreenThread<String> thread = hub.spawn(() -> "ran on " + Thread.currentThread().isVirtual());
        assertFalse(thread.isDead());
        CompletableFuture<Throwable> fromOther = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                hub.driveUntil(() -> true);
                fromOther.complete(null);
            } catch (Throwable t) {
                fromOther.complete(t);
            }
        });
        assertInstanceOf(IllegalStateException.class, fromOther.get());
        hub.driveUntil(thread::isDead);
        assertEquals("ran on true", thread.get());
    }
}
