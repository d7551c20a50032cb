package io.greening.sync;

import io.greening.Green;
import io.greening.GreenThread;
import io.greening.GreenletExit;
import io.greening.Hub;
import io.greening.internal.Access;
import io.greening.internal.Callables;
import io.greening.internal.Deadlines;
import io.greening.internal.GreeningAccess;
import io.greening.internal.Rethrow;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A set of green threads that leave it when they die, gevent's {@code Group}: spawn into it, {@link #join()} them
 * all, {@link #killAll()} them. {@link GreenPool} is a group with a size limit. The static {@link #joinAll} and
 * {@link #killAll(Collection, Duration)} are {@link Green#joinAll(Collection, Duration)} and
 * {@link Green#killAll(Collection, Duration)}, gevent's {@code joinall} and {@code killall} for any threads.
 * Same-hub use has no atomic or lock; other threads use a slower path.
 */
public class Group extends GreenSync {
    private static final Object EMPTY = Boolean.TRUE;
    private final LinkedHashSet<GreenThread<?>> members = new LinkedHashSet<>();
    private final ArrayDeque<Waiter> joiners = new ArrayDeque<>();
    /** Members this group killed, not dead yet (gevent's {@code dying}): a later kill of the group skips them. */
    private final Set<GreenThread<?>> dying = new HashSet<>();

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
        dying.remove(thread);
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

    /**
     * Waits at most {@code timeout} ({@code null}: no limit) for every member to die, as {@link #join(Duration)};
     * with {@code raiseError}, gevent's {@code join(raise_error=True)}, then rethrows the failure of the first of the
     * threads that were members when the wait began that died of one (as {@link GreenThread#get()} does; a killed
     * thread is no failure).
     *
     * @return whether every member died in time
     */
    public boolean join(Duration timeout, boolean raiseError) {
        List<GreenThread<?>> watched = raiseError ? threads() : List.of();
        boolean empty;
        if (timeout == null) {
            join();
            empty = true;
        } else {
            empty = join(timeout);
        }
        for (GreenThread<?> thread : watched) {
            Throwable failure = thread.exception();
            if (failure != null) {
                throw Rethrow.unchecked(failure);
            }
        }
        return empty;
    }

    Object emptyNow() {
        return members.isEmpty() ? EMPTY : NOT_YET;
    }

    /**
     * Kills every member (see {@link GreenThread#kill()}) without waiting, as gevent's {@code kill(block=False)}: a
     * member this group killed already and that is still dying is not killed again.
     */
    public void killAll() {
        for (GreenThread<?> thread : threads()) {
            killOnce(thread);
        }
    }

    /** Kills every member (once, see {@link #killAll()}) and waits at most {@code timeout} for them to die; returns whether they did. */
    public boolean killAll(Duration timeout) {
        killAll();
        return join(timeout);
    }

    /**
     * Kills {@code thread}, a member, without waiting, gevent's {@code killone(block=False)}: not again if this group
     * killed it already and it is still dying; nothing if it is not a member.
     */
    public void killOne(GreenThread<?> thread) {
        if (contains(thread)) {
            killOnce(thread);
        }
    }

    /** Kills {@code thread} as {@link #killOne(GreenThread)} and waits at most {@code timeout} for it to die; returns whether it did. */
    public boolean killOne(GreenThread<?> thread, Duration timeout) {
        killOne(thread);
        return thread.join(timeout);
    }

    private void killOnce(GreenThread<?> thread) {
        boolean first = guarded(() -> members.contains(thread) && dying.add(thread));
        if (first) {
            thread.kill();
        }
    }

    /**
     * Runs {@code body} in a green thread of this group, waits for it and returns its value (or rethrows its failure,
     * as {@link GreenThread#get()}), gevent's {@code apply}. Called from one of this group's own threads, it runs
     * {@code body} right there instead, as gevent does: a thread of a full {@link GreenPool} would otherwise wait for
     * a slot that it holds itself.
     */
    public <T> T apply(Callable<T> body) {
        GreenThread<?> me = Green.current();
        if (me != null && contains(me)) {
            try {
                return body.call();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new CompletionException(e);   // as get() wraps a checked exception
            }
        }
        return spawn(body).get();
    }

    /**
     * Applies {@code function} to each of {@code arguments} in threads of this group and returns the results in
     * their order, gevent's {@code map}: the first failure in that order is rethrown (as {@link GreenThread#get()}
     * does), while the threads after it run on.
     */
    public <A, R> List<R> map(Function<? super A, ? extends R> function, Iterable<? extends A> arguments) {
        List<GreenThread<R>> threads = new ArrayList<>();
        for (A argument : arguments) {
            threads.add(spawn(() -> function.apply(argument)));
        }
        List<R> results = new ArrayList<>(threads.size());
        for (GreenThread<R> thread : threads) {
            results.add(thread.get());
        }
        return results;
    }

    /**
     * Runs {@code body} in a green thread of this group and returns the thread, without ever waiting, gevent's
     * {@code apply_async}: when the group cannot take a thread now (a full {@link GreenPool}), a green thread outside
     * it waits for the slot and runs {@code body} there, and is what is returned (its value is {@code body}'s).
     */
    public <T> GreenThread<T> applyAsync(Callable<T> body) {
        return applyAsync(body, null);
    }

    /**
     * As {@link #applyAsync(Callable)}, and once {@code body} has returned, calls {@code callback} with its value
     * (not if it failed), gevent's {@code apply_async(func, callback=...)}.
     */
    public <T> GreenThread<T> applyAsync(Callable<T> body, Consumer<? super T> callback) {
        if (wouldWait()) {
            return Green.spawn(() -> {
                T value = spawn(body).get();
                if (callback != null) {
                    callback.accept(value);
                }
                return value;
            });
        }
        GreenThread<T> thread = spawn(body);
        if (callback != null) {
            thread.linkValue(done -> {
                T value;
                try {
                    value = done.get();
                } catch (GreenletExit killed) {
                    return;   // killed: successful, but with no value to pass on
                }
                callback.accept(value);
            });
        }
        return thread;
    }

    /** Whether {@link #spawn} would wait now; a group never does. */
    boolean wouldWait() {
        return false;
    }

    /** Same as {@link Green#joinAll(Collection, Duration)}: returns those that died in time, in the order they died. */
    public static List<GreenThread<?>> joinAll(Collection<? extends GreenThread<?>> threads, Duration timeout) {
        return Green.joinAll(threads, timeout);
    }

    /** Same as {@link Green#killAll(Collection, Duration)}. */
    public static boolean killAll(Collection<? extends GreenThread<?>> threads, Duration timeout) {
        return Green.killAll(threads, timeout);
    }
}
