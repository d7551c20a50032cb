package io.greening.patch;

import io.greening.Hub;
import io.greening.HubGroup;
import io.greening.HubOptions;
import io.greening.internal.Settings;

import java.util.concurrent.Executor;

/**
 * Where the agent's green threads run: with {@code hubs=auto} (one per available processor) or {@code hubs=N} above
 * one, its {@link HubGroup}, started on first use; with {@code hubs=1}, or when the schedule is seeded or the clock
 * virtual, the {@linkplain Hub#shared() shared hub} alone: a single loop, and a deterministic run replays only on one
 * hub.
 */
public final class Hubs {
    private static final System.Logger LOG = System.getLogger("io.greening.agent");
    private static volatile Executor scheduler;

    private Hubs() {}

    /** The scheduler the agent's green threads are made with: its group, or the shared hub. */
    public static Executor scheduler() {
        Executor s = scheduler;
        return s != null ? s : start();
    }

    private static synchronized Executor start() {
        if (scheduler == null) {
            HubOptions options = HubOptions.configured();
            int hubs = Settings.get(Settings.HUBS);
            if (options.isSeeded() || options.virtualClock()) {
                if (hubs > 1 && Settings.isGiven(Settings.HUBS)) {
                    LOG.log(System.Logger.Level.WARNING, "greening: " + options + " runs on one hub so that it replays;"
                            + " hubs=" + hubs + " is not used");
                }
                scheduler = Hub.shared();
            } else {
                scheduler = hubs == 1 ? Hub.shared() : HubGroup.start("greening-hub", hubs);
            }
        }
        return scheduler;
    }
}
