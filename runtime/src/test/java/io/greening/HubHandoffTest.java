package io.greening;

import io.greening.internal.Parking;

import io.greening.internal.Deadlines;

import io.greening.internal.Access;

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
                    Parking.parkUntil(Deadlines.NO_DEADLINE);
                }
                events.add("woken");
            });
            Green.cede();   // the waiter parks
            Green.spawn(() -> events.add("ready before"));
            go[0] = true;
            Access.greening().runNext(hub, () -> LockSupport.unpark(waiter.thread()));
            Green.cede();
            Green.cede();
            return events;
        });
        assertEquals(List.of("woken", "ready before"), log);
    }

    @Test
    void aDrivenHubRunsOnlyWhileItsCarrierDrivesIt() throws Exception {
        Hub hub = Access.greening().driven("driven-test");
        GreenThread<String> thread = hub.spawn(() -> "ran on " + Thread.currentThread().isVirtual());
        assertFalse(thread.isDead());
        CompletableFuture<Throwable> fromOther = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                Access.greening().driveUntil(hub, () -> true);
                fromOther.complete(null);
            } catch (Throwable t) {
                fromOther.complete(t);
            }
        });
        assertInstanceOf(IllegalStateException.class, fromOther.get());
        Access.greening().driveUntil(hub, thread::isDead);
        assertEquals("ran on true", thread.get());
    }
}
