package io.greening.patch;

import io.greening.Hub;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The hubs the agent spreads green threads over (the setting {@code hubs=N}): the shared hub plus {@code N - 1} more,
 * started on first use with {@link io.greening.HubOptions#configured()} as the shared hub is; new green threads go to
 * them in turn.
 */
public final class Hubs {
    private static volatile Hub[] hubs;
    private static final AtomicInteger NEXT = new AtomicInteger();

    private Hubs() {}

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
            Hub[] all = new Hub[io.greening.internal.Settings.get(io.greening.internal.Settings.HUBS)];
            all[0] = Hub.shared();
            for (int i = 1; i < all.length; i++) {
                all[i] = Hub.start("greening-hub-" + i);
            }
            hubs = all;
        }
        return hubs;
    }
}
