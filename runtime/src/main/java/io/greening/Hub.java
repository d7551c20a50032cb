package io.greening;

import io.greening.internal.MpscQueue;
import io.greening.internal.TimerHeap;
import io.greening.internal.TimerHeap.Timer;
import io.greening.internal.VirtualThreads;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * An event loop on one carrier thread that schedules green threads: a ready queue, a timer heap and a NIO
 * {@link Selector}, as eventlet's hub on epoll. Green threads are virtual threads whose scheduler is a hub; a green
 * thread always runs on the hub that spawned it, and so do the virtual threads it starts with
 * {@code Thread.ofVirtual()}.
 *
 * <p>Work submitted on the carrier goes to a plain deque; work from other threads goes through a lock-free queue
 * and wakes the selector only when the loop sleeps. A hub is driven either by a thread of its own
 * ({@link #start(String)}, {@link #shared()}) or by the caller of {@link Green#run}.
 */
public final class Hub implements Executor, AutoCloseable {
    /** A deadline meaning "no deadline" for {@link #parkUntil} and {@link #awaitReady}. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    private static final System.Logger LOG = System.getLogger("io.greening.hub");
    private static final AtomicInteger HUB_NUMBERS = new AtomicInteger();
    private static final VarHandle SLEEPING;
    private static final VarHandle TASKS_RUN;
    private static final VarHandle BUSY;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            SLEEPING = lookup.findVarHandle(Hub.class, "sleeping", boolean.class);
            TASKS_RUN = lookup.findVarHandle(Hub.class, "tasksRun", long.class);
            BUSY = lookup.findVarHandle(Hub.class, "busy", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        startJdkPollersOffHub();
    }

    private final String name;
    private final HubOptions options;
    /** Picks among ready tasks under {@code schedule=random:SEED}; null for FIFO. Carrier only. */
    private final java.util.Random picker;
    /** Priorities and change points under {@code schedule=pct:...}; null otherwise. Carrier only. */
    private final PctSchedule pct;
    /** The hub's time when its clock is virtual; advanced by the carrier only. */
    private volatile long virtualNow;
    /** Where the virtual clock started, in nanoTime and in wall-clock milliseconds. */
    private final long virtualStartNanos, virtualStartMillis;
    /** Offloaded calls in flight for green threads of this hub: virtual time waits for them. */
    final AtomicInteger offloadsInFlight = new AtomicInteger();
    private final Selector selector;
    private final ThreadFactory greenThreads;
    private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
    private final MpscQueue<Runnable> remote = new MpscQueue<>();
    private final TimerHeap timers = new TimerHeap();
    /** Live green threads by their virtual thread; carrier only (the stall monitor reads it while the carrier is stuck). */
    final IdentityHashMap<Thread, GreenThread<?>> live = new IdentityHashMap<>();
    private volatile Thread carrier;
    private volatile boolean sleeping;
    /** Whether the loop, while {@link #sleeping}, parks for a timer under 1 ms away instead of selecting. */
    private volatile boolean parkingForTimer;
    private volatile boolean closing;
    private volatile boolean closed;
    private int ioWaiters;
    /** How long the loop stays quiet (all green threads blocked, nothing pending) before it reports. */
    private static final long QUIET_GRACE_MILLIS = io.greening.internal.Settings.get(io.greening.internal.Settings.DEADLOCK_GRACE_MS);
    /** tasksRun when the last quiet spell was reported: one report per spell. Carrier only. */
    private long quietReportedAt = -1;
    /** The root green thread of {@link Green#run}, failed on a deterministic deadlock; null for other hubs. */
    GreenThread<?> root;
    /** Set by {@link #runNext} on the carrier: the next task {@link #execute} receives goes to the front. */
    private boolean nextToFront;
    /** Whether {@link #reportOutsideWork} has spoken for this seeded hub. */
    private volatile boolean reportedOutsideWork;
    // Read by the stall monitor: how many tasks the loop has run, and whether it is running one now.
    @SuppressWarnings("unused")
    private long tasksRun;
    @SuppressWarnings("unused")
    private boolean busy;

    private Hub(String name, HubOptions options) {
        VirtualThreads.ensureAvailable();
        this.name = name;
        this.options = options;
        this.picker = options.seed() == null ? null : new java.util.Random(options.seed());
        this.pct = options.pctDepth() > 0 ? new PctSchedule(picker, options.pctDepth(), options.pctSteps()) : null;
        this.virtualNow = System.nanoTime();
        this.virtualStartNanos = virtualNow;
        this.virtualStartMillis = System.currentTimeMillis();
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the hub's selector", e);
        }
        this.greenThreads = VirtualThreads.builder(this).name(name + "-green-", 1).factory();
    }

    /** Starts a hub on a daemon carrier thread of its own, named {@code name}, with the default {@link HubOptions}. */
    public static Hub start(String name) {
        return start(name, HubOptions.configured());
    }

    /** Starts a hub on a daemon carrier thread of its own, named {@code name}. */
    public static Hub start(String name, HubOptions options) {
        Hub hub = new Hub(name, options);
        Thread carrier = Thread.ofPlatform().daemon().name(name).unstarted(hub::runOwnCarrier);
        hub.carrier = carrier;
        carrier.start();
        StallMonitor.watch(hub);
        return hub;
    }

    /**
     * A hub whose carrier is the calling platform thread, which runs it only while it calls
     * {@link #driveUntil}; {@link Green#run} and the main greenlet of a platform thread are built on it.
     */
    public static Hub driven(String name) {
        return driven(name, HubOptions.configured());
    }

    /** A {@linkplain #driven(String) driven} hub with {@code options}. */
    public static Hub driven(String name, HubOptions options) {
        Hub hub = new Hub(name, options);
        hub.carrier = Thread.currentThread();
        StallMonitor.watch(hub);
        return hub;
    }

    private static final class Shared {
        static final Hub HUB = start("greening-hub");
    }

    /** The JVM-wide hub that green threads spawned from non-green threads run on; started on first use. */
    public static Hub shared() {
        return Shared.HUB;
    }

    /** The hub of the current thread if it is green, else {@code null}. */
    public static Hub current() {
        return of(Thread.currentThread());
    }

    /** The hub that schedules {@code thread}, or {@code null} if it is not green. */
    public static Hub of(Thread thread) {
        return VirtualThreads.schedulerOf(thread) instanceof Hub hub ? hub : null;
    }

    /** How this hub schedules and keeps time. */
    public HubOptions options() {
        return options;
    }

    /**
     * The current time in nanoseconds on the caller's hub clock: the hub's virtual time for a green thread of a hub
     * with a virtual clock, else {@link System#nanoTime()}. Deadlines of greening's blocking calls are in this time.
     */
    public static long now() {
        Hub hub = current();
        return hub != null ? hub.clock() : System.nanoTime();
    }

    /**
     * The wall-clock time in milliseconds on the caller's hub: under a virtual clock, the wall time the hub started
     * at plus the virtual time elapsed since; else {@link System#currentTimeMillis()}.
     */
    public static long currentTimeMillis() {
        Hub hub = current();
        if (hub == null || !hub.options.virtualClock()) {
            return System.currentTimeMillis();
        }
        return hub.virtualStartMillis + (hub.virtualNow - hub.virtualStartNanos) / 1_000_000;
    }

    /** This hub's time: virtual or {@link System#nanoTime()}. */
    public long clock() {
        return options.virtualClock() ? virtualNow : System.nanoTime();
    }

    /** This hub's name, also its carrier thread's name. */
    public String name() {
        return name;
    }

    /** The platform thread this hub runs on. */
    public Thread carrier() {
        return carrier;
    }

    /** Whether {@link #close()} was called (or its {@link Green#run} root finished). */
    public boolean isClosing() {
        return closing;
    }

    /** Spawns a green thread on this hub; safe from any thread. */
    public <T> GreenThread<T> spawn(Callable<T> body) {
        GreenThread<T> thread = newGreenThread(body);
        thread.start();
        return thread;
    }

    /** Spawns a green thread on this hub; safe from any thread. */
    public GreenThread<Void> spawn(Runnable body) {
        return spawn(Green.callable(body));
    }

    /** Spawns a green thread on this hub that starts after {@code delay}; safe from any thread. */
    public <T> GreenThread<T> spawnAfter(Duration delay, Callable<T> body) {
        GreenThread<T> thread = newGreenThread(body);
        long deadline = deadlineAfter(delay);
        Runnable schedule = () -> timers.add(deadline, (Runnable) thread::start);
        if (onCarrier()) {
            schedule.run();
        } else {
            execute(schedule);
        }
        return thread;
    }

    <T> GreenThread<T> newGreenThread(Callable<T> body) {
        if (closed) {
            throw new RejectedExecutionException("hub " + name + " is closed");
        }
        return new GreenThread<>(this, body, greenThreads);
    }

    /**
     * Makes {@code task} ready to run on this hub's carrier. This is the virtual-thread scheduler entry: the JDK
     * calls it to start, unpark and yield green threads. Safe from any thread.
     */
    @Override
    public void execute(Runnable task) {
        if (closed) {
            throw new RejectedExecutionException("hub " + name + " is closed");
        }
        if (VirtualThreads.currentCarrierThread() == carrier) {
            if (nextToFront) {
                nextToFront = false;
                ready.addFirst(task);
            } else {
                ready.addLast(task);
            }
            return;
        }
        if (picker != null && !reportedOutsideWork && tasksRun() > 0) {   // the first work, which starts the program, comes from outside by nature
            reportOutsideWork();
        }
        remote.offer(task);
        if (sleeping && SLEEPING.compareAndSet(this, true, false)) {
            if (parkingForTimer) {
                LockSupport.unpark(carrier);
            } else {
                selector.wakeup();
            }
        }
    }

    /**
     * A seeded schedule replays only what happens on the hub: work handed in by another thread (a thread of code the
     * agent did not select, a JDK thread, an offload or I/O completion) arrives when that thread says. Say so, once.
     */
    private void reportOutsideWork() {
        reportedOutsideWork = true;
        LOG.log(System.Logger.Level.WARNING, "hub " + name + " runs the seeded schedule " + options.schedule()
                + ", but thread '" + Thread.currentThread().getName() + "' handed it work from outside the hub;"
                + " interleavings that depend on when such work arrives may not replay. Select that thread's code"
                + " with the agent's include= to bring it onto the hub.");
    }

    /**
     * Runs {@code wakeUp}, which unparks or starts one green thread of this hub, so that this thread runs next,
     * before the work already ready: a direct handoff, as a greenlet switch needs. Off the carrier it simply runs
     * {@code wakeUp}.
     */
    public void runNext(Runnable wakeUp) {
        if (!onCarrier()) {
            wakeUp.run();
            return;
        }
        nextToFront = true;
        try {
            wakeUp.run();
        } finally {
            nextToFront = false;
        }
    }

    boolean onCarrier() {
        return VirtualThreads.currentCarrierThread() == carrier;
    }

    /**
     * Closes the hub: its green threads are killed, and once they have ended its carrier stops. Waits for that
     * unless called from the hub's own carrier; an interrupt ends the wait (with the interrupt status set).
     */
    @Override
    public void close() {
        closing = true;
        if (closed) {
            return;
        }
        if (onCarrier()) {
            return;
        }
        try {
            execute(() -> { });   // wakes the loop through the same path as any other work
        } catch (RejectedExecutionException alreadyClosed) {
            return;
        }
        try {
            carrier.join();
        } catch (InterruptedException e) {
            // A green thread that ignores both kill and interrupt (e.g. in ReentrantLock.lock) can keep the hub alive:
            // let the closer give up rather than hang with it.
            Thread.currentThread().interrupt();
        }
    }

    private void runOwnCarrier() {
        drive(() -> closing);
        shutDown();
    }

    /**
     * Runs the loop of a {@linkplain #driven driven} hub on the calling thread, its carrier, until {@code done}
     * holds (checked between batches of ready work).
     *
     * @throws IllegalStateException if the caller is not this hub's carrier
     */
    public void driveUntil(BooleanSupplier done) {
        if (Thread.currentThread() != carrier) {
            throw new IllegalStateException("hub " + name + " can only be driven by its carrier " + carrier.getName());
        }
        drive(done);
    }

    /** Runs the loop on the calling thread (the carrier) until {@code done} holds between batches. */
    void drive(BooleanSupplier done) {
        BUSY.setOpaque(this, true);
        try {
            while (true) {
                moveRemoteToReady();
                fireDueTimers();
                if (picker == null) {
                    int batch = ready.size();
                    for (int i = 0; i < batch; i++) {
                        runTask(ready.pollFirst());
                    }
                } else if (!ready.isEmpty()) {
                    runTask(pickAtRandom());
                }
                if (ioWaiters > 0) {
                    selector.selectNow(this::onChannelReady);
                }
                if (done.getAsBoolean()) {
                    return;
                }
                if (ready.isEmpty()) {
                    waitForWork();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("hub " + name + ": selector failed", e);
        } finally {
            BUSY.setOpaque(this, false);
        }
    }

    /** Kills the remaining green threads, runs until they have ended, and closes. Carrier only. */
    void shutDown() {
        closing = true;
        for (GreenThread<?> thread : new ArrayList<>(live.values())) {
            thread.kill();
        }
        drive(() -> live.isEmpty() && ready.isEmpty() && remote.isEmpty());
        closed = true;
        StallMonitor.unwatch(this);
        moveRemoteToReady();   // work that raced with closing: run it rather than lose it
        while (!ready.isEmpty()) {
            runTask(ready.pollFirst());
        }
        try {
            selector.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the selector of hub " + name, e);
        }
    }

    private void runTask(Runnable task) {
        TASKS_RUN.setOpaque(this, (long) TASKS_RUN.getOpaque(this) + 1);
        try {
            task.run();
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "hub " + name + ": a task failed on the carrier", t);
        }
    }

    /** Removes a ready task chosen by the seeded schedule: the one place where a random or PCT schedule decides. */
    private Runnable pickAtRandom() {
        if (pct != null) {
            return pct.pick(ready);
        }
        for (int skip = picker.nextInt(ready.size()); skip > 0; skip--) {
            ready.addLast(ready.pollFirst());
        }
        return ready.pollFirst();
    }

    private void moveRemoteToReady() {
        Runnable task;
        while ((task = remote.poll()) != null) {
            ready.addLast(task);
        }
    }

    private void fireDueTimers() {
        if (timers.size() == 0) {
            return;
        }
        long now = clock();
        Timer timer;
        while ((timer = timers.pollDue(now)) != null) {
            if (timer.action() instanceof Thread thread) {
                LockSupport.unpark(thread);
            } else {
                runTask((Runnable) timer.action());
            }
        }
    }

    private void waitForWork() throws IOException {
        long timeoutMillis = 0;   // select(0) waits until woken
        boolean parkForTimer = false;
        Timer next = timers.peek();
        if (options.virtualClock() && next != null && ioWaiters == 0 && offloadsInFlight.get() == 0 && remote.isEmpty()) {
            virtualNow = Math.max(virtualNow, next.deadline());   // nothing can happen before it: jump
            return;
        }
        boolean quiet = next == null && ioWaiters == 0 && offloadsInFlight.get() == 0 && !live.isEmpty()
                && quietReportedAt != tasksRun();
        if (quiet) {
            timeoutMillis = QUIET_GRACE_MILLIS;
        } else if (next != null && !options.virtualClock()) {
            long remaining = next.deadline() - System.nanoTime();
            if (remaining <= 0) {
                return;
            }
            timeoutMillis = Math.max(1, (remaining + 999_999) / 1_000_000);   // rounded up: timers never fire early
            // select's millisecond timeout would make a timer due within 1 ms up to 1 ms late; with no channel to
            // watch, a nanosecond park serves it on time (benchmarks/README.md, sleepers: p50 0.6 ms -> 0.05 ms)
            parkForTimer = remaining < 1_000_000 && ioWaiters == 0;
        }
        parkingForTimer = parkForTimer;   // before sleeping: a producer that sees us sleep sees how to wake us
        SLEEPING.setVolatile(this, true);
        if (!remote.isEmpty()) {   // an offer that came before we said we sleep
            sleeping = false;
            return;
        }
        BUSY.setOpaque(this, false);
        int selected;
        try {
            if (parkForTimer) {
                LockSupport.parkNanos(this, next.deadline() - System.nanoTime());
                selected = 0;
            } else {
                selected = selector.select(this::onChannelReady, timeoutMillis);
            }
        } finally {
            sleeping = false;
            BUSY.setOpaque(this, true);
        }
        if (quiet && selected == 0 && remote.isEmpty() && ready.isEmpty()) {
            quietReportedAt = tasksRun();
            DeadlockReport.onQuiet(this, root);
        }
    }

    /**
     * Analyses what this hub's green threads wait on and finds wait-for cycles among them. Safe from any thread: off
     * the carrier it asks the carrier and waits.
     */
    public DeadlockReport findDeadlocks() {
        if (onCarrier()) {
            return DeadlockReport.analyze(this);
        }
        java.util.concurrent.CompletableFuture<DeadlockReport> result = new java.util.concurrent.CompletableFuture<>();
        execute(() -> result.complete(DeadlockReport.analyze(this)));
        return result.join();
    }

    // ---- timers and parking, for green threads of this hub (carrier only) ----

    Timer schedule(long deadline, Object action) {
        return timers.add(deadline, action);
    }

    void cancel(Timer timer) {
        timers.cancel(timer);
    }

    /**
     * Runs {@code action} on this hub's carrier once {@code deadline} ({@link #now()}) has passed, unless
     * the returned handle is run first, which cancels it. Both must be called on this hub's carrier (from its loop or
     * a green thread of it): the agent uses it so that the JDK's timed parks of green threads wait on this hub's
     * timers instead of the JDK's timer threads.
     *
     * @throws IllegalStateException if called off this hub's carrier
     */
    public Runnable scheduleOnCarrier(long deadline, Runnable action) {
        if (!onCarrier()) {
            throw new IllegalStateException("hub " + name + ": timers are set on its carrier only");
        }
        Timer timer = timers.add(deadline, action);
        return () -> timers.cancel(timer);
    }

    /** The {@link #now()} deadline {@code delay} from now ({@link #NO_DEADLINE} if it overflows). */
    public static long deadlineAfter(Duration delay) {
        long nanos;
        try {
            nanos = delay.toNanos();
        } catch (ArithmeticException tooLong) {
            return NO_DEADLINE;
        }
        long now = now();
        long deadline = now + Math.max(0, nanos);
        return deadline - now < 0 || deadline == NO_DEADLINE ? NO_DEADLINE - 1 : deadline;
    }

    /**
     * Parks the current thread until it is unparked or {@code deadline} ({@link #now()}, or
     * {@link #NO_DEADLINE}) passes; may return spuriously, so callers loop on their condition. On a green thread
     * the deadline is a timer of its hub, and a pending kill or timeout is raised before and after; on any thread
     * an interrupt raises {@link GreenInterruptedException}. This is the blocking point that greening's
     * primitives (queues, locks, channels, patched JDK calls) are built on: they record the waiter, park here in a
     * loop, and {@link LockSupport#unpark} it when their condition may hold.
     */
    public static void parkUntil(long deadline) {
        parkUntil(deadline, null);
    }

    /**
     * {@link #parkUntil(long)}, recording {@code blocker} as what the thread waits on (see
     * {@link LockSupport#getBlocker}), for thread dumps and deadlock reports.
     */
    public static void parkUntil(long deadline, Object blocker) {
        Thread me = Thread.currentThread();
        Hub hub = of(me);
        if (hub == null) {
            checkInterrupt();
            if (deadline == NO_DEADLINE) {
                LockSupport.park(blocker);
            } else {
                LockSupport.parkNanos(blocker, deadline - System.nanoTime());
            }
            checkInterrupt();
            return;
        }
        GreenThread<?> green = hub.live.get(me);
        if (green != null) {
            green.raisePending();
        }
        checkInterrupt();
        Timer timer = deadline == NO_DEADLINE ? null : hub.timers.add(deadline, me);
        if (green != null) {
            green.parkedAtGreenPoint(true);
        }
        try {
            LockSupport.park(blocker);
        } finally {
            if (green != null) {
                green.parkedAtGreenPoint(false);
            }
            if (timer != null) {
                hub.timers.cancel(timer);
            }
        }
        if (green != null) {
            green.raisePending();
        }
        checkInterrupt();
    }

    private static void checkInterrupt() {
        if (Thread.interrupted()) {
            throw new GreenInterruptedException();
        }
    }

    // ---- I/O readiness ----

    /** Who waits on a registered channel: one reader (read/accept) and one writer (write/connect) at a time. */
    private static final class ChannelWaiters {
        Thread reader;
        Thread writer;
        int readyOps;
    }

    private static final int READ_SIDE = SelectionKey.OP_READ | SelectionKey.OP_ACCEPT;

    /**
     * Blocks the current green thread of this hub until {@code channel} (non-blocking) is ready for {@code ops}
     * or {@code deadline} ({@link #now()}) passes, letting the other green threads run meanwhile.
     *
     * @return whether the channel became ready before the deadline
     * @throws IllegalStateException if another green thread already waits on the same side of the channel, or the
     *         caller is not a green thread of this hub
     */
    public boolean awaitReady(SelectableChannel channel, int ops, long deadline) throws IOException {
        if (of(Thread.currentThread()) != this) {
            throw new IllegalStateException("awaitReady on hub " + name + " from a thread that is not its green thread");
        }
        SelectionKey key = channel.keyFor(selector);
        ChannelWaiters waiters;
        if (key == null) {
            waiters = new ChannelWaiters();
            key = channel.register(selector, ops, waiters);
        } else {
            waiters = (ChannelWaiters) key.attachment();
            key.interestOps(key.interestOps() | ops);
        }
        Thread me = Thread.currentThread();
        boolean readSide = (ops & READ_SIDE) != 0;
        Thread previous = readSide ? waiters.reader : waiters.writer;
        if (previous != null && previous != me) {
            throw new IllegalStateException("second simultaneous " + (readSide ? "read" : "write") + " on " + channel
                    + ": " + previous.getName() + " already waits on it");
        }
        if (readSide) {
            waiters.reader = me;
        } else {
            waiters.writer = me;
        }
        waiters.readyOps &= ~ops;
        ioWaiters++;
        try {
            while ((waiters.readyOps & ops) == 0) {
                if (deadline != NO_DEADLINE && deadline - clock() <= 0) {
                    return false;
                }
                if (!key.isValid()) {
                    throw new java.nio.channels.ClosedChannelException();
                }
                parkUntil(deadline, channel);
            }
            return true;
        } finally {
            ioWaiters--;
            if (readSide) {
                waiters.reader = null;
            } else {
                waiters.writer = null;
            }
            if (key.isValid()) {
                key.interestOps(key.interestOps() & ~ops);
            }
        }
    }

    /**
     * Drops {@code channel}'s registration with this hub's selector at once (a cancelled key otherwise lingers until
     * the next select), so that the channel can go back to blocking mode. Call it from a green thread of this hub
     * when no green thread of the hub waits on the channel any more.
     *
     * @throws IllegalStateException if the caller is not a green thread of this hub
     */
    public void forget(SelectableChannel channel) throws IOException {
        if (of(Thread.currentThread()) != this) {
            throw new IllegalStateException("forget on hub " + name + " from a thread that is not its green thread");
        }
        SelectionKey key = channel.keyFor(selector);
        if (key != null) {
            key.cancel();
            selector.selectNow(this::onChannelReady);
        }
    }

    private void onChannelReady(SelectionKey key) {
        ChannelWaiters waiters = (ChannelWaiters) key.attachment();
        int readyOps = key.readyOps();
        waiters.readyOps |= readyOps;
        key.interestOps(key.interestOps() & ~readyOps);
        if ((readyOps & READ_SIDE) != 0 && waiters.reader != null) {
            LockSupport.unpark(waiters.reader);
        }
        if ((readyOps & ~READ_SIDE) != 0 && waiters.writer != null) {
            LockSupport.unpark(waiters.writer);
        }
    }

    // ---- what the stall monitor reads ----

    long tasksRun() {
        return (long) TASKS_RUN.getOpaque(this);
    }

    boolean isBusy() {
        return (boolean) BUSY.getOpaque(this);
    }

    /** The green threads of this hub alive now; from another thread, a best-effort snapshot. */
    List<GreenThread<?>> liveSnapshot() {
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return new ArrayList<>(live.values());
            } catch (java.util.ConcurrentModificationException | ArrayIndexOutOfBoundsException raced) {
                Thread.onSpinWait();
            }
        }
        return List.of();
    }

    /**
     * The JDK starts its socket poller threads on first use, as virtual threads that inherit the scheduler of the
     * thread that starts them; started from a green thread they would run on a hub and stall with it. Starting
     * them here, from the (platform) thread that first loads Hub, keeps them on the JDK's own scheduler.
     */
    private static void startJdkPollersOffHub() {
        try {
            Class.forName("sun.nio.ch.Poller", true, null);
        } catch (ClassNotFoundException | LinkageError e) {
            LOG.log(System.Logger.Level.WARNING, "could not start the JDK's socket pollers early", e);
        }
    }

    @Override
    public String toString() {
        return "Hub[" + name + (closed ? ", closed" : closing ? ", closing" : "") + "]";
    }

    static String nextHubName(String prefix) {
        return prefix + "-" + HUB_NUMBERS.getAndIncrement();
    }
}
