package io.greening.internal;

import io.greening.Hub;

/**
 * The platform thread a hub's loop runs on, made by the hub itself ({@code Hub.start}, and every hub of a
 * {@code HubGroup}); it knows its hub for life, so that "which hub runs this code" is one field read of the current
 * carrier. A hub driven by the caller of {@code Green.run} has the caller's own thread as its carrier instead.
 */
public final class HubCarrier extends Thread {
    private final Hub hub;
    /** Known once the carrier runs: the kernel names its thread only from inside it. */
    private volatile ThreadCpu cpu = ThreadCpu.unknown();

    /** An unstarted daemon carrier named {@code name} for {@code hub}, running {@code loop}. */
    public HubCarrier(Hub hub, String name, Runnable loop) {
        super(null, loop, name, 0, false);
        setDaemon(true);
        this.hub = hub;
    }

    @Override
    public void run() {
        try (ThreadCpu mine = ThreadCpu.ofCurrentThread()) {
            cpu = mine;
            super.run();
        }
    }

    /** What the kernel says of this carrier's use of a CPU, for the stall monitor (any thread). */
    public ThreadCpu cpu() {
        return cpu;
    }

    /** The hub whose loop this thread runs. */
    public Hub hub() {
        return hub;
    }

    /**
     * The hub whose carrier runs the calling code (a green thread mounted on it, or the loop itself), or {@code null}
     * if the current carrier is not a {@code HubCarrier}.
     */
    public static Hub current() {
        return VirtualThreads.currentCarrierThread() instanceof HubCarrier carrier ? carrier.hub : null;
    }
}
