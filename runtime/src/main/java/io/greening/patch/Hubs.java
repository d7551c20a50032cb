package io.greening.patch;

import io.greening.Hub;
import io.greening.HubGroup;
import io.greening.HubOptions;
import io.greening.internal.LazyLogger;
import io.greening.internal.Settings;

import java.util.concurrent.Executor;

/**
 * Where the agent's green threads run: with {@code hubs=auto} (one per available processor) or {@code hubs=N} above
 * one, its {@link HubGroup}, started on first use; with {@code hubs=1}, or when the schedule is seeded or the clock
 * virtual, the {@linkplain Hub#shared() shared hub} alone: a single loop, and a deterministic run replays only on one
 * hub.
 */
public final class Hubs {
    private static final System.Logger LOG = LazyLogger.named("io.greening.agent");
    private static volatile Executor scheduler;

    private Hubs() {}

    /** The scheduler the agent's green threads are made with: its group, or the shared hub. */
    public static Executor scheduler() {
        Executor s = scheduler;
        return s != null ? s : start();
    }

    private static synchronized Executor start() {
        if (scheduler == null) {
            scheduler = choose(HubOptions.configured(), Settings.get(Settings.HUBS), Settings.isGiven(Settings.HUBS));
        }
        return scheduler;
    }

    /**
     * The scheduler for {@code options} and {@code hubs}: the shared hub for a seeded schedule, a virtual clock or one
     * hub (warning once if {@code hubs} was asked for and cannot be had), else a new group of {@code hubs} hubs.
     */
    static Executor choose(HubOptions options, int hubs, boolean hubsGiven) {
        if (options.isSeeded() || options.virtualClock()) {
            if (hubs > 1 && hubsGiven) {
                LOG.log(System.Logger.Level.WARNING, "greening: " + options + " runs on one hub so that it replays;"
                        + " hubs=" + hubs + " is not used");
            }
            return Hub.shared();
        }
        return hubs == 1 ? Hub.shared() : HubGroup.start("greening-hub", hubs);
    }
}
