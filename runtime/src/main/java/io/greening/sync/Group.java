package io.greening.sync;

import io.greening.Green;
import io.greening.GreenThread;
import io.greening.Hub;
import io.greening.internal.Access;
import io.greening.internal.Callables;
import io.greening.internal.Deadlines;
import io.greening.internal.GreeningAccess;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A set of green threads that leave it when they die, gevent's {@code Group}: spawn into it, {@link #join()} them
 * all, {@link #killAll()} them. {@link GreenPool} is a group with a size limit. The static {@link #joinAll} and
 * {@link #killAll(Collection, Duration)} are gevent's {@code joinall} and {@code killall} for any threads.
 * Same-hub use has no atomic or lock; other threads use a slower path.
 */
public class Group extends GreenSync {
    private static final Object EMPTY = Boolean.TRUE;
    private final LinkedHashSet<GreenThread<?>> members = new LinkedHashSet<>();
    private final ArrayDeque<Waiter> joiners = new ArrayDeque<>();

    /** An empty group. */
    public Group() {
    }

    /**
     * Spawns {@code body} as a member, where {@link Green#spawn} would: on the current hub when called on a green
     * thread, else on the {@linkplain Hub#shared() shared hub}.
     */
    public <T> GreenThread<T> spawn(Callable<T> body) {
        GreeningAccess access = Access.greening();
        GreenThread<T> thread = access.newGreenThread(spawnHub(), body);
        addMember(thread);   // before it starts: it cannot die before it is a member
        access.start(thread);
        return thread;
    }

    /** Spawns {@code body} as a member; see {@link #spawn(Callable)}. */
    public GreenThread<Void> spawn(Runnable body) {
        return spawn(Callables.of(body));
    }

    Hub spawnHub() {
        Hub current = Hub.current();
        if (current != null) {
            return current;
        }
        return Hub.shared();
    }

    /** Adds a thread spawned elsewhere; it leaves the group when it dies (at once if it is dead). */
    public void add(GreenThread<?> thread) {
        addMember(thread);
    }

    final void addMember(GreenThread<?> thread) {
        guarded(() -> members.add(thread));
        thread.link(this::leave);
    }

    /** Removes {@code thread} from the group without touching it (in a pool, it no longer takes a slot). */
    public void discard(GreenThread<?> thread) {
        leave(thread);
    }

    private void leave(GreenThread<?> thread) {
        guarded(() -> {
            if (removeMember(thread)) {
                onLeave();
            }
            return null;
        });
    }

    private boolean removeMember(GreenThread<?> thread) {
        boolean removed = members.remove(thread);
        if (members.isEmpty()) {
            wakeAll(joiners, EMPTY);
        }
        return removed;
    }

    /** Called on the state when a member died or was discarded; {@link GreenPool} frees its slot. */
    void onLeave() {
    }

    /** Whether {@code thread} is a member. */
    public boolean contains(GreenThread<?> thread) {
        return guarded(() -> members.contains(thread));
    }

    /** How many members are alive (Python's {@code len(group)}). */
    public int count() {
        return guarded(members::size);
    }

    /** The members now, in spawn order. */
    public List<GreenThread<?>> threads() {
        return guarded(() -> new ArrayList<>(members));
    }

    /** Waits until every member has died (including those spawned while waiting). */
    public void join() {
        await(joiners, Deadlines.NO_DEADLINE, null, this::emptyNow, null);
    }

    /** Waits at most {@code timeout} for every member to die; returns whether they did. */
    public boolean join(Duration timeout) {
        return await(joiners, deadline(timeout), null, this::emptyNow, null) != NOT_YET;
    }

    Object emptyNow() {
        return members.isEmpty() ? EMPTY : NOT_YET;
    }

    /** Kills every member (see {@link GreenThread#kill()}) without waiting. */
    public void killAll() {
        for (GreenThread<?> thread : threads()) {
            thread.kill();
        }
    }

    /** Kills every member and waits at most {@code timeout} for them to die; returns whether they did. */
    public boolean killAll(Duration timeout) {
        killAll();
        return join(timeout);
    }

    /**
     * Waits at most {@code timeout} ({@code null}: no limit) for every thread of {@code threads} to die, gevent's
     * {@code joinall}; returns those that did, in the order given.
     */
    public static List<GreenThread<?>> joinAll(Collection<? extends GreenThread<?>> threads, Duration timeout) {
        long deadline = timeout == null ? Deadlines.NO_DEADLINE : deadline(timeout);
        for (GreenThread<?> thread : threads) {
            if (deadline == Deadlines.NO_DEADLINE) {
                thread.join();
            } else if (!thread.join(Duration.ofNanos(Deadlines.nanosLeft(deadline)))) {
                break;
            }
        }
        List<GreenThread<?>> dead = new ArrayList<>();
        for (GreenThread<?> thread : threads) {
            if (thread.isDead()) {
                dead.add(thread);
            }
        }
        return dead;
    }

    /**
     * Kills every thread of {@code threads} and waits at most {@code timeout} ({@code null}: no limit) for them to
     * die, gevent's {@code killall}; returns whether they all did.
     */
    public static boolean killAll(Collection<? extends GreenThread<?>> threads, Duration timeout) {
        for (GreenThread<?> thread : threads) {
            thread.kill();
        }
        return joinAll(threads, timeout).size() == threads.size();
    }
}
