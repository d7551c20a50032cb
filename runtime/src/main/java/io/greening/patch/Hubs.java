package io.greening.patch;

import io.greening.Hub;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The hubs the agent spreads green threads over ({@code hubs=N}): the shared hub plus {@code N - 1} more, started on
 * first use; new green threads go to them in turn.
 */
public final class Hubs {
    private static volatile int configured = 1;
    private static volatile Hub[] hubs;
    private static final AtomicInteger NEXT = new AtomicInteger();

    private Hubs() {}

    /** Sets how many hubs to use; called by the agent before any green thread starts. */
    public static void configure(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("hubs must be at least 1: " + count);
        }
        configured = count;
    }

    /** The hub for the next green thread. */
    public static Hub next() {
        Hub[] all = hubs;
        if (all == null) {
            all = startAll();
        }
        return all.length == 1 ? all[0] : all[Math.floorMod(NEXT.getAndIncrement(), all.length)];
    }

    private static synchronized Hub[] startAll() {
        if (hubs == null) {
            Hub[] all = new Hub[configured];
            all[0] = Hub.shared();
            for (int i = 1; i < all.length; i++) {
                all[i] = Hub.start("greening-hub-" + i);
            }
            hubs = all;
        }
        return hubs;
    }
}
