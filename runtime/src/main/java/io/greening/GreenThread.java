package io.greening;

import io.greening.internal.Deadlines;
import io.greening.internal.LazyLogger;
import io.greening.internal.Parking;
import io.greening.internal.Rethrow;
import io.greening.internal.ThreadRecord;
import io.greening.internal.VarHandles;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A green thread: a virtual thread scheduled by a {@link Hub}, with the result, links and kill of eventlet's
 * {@code GreenThread} and gevent's {@code Greenlet}. Made by {@link Green#spawn} and {@link Hub#spawn}, or made
 * unstarted by {@link Green#unstarted} and {@link Hub#unstarted} (gevent's {@code Greenlet(run)}) and started later with
 * {@link #start()} or {@link #startLater(Duration)}.
 *
 * @param <T> the type of the value its body returns
 */
public final class GreenThread<T> {
    private static final System.Logger LOG = LazyLogger.named("io.greening.thread");
    /**
     * NEW until started; STARTS_LATER while a {@link #startLater} delay runs; STARTED once its virtual thread is
     * launched; RUNNING once its body began; CANCELLED while a kill or {@link #cancel()} that won the race against the
     * body's start makes it dead on the killer's thread; DEAD at last.
     */
    private static final int NEW = 0, STARTED = 1, DEAD = 2, RUNNING = 3, CANCELLED = 4, STARTS_LATER = 5;
    private static final Object KILL = new Object();   // pending marker: raise a fresh GreenletExit
    private static final List<Object> NO_WAITERS = List.of();
    private static final VarHandle STATE =
            VarHandles.field(MethodHandles.lookup(), GreenThread.class, "state", int.class);

    private final Hub hub;
    private final Callable<T> body;
    private final Thread thread;
    private final Record record;
    private volatile int state;
    private T value;             // published by the volatile write of state = DEAD
    private Throwable failure;
    /** What {@link #kill} raised ({@link #KILL} or the exception), once it was asked to; else null. */
    private volatile Object killedWith;
    /** Set when a caller will read the outcome (the root of {@link Green#run}), so a failure need not be logged. */
    boolean outcomeClaimed;
    /**
     * Joiners (Threads) and links (Consumers, and {@link Filtered} links) in arrival order; once dead, those not
     * notified yet, and null when all were. Guarded by {@code this}. Starts as the shared empty {@link #NO_WAITERS}
     * and gets a list of its own on the first join or link: most green threads are never joined, and a list per
     * thread would cost 48 bytes of every parked thread and an allocation per spawn.
     */
    private List<Object> waiters = NO_WAITERS;

    /** A link that runs only if the thread ended successfully ({@link #linkValue}) or only if it failed ({@link #linkException}). */
    private record Filtered(Consumer<?> link, boolean onSuccess) {
    }

    GreenThread(Hub hub, Callable<T> body, ThreadFactory threads) {
        this.hub = hub;
        this.body = body;
        this.thread = threads.newThread(this::runBody);
        this.record = new Record(this);
    }

    /**
     * Its entry in its hub's registry, which also holds what is pending for it to raise at its next blocking point:
     * {@link #KILL}, a {@link Timeout}, or a Throwable of {@link #kill(RuntimeException)}.
     */
    static final class Record extends ThreadRecord {
        private final GreenThread<?> green;

        Record(GreenThread<?> green) {
            super(green.thread, "spawned");
            this.green = green;
        }

        GreenThread<?> green() {
            return green;
        }

        @Override
        protected Throwable toRaise(Object what) {
            if (what == KILL) {
                return new GreenletExit();
            }
            return what instanceof Timeout timeout ? timeout.toRaise() : (Throwable) what;
        }
    }

    /** The green thread running this code, or {@code null} if it is not a green thread spawned by greening. */
    static GreenThread<?> current() {
        Thread me = Thread.currentThread();
        Hub hub = Hub.of(me);
        return hub != null && hub.registry.lookup(me) instanceof Record r ? r.green : null;
    }

    /**
     * Starts this thread, made by {@link Green#unstarted} or {@link Hub#unstarted}: it runs on its hub once the hub gets
     * to it, as a spawned one (gevent's {@code start()}). Does nothing if it was started already, is waiting out a
     * {@link #startLater} delay, or was killed. Safe from any thread.
     *
     * @throws java.util.concurrent.RejectedExecutionException if its hub is closed
     */
    public void start() {
        if (STATE.compareAndSet(this, NEW, STARTED)) {
            thread.start();
        }
    }

    /**
     * Starts this thread once {@code delay} has passed on its hub's clock (gevent's {@code start_later(seconds)}), as
     * {@link Green#spawnAfter} does. Does nothing if it was started already, is waiting out a delay, or was killed; a
     * kill during the delay ends it at once and it never starts. Safe from any thread.
     */
    public void startLater(Duration delay) {
        if (STATE.compareAndSet(this, NEW, STARTS_LATER)) {
            hub.runAfter(delay, this::startNowItIsDue);
        }
    }

    private void startNowItIsDue() {
        if (STATE.compareAndSet(this, STARTS_LATER, STARTED)) {
            thread.start();
        }
    }

    private void runBody() {
        if (!STATE.compareAndSet(this, STARTED, RUNNING)) {
            // A kill before its body began made it dead and woke its joiners (under the lock notifyWaiters takes: it
            // is DEAD by then); its links run here, on its hub, instead of the body. The killer gave it its end, so
            // its failure, if any, is no news to log.
            notifyWaiters(null, true);
            return;
        }
        // A kill from here on is delivered to the record, even before it is registered, and raised just below.
        hub.registry.register(record);
        if (hub.isClosing()) {
            record.deliver(KILL, true);
        }
        T result = null;
        Throwable thrown = null;
        try {
            raisePending();
            result = body.call();
        } catch (Throwable t) {
            thrown = t;
        } finally {
            hub.registry.unregister(record);
        }
        Object neverRaised = record.end();
        Object kill = killedWith;
        if (thrown == null && neverRaised != null && !(neverRaised instanceof Timeout)) {
            // A kill the body never reached a blocking point for (it was in a call no interrupt ends, or swallowed the
            // interrupt): the thread still died of it, and says so.
            thrown = record.toRaise(neverRaised);
        } else if (thrown != null && kill != null && thrown != kill && !(thrown instanceof GreenletExit)) {
            // A kill interrupted a JDK blocking call, which failed in its own way; the thread still died of the kill.
            if (kill == KILL) {
                thrown = new GreenletExit().initCause(thrown);
            } else {
                ((Throwable) kill).addSuppressed(thrown);
                thrown = (Throwable) kill;
            }
        }
        Thread.interrupted();   // an interrupt we sent to kill must not outlive the kill
        finish(result, thrown);
    }

    private void finish(T result, Throwable thrown) {
        value = result;
        failure = thrown;
        synchronized (this) {
            state = DEAD;
        }
        notifyWaiters(thrown, outcomeClaimed);
    }

    /** Wakes the joiners and runs the links of this dead thread; logs {@code thrown} if nobody heard of it. */
    private void notifyWaiters(Throwable thrown, boolean observed) {
        // One at a time, in order, each taken off under the lock: a link may unlink those after it (as in gevent),
        // and a link added meanwhile is run here too.
        while (true) {
            Object waiter;
            synchronized (this) {
                if (waiters.isEmpty()) {
                    waiters = null;
                    break;
                }
                waiter = waiters.remove(0);
            }
            if (waiter instanceof Thread joiner) {
                LockSupport.unpark(joiner);
            } else {
                runLink(waiter);
            }
            observed = true;
        }
        if (thrown != null && !(thrown instanceof GreenletExit) && !observed) {
            LOG.log(System.Logger.Level.WARNING, "green thread " + name() + " failed", thrown);
        }
    }

    @SuppressWarnings("unchecked")
    private void runLink(Object link) {
        if (link instanceof Filtered filtered) {
            if (filtered.onSuccess != isSuccessful()) {
                return;
            }
            link = filtered.link;
        }
        try {
            ((Consumer<? super GreenThread<T>>) link).accept(this);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "a link of green thread " + name() + " failed", t);
        }
    }

    /** Raises what {@link #kill} or a {@link Timeout} left for this thread, once. Called on this thread only. */
    void raisePending() {
        record.raisePending();
    }

    /** Called by an expiring Timeout on the carrier: raise it at this thread's blocking point unless something else is pending. */
    void timeoutExpired(Timeout timeout) {
        record.deliver(timeout, false);
    }

    /** Withdraws a timeout that expired but was not raised yet, because its scope closed first. */
    void withdrawTimeout(Timeout timeout) {
        record.withdrawPending(timeout);
    }

    /**
     * Kills this green thread: {@link GreenletExit} is raised at its blocking point, so its {@code finally} blocks
     * run. Does not wait; call {@link #join()} for that. Safe from any thread; does nothing to a dead thread.
     *
     * <p>A thread whose body has not begun (spawned but not run by its hub yet, {@linkplain Green#unstarted not
     * started}, or waiting out a {@link #startLater} delay) is dead when this returns, as in gevent and eventlet: its
     * body never runs, {@link #get()} throws the {@code GreenletExit}, and joiners return; its links run on its hub's
     * next turn, as gevent runs them (see {@link #link}). Of a kill and the body's start racing on two carriers,
     * exactly one wins.
     *
     * <p>A thread blocked in a JDK call that is not one of greening's blocking points is interrupted, the only way to
     * end such a call; the kill stays pending and is raised at the next blocking point, even if the application
     * swallows the interrupt. A thread whose body ends without reaching one (it was in a call that ignores interrupts,
     * such as {@code ReentrantLock.lock()} outside code the agent rewrote) still dies of the kill:
     * {@link #exception()} is its {@code GreenletExit}. Which JDK calls are blocking points, with and without the
     * agent: {@code docs/eventlet-gevent.md}.
     */
    public void kill() {
        raise(KILL);
    }

    /** Like {@link #kill()}, raising {@code exception} instead of a {@link GreenletExit}. */
    public void kill(RuntimeException exception) {
        raise(exception);
    }

    private void raise(Object what) {
        // Not RUNNING after that: dead, or being ended before its body began by another kill, which is this one's too.
        if (!endBeforeItsBodyBegan(what) && state == RUNNING) {
            killedWith = what;
            record.deliver(what, true);
        }
    }

    /**
     * Makes this thread dead of {@code what} (see {@link Record#toRaise}) here, on the caller, if its body has not
     * begun, and wakes its joiners; its virtual thread then runs its links instead of its body on its hub
     * ({@link #runBody}), as gevent runs them at its hub's next turn. Returns whether it did.
     */
    private boolean endBeforeItsBodyBegan(Object what) {
        int s = state;
        if (s != NEW && s != STARTS_LATER && s != STARTED) {
            return false;
        }
        // Under the lock, so that the virtual thread, which runs the links once its start lost, finds it DEAD.
        synchronized (this) {
            while (!STATE.compareAndSet(this, s, CANCELLED)) {
                s = state;
                if (s != NEW && s != STARTS_LATER && s != STARTED) {
                    return false;
                }
            }
            killedWith = what;
            failure = record.toRaise(what);
            state = DEAD;
            if (waiters != NO_WAITERS) {
                waiters.removeIf(w -> w instanceof Thread joiner && wake(joiner));
            }
        }
        if (s != STARTED) {
            startToRunLinks();   // not queued on its hub yet: nothing else would run its links
        }
        return true;
    }

    private static boolean wake(Thread joiner) {
        LockSupport.unpark(joiner);
        return true;
    }

    /** Starts the virtual thread of a thread that died before it started, to run its links on its hub. */
    private void startToRunLinks() {
        try {
            thread.start();
        } catch (RejectedExecutionException closed) {
            notifyWaiters(failure, true);   // its hub is closed: here, then
        }
    }

    /**
     * Kills this green thread only if its body has not begun yet (eventlet's {@code cancel}): then it is dead when this
     * returns, as after {@link #kill()}, without running its body, and {@link #get()} throws {@link GreenletExit}. A
     * thread whose body began runs on untouched. Safe from any thread.
     *
     * @return whether it was cancelled
     */
    public boolean cancel() {
        return endBeforeItsBodyBegan(KILL);
    }

    /** Adds a joiner or link while alive; holds {@code this}. */
    private void addWaiter(Object waiter) {
        if (waiters == NO_WAITERS) {
            waiters = new ArrayList<>(2);
        }
        waiters.add(waiter);
    }

    /** Waits until this thread is dead. */
    public void join() {
        joinUntil(Deadlines.NO_DEADLINE);
    }

    /** Waits at most {@code timeout} for this thread to die; returns whether it did. */
    public boolean join(Duration timeout) {
        return joinUntil(Deadlines.after(timeout));
    }

    private boolean joinUntil(long deadline) {
        if (state == DEAD) {
            return true;
        }
        Thread me = Thread.currentThread();
        if (me == thread) {
            throw new IllegalStateException("green thread " + name() + " cannot join itself");
        }
        synchronized (this) {
            if (state == DEAD) {
                return true;
            }
            addWaiter(me);
        }
        try {
            while (state != DEAD) {
                if (Deadlines.hasPassed(deadline)) {
                    return false;
                }
                Parking.parkUntil(deadline, this);
            }
            return true;
        } finally {
            if (state != DEAD) {
                synchronized (this) {
                    if (waiters != null) {
                        waiters.remove(me);
                    }
                }
            }
        }
    }

    /**
     * Waits for this thread to die and returns its value. If the body threw, rethrows it: a
     * {@link RuntimeException} or {@link Error} as it is, a checked exception wrapped in a
     * {@link CompletionException}. A killed thread has no value: its {@link GreenletExit} is rethrown too (eventlet's
     * {@code wait()} does so; gevent's {@code get()} returns the {@code GreenletExit} as the value).
     */
    public T get() {
        join();
        Throwable t = failure;
        if (t == null) {
            return value;
        }
        throw Rethrow.unchecked(t);
    }

    /**
     * Waits at most {@code timeout} for this thread to die, then returns its value or rethrows its failure as
     * {@link #get()} does: gevent's {@code get(timeout=...)}; with {@link Duration#ZERO} it does not wait, gevent's
     * {@code get(block=False)}.
     *
     * @throws TimeoutException if it is still alive when {@code timeout} has passed (gevent raises its {@code Timeout})
     */
    public T get(Duration timeout) throws TimeoutException {
        if (!join(timeout)) {
            throw new TimeoutException("green thread " + name() + " still running after " + timeout);
        }
        return get();
    }

    /**
     * Its value once its body has returned, without waiting (gevent's {@code value}); {@code null} while it is alive,
     * and when it failed or was killed.
     */
    public T value() {
        return state == DEAD && failure == null ? value : null;
    }

    /**
     * Calls {@code link} with this thread once it is dead, exactly once: on the dying green thread right after its
     * body ends (for a thread killed before its body began, when its hub runs it, instead of the body, as gevent
     * schedules them on its hub), or at once on the caller if it is dead and its links have run already. Links run in
     * the order they were added.
     */
    public void link(Consumer<? super GreenThread<T>> link) {
        addLink(link);
    }

    /**
     * Like {@link #link}, but calls {@code link} only if this thread ends {@linkplain #isSuccessful() successfully}
     * (gevent's {@code link_value}); a killed thread is successful.
     */
    public void linkValue(Consumer<? super GreenThread<T>> link) {
        addLink(new Filtered(link, true));
    }

    /** Like {@link #link}, but calls {@code link} only if this thread ends by an exception (gevent's {@code link_exception}). */
    public void linkException(Consumer<? super GreenThread<T>> link) {
        addLink(new Filtered(link, false));
    }

    private void addLink(Object link) {
        synchronized (this) {
            if (waiters != null) {
                addWaiter(link);
                return;
            }
        }
        runLink(link);
    }

    /**
     * Removes {@code link} (the same object given to {@link #link}, {@link #linkValue} or {@link #linkException}) so
     * that it is not called, as gevent's {@code unlink}: the first such link not called yet, also while this thread's
     * links are being called. Returns whether one was removed.
     */
    public boolean unlink(Consumer<? super GreenThread<T>> link) {
        synchronized (this) {
            if (waiters == null) {
                return false;
            }
            for (int i = 0; i < waiters.size(); i++) {
                Object w = waiters.get(i);
                if (w == link || w instanceof Filtered f && f.link == link) {
                    waiters.remove(i);
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Whether it was started ({@link #start}, {@link #startLater}, or spawned) and has not died yet, as
     * {@link Thread#isAlive()}; true also while a {@link #startLater} delay runs (gevent's {@code bool(g)} and
     * {@code started}). False for a thread made {@linkplain Green#unstarted unstarted} until it is started.
     */
    public boolean isAlive() {
        int s = state;
        return s != NEW && s != DEAD && s != CANCELLED;
    }

    /** Whether this thread has finished, by returning, throwing or being killed. */
    public boolean isDead() {
        return state == DEAD;
    }

    /** Whether its result is available: gevent's {@code ready()}, the same as {@link #isDead()}. */
    public boolean isReady() {
        return state == DEAD;
    }

    /**
     * Whether it ended without failing (eventlet's and gevent's {@code successful()}): by returning, or by a
     * {@link GreenletExit} (a kill), which greenlet turns into a regular return.
     */
    public boolean isSuccessful() {
        return state == DEAD && (failure == null || failure instanceof GreenletExit);
    }

    /**
     * What the body failed with, once dead (gevent's {@code exception}); {@code null} if it returned or was killed
     * (a {@link GreenletExit} is no failure).
     */
    public Throwable exception() {
        return state == DEAD && !(failure instanceof GreenletExit) ? failure : null;
    }

    /** The name of its virtual thread. */
    public String name() {
        return thread.getName();
    }

    /** Its virtual thread, for interrupts, stack traces and {@code Thread} APIs. */
    public Thread thread() {
        return thread;
    }

    /**
     * The hub it was spawned on, which it runs on; a green thread of a {@link HubGroup} may run on any hub of its group
     * ({@link Hub#of} names the one carrying it now).
     */
    public Hub hub() {
        return hub;
    }

    @Override
    public String toString() {
        return "GreenThread[" + name() + ", " + (state == NEW ? "new" : state == DEAD ? "dead" : "alive") + "]";
    }
}
