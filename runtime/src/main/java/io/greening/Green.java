package io.greening;

import io.greening.internal.Callables;
import io.greening.internal.Deadlines;
import io.greening.internal.Offload;
import io.greening.internal.Parking;
import io.greening.internal.Rethrow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The entry points of greening's runtime: run a hub, spawn green threads, sleep and yield on the hub.
 *
 * <p>A green thread is a virtual thread scheduled by a {@link Hub}. Greening's blocking calls (sleep, join,
 * {@link Timeout}, offload, and what the agent rewrites) let the other green threads of the hub run meanwhile,
 * and are where {@link GreenThread#kill()} and {@link Timeout} raise. An interrupt makes them throw
 * {@link GreenInterruptedException}.
 */
public final class Green {
    private Green() {}

    /**
     * Runs {@code main} as the root green thread of a new hub driven by the calling thread, until it ends, and
     * returns its result (like {@code stackless.run()} or {@code asyncio.run}). Green threads still alive when the
     * root ends are killed, and their {@code finally} blocks run, before this returns.
     *
     * @throws IllegalStateException if called on a green thread (spawn instead)
     * @see GreenThread#get() for how a failure of {@code main} is rethrown
     */
    public static <T> T run(Callable<T> main) {
        return run(HubOptions.configured(), main);
    }

    /**
     * Runs {@code main} as in {@link #run(Callable)} on a hub with {@code options}. Under a random schedule, a
     * failure carries a suppressed {@link ReplayHint} naming the seed that reproduces it.
     */
    public static <T> T run(HubOptions options, Callable<T> main) {
        Thread me = Thread.currentThread();
        if (Hub.of(me) != null) {
            throw new IllegalStateException("Green.run cannot be nested in a green thread; use Green.spawn");
        }
        if (me.isVirtual()) {
            // A virtual thread cannot carry other virtual threads: drive the hub from a thread of its own.
            try (Hub hub = Hub.start(Hub.nextHubName("greening-run"), options)) {
                return ReplayHint.attachOnFailure(options, hub.spawn(main)::get);
            }
        }
        Hub hub = Hub.driven(Hub.nextHubName("greening-run"), options);
        GreenThread<T> root = hub.newGreenThread(main);
        root.outcomeClaimed = true;
        hub.root = root;
        root.start();
        try {
            hub.drive(root::isDead);
        } finally {
            hub.shutDown();
        }
        return ReplayHint.attachOnFailure(options, root::get);
    }

    /** Runs {@code main} as in {@link #run(Callable)}. */
    public static void run(Runnable main) {
        run(Callables.of(main));
    }

    /**
     * Spawns a green thread running {@code body}: on the current hub when called on a green thread (it runs once
     * the caller blocks or cedes), else on the {@linkplain Hub#shared() shared hub}.
     */
    public static <T> GreenThread<T> spawn(Callable<T> body) {
        return hubForSpawn().spawn(body);
    }

    /** Spawns a green thread running {@code body}; see {@link #spawn(Callable)}. */
    public static GreenThread<Void> spawn(Runnable body) {
        return hubForSpawn().spawn(body);
    }

    /**
     * Makes a green thread running {@code body} that waits to be started by {@link GreenThread#start()} or
     * {@link GreenThread#startLater} (gevent's {@code Greenlet(run)}), on the hub {@link #spawn(Callable)} would use.
     * Until then it is not {@linkplain GreenThread#isAlive() alive}; a kill ends it without running {@code body}.
     */
    public static <T> GreenThread<T> unstarted(Callable<T> body) {
        return hubForSpawn().unstarted(body);
    }

    /** Makes an unstarted green thread running {@code body}; see {@link #unstarted(Callable)}. */
    public static GreenThread<Void> unstarted(Runnable body) {
        return hubForSpawn().unstarted(body);
    }

    /** Spawns a green thread that starts after {@code delay}; see {@link #spawn(Callable)}. */
    public static <T> GreenThread<T> spawnAfter(Duration delay, Callable<T> body) {
        return hubForSpawn().spawnAfter(delay, body);
    }

    /** Spawns a green thread that starts after {@code delay}; see {@link #spawn(Callable)}. */
    public static GreenThread<Void> spawnAfter(Duration delay, Runnable body) {
        return hubForSpawn().spawnAfter(delay, Callables.of(body));
    }

    /**
     * Like {@link #spawnAfter(Duration, Callable)}, but only while the calling green thread lives (eventlet's
     * {@code spawn_after_local}): if the caller has died by the time the delay is over, the new thread dies
     * without running {@code body}, as if {@linkplain GreenThread#cancel() cancelled} ({@code get()} throws
     * {@link GreenletExit}). Called off a green thread, it is {@code spawnAfter}.
     */
    public static <T> GreenThread<T> spawnAfterLocal(Duration delay, Callable<T> body) {
        GreenThread<?> spawner = GreenThread.current();
        if (spawner == null) {
            return spawnAfter(delay, body);
        }
        return spawnAfter(delay, () -> {
            if (spawner.isDead()) {
                throw new GreenletExit();   // its spawner is gone: cancelled
            }
            return body.call();
        });
    }

    /** Like {@link #spawnAfter(Duration, Runnable)}, only while the caller lives; see {@link #spawnAfterLocal(Duration, Callable)}. */
    public static GreenThread<Void> spawnAfterLocal(Duration delay, Runnable body) {
        return spawnAfterLocal(delay, Callables.of(body));
    }

    /**
     * Calls {@code body} under a {@link Timeout} of {@code timeout} and returns its value, as gevent's and eventlet's
     * {@code with_timeout(seconds, func)}: if the timeout expires first, its {@link GreenTimeout} is thrown. What
     * {@code body} throws is rethrown (a checked exception wrapped in a {@code CompletionException}).
     *
     * @throws IllegalStateException if the current thread is not a green thread spawned by greening
     */
    public static <T> T withTimeout(Duration timeout, Callable<? extends T> body) {
        try (Timeout t = Timeout.of(timeout)) {
            return body.call();
        } catch (Exception e) {
            throw Rethrow.unchecked(e);
        }
    }

    /**
     * As {@link #withTimeout(Duration, Callable)}, but returns {@code timeoutValue} if this call's own timeout
     * expires first ({@code with_timeout(seconds, func, timeout_value=...)}); an enclosing timeout that expires
     * meanwhile is still thrown.
     */
    public static <T> T withTimeout(Duration timeout, Callable<? extends T> body, T timeoutValue) {
        Timeout t = Timeout.of(timeout);
        try (t) {
            return body.call();
        } catch (GreenTimeout expired) {
            if (expired.isFrom(t)) {
                return timeoutValue;
            }
            throw expired;
        } catch (Exception e) {
            throw Rethrow.unchecked(e);
        }
    }

    private static Hub hubForSpawn() {
        Hub hub = Hub.current();
        return hub != null ? hub : Hub.shared();
    }

    /**
     * Sleeps at least {@code duration} on the hub's timers, never less; other green threads run meanwhile. Zero or
     * less is {@link #cede()}. On a thread that is not green it parks the thread for that long.
     *
     * @throws GreenletExit if the thread is killed meanwhile
     * @throws GreenTimeout if a {@link Timeout} of the thread expires meanwhile
     * @throws GreenInterruptedException if the thread is interrupted
     */
    public static void sleep(Duration duration) {
        if (duration.isNegative() || duration.isZero()) {
            cede();
            return;
        }
        long deadline = Deadlines.after(duration);
        while (!Deadlines.hasPassed(deadline)) {
            Parking.parkUntil(deadline);
        }
    }

    /** Sleeps {@code millis} milliseconds; see {@link #sleep(Duration)}. */
    public static void sleep(long millis) {
        sleep(Duration.ofMillis(millis));
    }

    /**
     * Lets every other ready green thread of the hub run once before the caller goes on (eventlet's
     * {@code sleep(0)}). On a thread that is not green it is {@link Thread#yield()}.
     */
    public static void cede() {
        GreenThread<?> me = GreenThread.current();
        if (me != null) {
            me.raisePending();
        }
        Thread.yield();
        if (me != null) {
            me.raisePending();
        }
    }

    /**
     * Waits until {@code count} of {@code threads} are dead, or {@code timeout} ({@code null}: no limit) passes, as
     * gevent's {@code wait(objects, timeout, count)}; returns the dead ones in the order they died (those dead
     * already first, in the order given), at most {@code count}. Any thread may call it.
     */
    public static List<GreenThread<?>> await(Collection<? extends GreenThread<?>> threads, Duration timeout, int count) {
        return collect(threads, timeout, count, false);
    }

    /** Waits for every one of {@code threads} to die, or {@code timeout} ({@code null}: no limit); see {@link #await(Collection, Duration, int)}. */
    public static List<GreenThread<?>> await(Collection<? extends GreenThread<?>> threads, Duration timeout) {
        return collect(threads, timeout, threads.size(), false);
    }

    /** Waits for every one of {@code threads} to die, gevent's {@code joinall(greenlets)}; returns them in the order they died. */
    public static List<GreenThread<?>> joinAll(Collection<? extends GreenThread<?>> threads) {
        return collect(threads, null, threads.size(), false);
    }

    /**
     * Waits at most {@code timeout} ({@code null}: no limit) for every one of {@code threads} to die, gevent's
     * {@code joinall(greenlets, timeout)}; returns those that died, in the order they died.
     */
    public static List<GreenThread<?>> joinAll(Collection<? extends GreenThread<?>> threads, Duration timeout) {
        return collect(threads, timeout, threads.size(), false);
    }

    /**
     * As {@link #joinAll(Collection, Duration)}; with {@code raiseError}, gevent's {@code raise_error=True}, the
     * first of them to die of an exception ends the wait and its exception is rethrown here, as
     * {@link GreenThread#get()} does (a killed thread is no failure).
     */
    public static List<GreenThread<?>> joinAll(Collection<? extends GreenThread<?>> threads, Duration timeout,
                                               boolean raiseError) {
        return collect(threads, timeout, threads.size(), raiseError);
    }

    /**
     * Kills every one of {@code threads} (see {@link GreenThread#kill()}) and waits until they are dead, gevent's
     * {@code killall(greenlets)}.
     */
    public static void killAll(Collection<? extends GreenThread<?>> threads) {
        killAll(threads, null);
    }

    /**
     * Kills every one of {@code threads} and waits at most {@code timeout} ({@code null}: no limit;
     * {@link Duration#ZERO}: no wait, gevent's {@code block=False}) for them to die; returns whether they all did.
     * (gevent's {@code killall(timeout=...)} raises its {@code Timeout} instead.)
     */
    public static boolean killAll(Collection<? extends GreenThread<?>> threads, Duration timeout) {
        for (GreenThread<?> thread : threads) {
            thread.kill();
        }
        return collect(threads, timeout, threads.size(), false).size() == threads.size();
    }

    /** Waits until {@code count} of {@code threads} died (or one failed, with {@code raiseError}) or time is up. */
    private static List<GreenThread<?>> collect(Collection<? extends GreenThread<?>> threads, Duration timeout,
                                                int count, boolean raiseError) {
        long deadline = timeout == null ? Deadlines.NO_DEADLINE : Deadlines.after(timeout);
        Thread me = Thread.currentThread();
        List<GreenThread<?>> dead = new ArrayList<>();   // guarded by itself: links run on the dying threads
        Set<GreenThread<?>> counted = Collections.newSetFromMap(new IdentityHashMap<>());   // guarded by dead
        Consumer<GreenThread<?>> countDead = thread -> {
            synchronized (dead) {
                if (counted.add(thread)) {
                    dead.add(thread);
                }
            }
        };
        Consumer<GreenThread<?>> onDeath = thread -> {
            countDead.accept(thread);
            LockSupport.unpark(me);
        };
        List<GreenThread<?>> linked = new ArrayList<>(threads);
        try {
            for (GreenThread<?> thread : linked) {
                thread.link(onDeath);   // a dead one at once, here: those dead already come first, in order
                if (thread.isDead()) {
                    countDead.accept(thread);   // killed before its body began, its links still to run on its hub
                }
            }
            int seen = 0;
            while (true) {
                synchronized (dead) {
                    for (; seen < dead.size() && seen < count; seen++) {
                        Throwable failure = dead.get(seen).exception();
                        if (raiseError && failure != null) {
                            throw Rethrow.unchecked(failure);
                        }
                    }
                    if (seen >= count) {
                        break;
                    }
                }
                if (Deadlines.hasPassed(deadline)) {
                    break;
                }
                Parking.parkUntil(deadline, threads);
            }
        } finally {
            for (GreenThread<?> thread : linked) {
                thread.unlink(onDeath);
            }
        }
        synchronized (dead) {
            return new ArrayList<>(dead.subList(0, Math.min(count, dead.size())));
        }
    }

    /** The current green thread, or {@code null} if the caller is not a green thread spawned by greening. */
    public static GreenThread<?> current() {
        return GreenThread.current();
    }

    /** Whether the caller runs on a hub: a green thread, or a virtual thread one started. */
    public static boolean isGreen() {
        return Hub.current() != null;
    }

    /**
     * Runs blocking work that cannot be made green (file I/O, DNS, JNI) on a bounded pool of real threads
     * ({@code greening.offload.threads}, default 20) while the calling green thread waits green, as eventlet's
     * {@code tpool.execute}. Returns what {@code work} returns and throws what it throws. Called off the hub, it
     * runs {@code work} in place. If the waiting green thread is killed, the work is interrupted.
     */
    public static <T> T offload(Callable<T> work) throws Exception {
        return Offload.call(work, true);
    }

    /**
     * Like {@link #offload}, but the wait ignores interrupts, as the JDK's file I/O and DNS calls do (the agent's
     * patches use it to keep their interrupt behaviour): an interrupt during the wait is kept and set again when the
     * work is done. A kill or timeout still ends the wait.
     */
    public static <T> T offloadUninterruptibly(Callable<T> work) throws Exception {
        return Offload.call(work, false);
    }
}
