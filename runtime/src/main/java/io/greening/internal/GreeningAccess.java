package io.greening.internal;

import io.greening.GreenThread;
import io.greening.Hub;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * What {@code io.greening} lets greening's other packages do with a hub and its green threads, through
 * {@link Access#greening()}; implemented by {@code Hub}. The parts a hub's loop is made of are this package's
 * classes; this hands out a hub's instances of them.
 */
public interface GreeningAccess {
    /** The hub's registry of live green threads. */
    ThreadRegistry registry(Hub hub);

    /** The hub's timers. Carrier only. */
    TimerHeap timers(Hub hub);

    /** The hub's clock. */
    HubClock clock(Hub hub);

    /** The hub's selector and who waits on it. */
    IoWaiters io(Hub hub);

    /** How many offloaded calls green threads of the hub wait for: under a virtual clock, real work in flight. */
    AtomicInteger offloadsInFlight(Hub hub);

    /** How many tasks the hub's loop has run, for the stall monitor; from any thread. */
    long tasksRun(Hub hub);

    /** Whether the hub's loop is running a task or between tasks (not waiting for work), for the stall monitor. */
    boolean isBusy(Hub hub);

    /**
     * Runs {@code wakeUp}, which unparks or starts one green thread of the hub, so that this thread runs next,
     * before the work already ready: a direct handoff, as a greenlet switch needs. Off the carrier it simply runs
     * {@code wakeUp}.
     */
    void runNext(Hub hub, Runnable wakeUp);

    /** A hub whose carrier is the calling platform thread, which runs its loop only while it calls {@link #driveUntil}. */
    Hub driven(String name);

    /**
     * Runs the loop of a {@linkplain #driven driven} hub on the calling thread, its carrier, until {@code done} holds
     * (checked between batches of ready work).
     *
     * @throws IllegalStateException if the caller is not the hub's carrier
     */
    void driveUntil(Hub hub, BooleanSupplier done);

    /**
     * The monitor found {@code hub}, a hub of a group, running one task past the handoff setting: marks it stuck and
     * hands its ready threads, due timers and ready I/O to its group. Returns how many nanoseconds until the monitor
     * should call again while the hub stays stuck ({@link Long#MAX_VALUE}: no sooner than its usual look); does nothing
     * for a hub on its own.
     */
    long handOff(Hub hub);

    /**
     * The hub that stands for every selector a channel used by green threads of {@code hub} may be registered with:
     * {@code hub} itself, or the first hub of its group (whose threads wait on any of its hubs).
     */
    Hub ioDomain(Hub hub);

    /**
     * Drops {@code channel}'s registrations with the selector of the current green thread's hub, and its group's, so
     * that the channel can go back to blocking mode.
     *
     * @throws IllegalStateException if the caller is not a green thread
     */
    void forget(SelectableChannel channel) throws IOException;

    /** A green thread of the hub, not started yet: what {@code Hub.spawn} makes before it starts it. */
    <T> GreenThread<T> newGreenThread(Hub hub, Callable<T> body);

    /** Starts a green thread made by {@link #newGreenThread}; does nothing if it started already. */
    void start(GreenThread<?> thread);
}
