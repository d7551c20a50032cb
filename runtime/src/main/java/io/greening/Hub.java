package io.greening;

import io.greening.diagnostics.DeadlockReport;
import io.greening.internal.Access;
import io.greening.internal.BeforeFirstHub;
import io.greening.internal.Callables;
import io.greening.internal.Deadlines;
import io.greening.internal.GreeningAccess;
import io.greening.internal.HubCarrier;
import io.greening.internal.HubClock;
import io.greening.internal.IoWaiters;
import io.greening.internal.LazyLogger;
import io.greening.internal.MonitorSleep;
import io.greening.internal.MpscQueue;
import io.greening.internal.RunQueue;
import io.greening.internal.Schedule;
import io.greening.internal.Settings;
import io.greening.internal.ThreadRegistry;
import io.greening.internal.TimerHeap.Timer;
import io.greening.internal.TimerHeap;
import io.greening.internal.VarHandles;
import io.greening.internal.VirtualThreads;
import io.greening.internal.Wait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.nio.channels.SelectableChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * An event loop on one carrier thread that schedules green threads: a ready queue, timers and a NIO selector, as
 * eventlet's hub on epoll. Green threads are virtual threads whose scheduler is a hub or a {@link HubGroup}: the JDK
 * hands the scheduler a task ({@link #execute}) each time one of them starts, is unparked or yields, and a loop runs
 * it on its carrier.
 *
 * <p>A hub on its own ({@link #start(String)}, {@link #shared()}, the hub of {@link Green#run}) keeps gevent's promise:
 * its green threads, and the virtual threads they start with {@code Thread.ofVirtual()}, always run on it, one at a
 * time. A hub of a {@link HubGroup} runs the group's green threads, which move between the group's hubs: see there.
 * A hub is driven by a carrier of its own or by the caller of {@link Green#run}.
 *
 * <pre>
 * The loop (drive), one turn:
 *
 *   +-> take in remote work      tasks other threads handed over (execute off the carrier: a lock-free queue)
 *   |   fire due timers          unpark timed-out sleepers, run timer tasks
 *   |   run ready tasks          FIFO: the whole batch ready now; random or PCT: one pick (internal.Schedule)
 *   |                            in a group, then: the LIFO slot's thread (at most 3 in a row), the run queue's
 *   |                            batch ready now, and every 61st task one from the group's shared queue
 *   |   poll channels            if a green thread waits on one: select without blocking
 *   |   done? -----------------------------------------------------------------------------> return
 *   |   nothing ready?           in a group: look for work first (HubGroup.findWork: the shared queue, then steal
 *   |                            half of another hub's run queue); if none:
 *   |                        -> waitForWork: if the last wait ended with work handed in by another thread, look
 *   |                          for more for up to 20 µs, yielding the core between looks (found: no wait); then
 *   |                          Wait.decide(snapshot of the hub) names what to do:
 *   |        RunNow            remote work came, or the next timer is due: no wait
 *   |        JumpClock(t)      virtual clock, nothing else can happen first: time := t
 *   |        FollowRealTime    virtual clock, real I/O in flight: select a grace (or until an I/O timeout) as time
 *   |                          follows real time; nothing came within the grace: time := the next timer
 *   |        ParkForTimer(n)   real timer under 1 ms away, no channel to watch: park the carrier n ns
 *   |        SelectFor(ms)     select until a channel is ready, work arrives, or the next timer is due
 *   |        SelectUntilWoken  no timer: select until a channel is ready or work arrives
 *   |        QuietGrace(ms)    threads alive, nothing can wake them: select ms, then report the hub quiet
 *   +------------------------------------------------------------------------------------------+
 *
 * States and transitions:
 *
 *   NEW      -> RUNNING    start(): its own carrier thread starts the loop; a driven hub (Green.run, a greenlet
 *                          tree): whenever its carrier, the thread that made it, calls drive
 *   RUNNING  -> SLEEPING   waitForWork: announces sleeping (volatile; in a group also idle, so that a hub with
 *                          work to spare can wake it), re-checks remote work (and the group's), selects or parks
 *   SLEEPING -> RUNNING    a channel is ready, the timeout passes, or execute() from another thread wakes it:
 *                          whoever clears sleeping first (CAS) calls selector.wakeup() or unparks the carrier
 *   RUNNING  -> STUCK      in a group, when one task has run longer than the handoff setting: the monitor marks
 *                          it, and hands its ready threads, due timers and ready I/O to the group (HubGroup)
 *   STUCK    -> RUNNING    the task returns: the loop clears the mark
 *   RUNNING  -> CLOSING    close(), or the root of Green.run ends: green threads are killed, the loop runs on
 *                          until every one has ended
 *   CLOSING  -> CLOSED     execute() refuses work; the selector is closed
 * </pre>
 *
 * The sleeping handshake is Netty's ({@code NioEventLoop}'s {@code wakenUp}): the loop says it sleeps before its
 * last look at the remote queue, and a producer that offers after that look sees it sleeping and wakes it; so
 * neither a wake-up per task nor a lost one. Work submitted on the carrier goes straight to the ready deque.
 */
public final class Hub implements Executor, AutoCloseable {
    private static final System.Logger LOG = LazyLogger.named("io.greening.hub");
    private static final AtomicInteger HUB_NUMBERS = new AtomicInteger();
    /** Hubs with a carrier of their own, open: the ones to wake when the JVM starts to exit. */
    private static final Set<Hub> WITH_CARRIERS = ConcurrentHashMap.newKeySet();
    /**
     * Set once the JVM has begun to exit. At its very end the JVM waits up to 300 ms for every thread still in native
     * code, as a carrier blocked in {@code epoll_wait} is, so from then on an idle hub parks (a blocked thread), looking
     * at its selector without blocking every {@link #EXIT_POLL_NANOS}, instead of selecting.
     */
    private static volatile boolean jvmExiting;
    /** While the JVM exits: how long an idle hub parks between looks at its selector. */
    private static final long EXIT_POLL_NANOS = 1_000_000;
    /**
     * How long an idle hub looks for handed-in work, yielding its core, before it sleeps (a busy-spinning form did no
     * better with 50-100 µs).
     */
    private static final long HAND_IN_SPIN_NANOS = 20_000;
    /** How long the loop stays quiet (all green threads blocked, nothing pending) before it reports. */
    private static final long QUIET_GRACE_MILLIS = Settings.get(Settings.DEADLOCK_GRACE_MS);
    /**
     * Under a virtual clock, how long real I/O in flight has to become ready before time jumps to the next timer: a
     * local peer answers well within it, and a jump costs no more than it in real time.
     */
    private static final long IO_GRACE_MILLIS = 10;
    private static final VarHandle SLEEPING =
            VarHandles.field(MethodHandles.lookup(), Hub.class, "sleeping", boolean.class);
    private static final VarHandle TASKS_RUN =
            VarHandles.field(MethodHandles.lookup(), Hub.class, "tasksRun", long.class);
    private static final VarHandle BUSY = VarHandles.field(MethodHandles.lookup(), Hub.class, "busy", boolean.class);
    private static final VarHandle LIFO = VarHandles.field(MethodHandles.lookup(), Hub.class, "lifo", Runnable.class);
    private static final VarHandle STUCK = VarHandles.field(MethodHandles.lookup(), Hub.class, "stuck", boolean.class);
    static final VarHandle IDLE = VarHandles.field(MethodHandles.lookup(), Hub.class, "idle", boolean.class);
    /** Tasks run from the LIFO slot in a row before the run queue gets a turn: Tokio's MAX_LIFO_POLLS_PER_TICK. */
    private static final int MAX_LIFO_RUNS = 3;
    /** Every this many tasks a hub of a group takes one from the group's shared queue first: Go's 61 schedticks. */
    private static final int SHARED_QUEUE_INTERVAL = 61;

    static {
        BeforeFirstHub.hubsStarting();   // the agent's rewrites inside the JDK, before any green thread can exist
        Access.setGreening(new Internals());
        if (!BeforeFirstHub.areJdkPollersKeptOffHubs()) {
            startJdkPollersOffHub();
        }
        try {
            Runtime.getRuntime().addShutdownHook(new ExitWatch());
        } catch (IllegalStateException alreadyExiting) {
            jvmExiting = true;
        }
    }

    /** The shutdown hook that tells the hubs the JVM exits and wakes the idle ones (see {@link #jvmExiting}). */
    private static final class ExitWatch extends Thread {
        ExitWatch() {
            super("greening-exit");
        }

        @Override
        public void run() {
            jvmExiting = true;
            for (Hub hub : WITH_CARRIERS) {
                hub.wakeUp();
            }
        }
    }

    private final String name;
    private final HubOptions options;
    private final Schedule schedule;
    private final HubClock clock;
    final TimerHeap timers = new TimerHeap();
    private final IoWaiters io;
    final ThreadRegistry registry;
    /** Offloaded calls in flight for green threads of this hub: real work in flight, for a virtual clock. */
    private final AtomicInteger offloadsInFlight = new AtomicInteger();
    private final ThreadFactory greenThreads;
    /** Tasks for this hub's carrier: every task of a hub on its own; a group hub's own tasks (not green threads). */
    private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
    private final MpscQueue<Runnable> remote = new MpscQueue<>();
    /** Work that only wakes the loop. */
    private static final Runnable NO_OP = () -> { };
    /** The group this hub is one of, or {@code null} for a hub on its own. */
    final HubGroup group;
    /** Its place in its group: the group's first hubs, one per core, then its spares. */
    final int index;
    /** In a group: the green threads ready to run here, which idle hubs steal from. */
    final RunQueue runq;
    /** In a group: the green thread woken last by a green thread of this hub, run next (Tokio's LIFO slot). */
    @SuppressWarnings("unused")
    private volatile Runnable lifo;
    /** Whether wake-ups by this hub's green threads go to the LIFO slot now. Carrier only. */
    private boolean lifoEnabled = true;
    private int lifoRuns;      // carrier only
    private int greenTicks;    // carrier only
    /** In a group: set by the monitor while one task has kept the carrier longer than the handoff setting. */
    @SuppressWarnings("unused")
    private volatile boolean stuck;
    /** In a group: announced idle, so that the group may wake it to look for work; cleared by who wakes it. */
    @SuppressWarnings("unused")
    volatile boolean idle;
    /** In a group: woken to look for work (Go's spinning M); counted in the group until it finds some or gives up. */
    private boolean searching;   // carrier only
    private volatile Thread carrier;
    private volatile boolean sleeping;
    /** Whether the loop, while {@link #sleeping}, parks for a timer instead of selecting: how to wake it. */
    private volatile boolean parkingForTimer;
    private volatile boolean closing;
    private volatile boolean closed;
    /**
     * Whether, before it sleeps, the loop looks for work handed in by other threads for {@link #HAND_IN_SPIN_NANOS},
     * yielding its core between looks, while such work keeps coming ({@link #handInsCome}): not under a virtual clock
     * or a seeded schedule. The JDK resumes a green thread blocked entering a monitor, or notified in
     * {@code Object.wait}, only from its one unblocker thread, so each such wake-up would otherwise cost two OS
     * wake-ups, the unblocker's and then the carrier's; yielding, not spinning, leaves the core to the unblocker.
     */
    private final boolean spinsForHandIns;
    /** Whether the last wait ended with work another thread had handed in. Carrier only. */
    private boolean handInsCome;
    /** tasksRun when the last quiet spell was reported: one report per spell. Carrier only. */
    private long quietReportedAt = -1;
    /** The root green thread of {@link Green#run}, failed on a deterministic deadlock; null for other hubs. */
    GreenThread<?> root;
    /** Set by runNext on the carrier: the next task {@link #execute} receives goes to the front. */
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
        this.schedule = Schedule.of(options);
        this.clock = new HubClock(options.virtualClock());
        this.io = new IoWaiters(this, clock);
        this.registry = new ThreadRegistry(this);
        this.greenThreads = VirtualThreads.builder(this).name(name + "-green-", 1).factory();
        this.group = null;
        this.index = 0;
        this.runq = null;
        this.spinsForHandIns = !options.virtualClock() && !schedule.isSeeded();
    }

    /** A hub of {@code group}: FIFO with a real clock, its green threads made by and scheduled by the group. */
    Hub(String name, HubGroup group, int index) {
        this.name = name;
        this.options = HubOptions.DEFAULT;
        this.schedule = Schedule.of(options);
        this.clock = new HubClock(false);
        this.io = new IoWaiters(this, clock);
        this.spinsForHandIns = true;
        this.registry = group.registry;
        this.greenThreads = group.greenThreads;
        this.group = group;
        this.index = index;
        this.runq = new RunQueue();
    }

    /** Starts this group hub's loop on a carrier of its own. */
    void startGroupCarrier() {
        HubCarrier c = new HubCarrier(this, name, this::runGroupCarrier);
        carrier = c;
        WITH_CARRIERS.add(this);
        c.start();
        Access.diagnostics().watch(this);
    }

    /** Starts a hub on a daemon carrier thread of its own, named {@code name}, with the default {@link HubOptions}. */
    public static Hub start(String name) {
        return start(name, HubOptions.configured());
    }

    /** Starts a hub on a daemon carrier thread of its own, named {@code name}. */
    public static Hub start(String name, HubOptions options) {
        Hub hub = new Hub(name, options);
        Thread carrier = new HubCarrier(hub, name, hub::runOwnCarrier);
        hub.carrier = carrier;
        WITH_CARRIERS.add(hub);
        carrier.start();
        Access.diagnostics().watch(hub);
        return hub;
    }

    /** A hub whose carrier is the calling platform thread, which runs it only while it calls {@link #drive}. */
    static Hub driven(String name, HubOptions options) {
        Hub hub = new Hub(name, options);
        hub.carrier = Thread.currentThread();
        Access.diagnostics().watch(hub);
        return hub;
    }

    private static final class Shared {
        static final Hub HUB = start("greening-hub");
    }

    /** The JVM-wide hub that green threads spawned from non-green threads run on; started on first use. */
    public static Hub shared() {
        return Shared.HUB;
    }

    /** The hub the current thread runs on if it is green, else {@code null}. */
    public static Hub current() {
        return of(Thread.currentThread());
    }

    /**
     * The hub that runs {@code thread}, or {@code null} if it is not green. For a green thread of a {@link HubGroup}:
     * the hub it runs on now, for the current thread; for another, the hub that carries it now, or while it does not
     * run, the group's first hub.
     */
    public static Hub of(Thread thread) {
        Executor scheduler = VirtualThreads.schedulerOf(thread);
        if (scheduler instanceof Hub hub) {
            return hub;
        }
        return scheduler instanceof HubGroup g ? g.hubOf(thread) : null;
    }

    /** The group this hub is one of, or {@code null} for a hub on its own. */
    public HubGroup group() {
        return group;
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
        return hub != null ? hub.clock.now() : System.nanoTime();
    }

    /** This hub's name, also its carrier thread's name. */
    public String name() {
        return name;
    }

    /** The platform thread this hub runs on. */
    public Thread carrier() {
        return carrier;
    }

    /** Whether {@link #close()} was called (or its {@link Green#run} root finished, or its group closes). */
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
        return spawn(Callables.of(body));
    }

    /** Spawns a green thread on this hub that starts after {@code delay}; safe from any thread. */
    public <T> GreenThread<T> spawnAfter(Duration delay, Callable<T> body) {
        GreenThread<T> thread = newGreenThread(body);
        thread.startLater(delay);
        return thread;
    }

    /**
     * Makes a green thread of this hub that runs {@code body} once {@link GreenThread#start()} or
     * {@link GreenThread#startLater} starts it (gevent's {@code Greenlet(run)}); safe from any thread.
     *
     * @throws RejectedExecutionException if the hub is closed
     */
    public <T> GreenThread<T> unstarted(Callable<T> body) {
        return newGreenThread(body);
    }

    /** Makes an unstarted green thread of this hub; see {@link #unstarted(Callable)}. */
    public GreenThread<Void> unstarted(Runnable body) {
        return unstarted(Callables.of(body));
    }

    /** Runs {@code task} on the carrier once {@code delay} has passed on this hub's clock; safe from any thread. */
    void runAfter(Duration delay, Runnable task) {
        long deadline = Deadlines.after(delay);
        Runnable schedule = () -> timers.add(deadline, task);
        if (onCarrier()) {
            schedule.run();
        } else {
            execute(schedule);
        }
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
     *
     * @throws RejectedExecutionException if the hub is closed
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
        // the first work, which starts the program, comes from outside by nature
        if (schedule.isSeeded() && !reportedOutsideWork && tasksRun() > 0) {
            reportOutsideWork();
        }
        remote.offer(task);
        wakeUp();
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

    private void runNext(Runnable wakeUp) {
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

    private boolean onCarrier() {
        return VirtualThreads.currentCarrierThread() == carrier;
    }

    /**
     * Closes the hub: its green threads are killed, and once they have ended its carrier stops. Waits for that
     * unless called from the hub's own carrier; an interrupt ends the wait (with the interrupt status set). On a hub
     * of a group it closes the group.
     */
    @Override
    public void close() {
        if (group != null) {
            group.close();
            return;
        }
        closing = true;
        if (closed || onCarrier()) {
            return;
        }
        try {
            execute(NO_OP);   // wakes the loop through the same path as any other work
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

    private void runGroupCarrier() {
        drive(group::isClosing);
        drive(() -> group.hasEnded(this));
        closeGroupHub();
    }

    // ---- the loop ----

    /** Runs the loop on the calling thread, the carrier, until {@code done} holds between batches. */
    void drive(BooleanSupplier done) {
        BUSY.setVolatile(this, true);   // volatile: before the read of whether the monitor sleeps
        MonitorSleep.hubBusy();
        try {
            while (true) {
                moveRemoteToReady();
                fireDueTimers();
                if (group == null) {
                    for (int batch = schedule.batch(ready); batch > 0; batch--) {
                        runTask(schedule.next(ready));
                    }
                } else {
                    runGroupBatch();
                }
                if (io.waiting() > 0) {
                    io.selectNow();
                }
                if (done.getAsBoolean()) {
                    return;
                }
                if (ready.isEmpty() && (group == null || !lookForGreenWork())) {
                    waitForWork();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("hub " + name + ": selector failed", e);
        } finally {
            BUSY.setOpaque(this, false);
        }
    }

    private void moveRemoteToReady() {
        Runnable task;
        while ((task = remote.poll()) != null) {
            ready.addLast(task);
        }
    }

    private void fireDueTimers() {
        if (timers.size() != 0) {
            fireDue(timers, clock.now(), this::runTask);
        }
    }

    /**
     * Fires the timers of {@code heap} due at {@code now}: unparks a timed-out thread, hands a timer task to
     * {@code run}. The hub's own loop, or the monitor for a stuck hub of a group.
     */
    static void fireDue(TimerHeap heap, long now, java.util.function.Consumer<Runnable> run) {
        Timer timer;
        while ((timer = heap.pollDue(now)) != null) {
            if (timer.action() instanceof Thread thread) {
                LockSupport.unpark(thread);
            } else {
                run.accept((Runnable) timer.action());
            }
        }
    }

    private void runTask(Runnable task) {
        TASKS_RUN.setOpaque(this, (long) TASKS_RUN.getOpaque(this) + 1);
        try {
            task.run();
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "hub " + name + ": a task failed on the carrier", t);
        }
        if (group != null && stuck) {
            unstick();
        }
    }

    // ---- in a group: the run queue, the LIFO slot, stuck ----

    /**
     * Makes the green thread {@code task} ready here, on this hub's carrier: a thread woken by a green thread of this
     * hub (a lock released, a queue handed over, a spawn) goes to the LIFO slot and runs next, so that such pairs
     * stay on one core; the one it displaces, and every other, to the run queue, where idle hubs may steal it. A
     * spare hub that is not needed any more hands everything to the group.
     */
    void scheduleHere(Runnable task, boolean byGreenThread) {
        if (isSurplus()) {
            group.share(task);
            return;
        }
        if (byGreenThread && lifoEnabled) {
            Runnable displaced = (Runnable) LIFO.getAndSet(this, task);
            if (displaced == null) {
                return;
            }
            task = displaced;
        }
        if (!runq.offer(task)) {
            group.spilled(runq.spillHalf(group::inject));
            runq.offer(task);
        }
        if (runq.size() > 1) {
            // more than the carrier takes next: worth a thief's while (the fence orders the offer before the look)
            VarHandle.fullFence();
            group.notifyWork();
        }
    }

    /**
     * Runs this hub's own tasks, then a batch of green threads: the LIFO slot's, the run queue's, the group's. A hub
     * woken to look for work looks first.
     */
    private void runGroupBatch() {
        if (searching) {
            searching = false;
            group.stopSearching(!isSurplus() && group.findWork(this));
        }
        for (int batch = ready.size(); batch > 0; batch--) {
            runTask(ready.pollFirst());
        }
        if (isSurplus()) {
            shareAll();
            return;
        }
        for (int budget = runq.size() + 1; budget > 0; budget--) {
            Runnable task = nextGreenTask();
            if (task == null) {
                return;
            }
            runTask(task);
        }
    }

    private Runnable nextGreenTask() {
        Runnable task = lifo;
        if (task != null && LIFO.compareAndSet(this, task, null)) {
            if (++lifoRuns >= MAX_LIFO_RUNS) {
                lifoEnabled = false;   // two threads waking each other must not starve the run queue
            }
            return task;
        }
        lifoRuns = 0;
        lifoEnabled = true;
        if (++greenTicks % SHARED_QUEUE_INTERVAL == 0 && (task = group.pollShared()) != null) {
            return task;
        }
        return runq.poll();
    }

    /** Nothing of its own is ready: looks for work in the group (shared queue, other hubs); true if it found some. */
    private boolean lookForGreenWork() {
        return hasReadyGreenThreads() || (!isSurplus() && group.findWork(this));
    }

    /** Whether this is a spare hub the group does not want now ({@link HubGroup#sparesWanted}): it takes no new work and hands its own on. */
    boolean isSurplus() {
        return index >= group.cores && index - group.cores >= group.sparesWanted();
    }

    private void shareAll() {
        Runnable task = (Runnable) LIFO.getAndSet(this, null);
        if (task != null) {
            group.share(task);
        }
        runq.drainTo(group::share);
    }

    /** Takes what waits in the LIFO slot, from any thread (the monitor, for a stuck hub). */
    Runnable takeLifo() {
        return (Runnable) LIFO.getAndSet(this, null);
    }

    /** Whether a green thread waits in the LIFO slot or the run queue (a moment's view). */
    boolean hasReadyGreenThreads() {
        return lifo != null || !runq.isEmpty();
    }

    /** The monitor marks this hub stuck; true if it was not already. */
    boolean markStuck() {
        if (STUCK.compareAndSet(this, false, true)) {
            group.stuckChanged(1);
            return true;
        }
        return false;
    }

    boolean isStuck() {
        return stuck;
    }

    private void unstick() {
        if (STUCK.compareAndSet(this, true, false)) {
            group.stuckChanged(-1);
        }
    }

    /** Called by the group when it claimed this idle hub to look for work. */
    void claimedToSearch() {
        searching = true;
    }

    /** Wakes the loop if it sleeps (any thread). */
    void wakeUp() {
        if (sleeping && SLEEPING.compareAndSet(this, true, false)) {
            if (parkingForTimer) {
                LockSupport.unpark(carrier);
            } else {
                io.wakeup();
            }
        }
    }

    /** Nothing is ready: decides how to wait ({@link Wait#decide}) and does it. */
    private void waitForWork() throws IOException {
        if (group != null && stuck) {
            unstick();
        }
        if (handInsCome && spinForHandIn()) {
            return;
        }
        waitAsDecided();
        handInsCome = spinsForHandIns && handInWaiting();
    }

    /** Work from another thread: in the remote queue, or in a group (unless a spare not needed) for it to take. */
    private boolean handInWaiting() {
        return !remote.isEmpty() || (group != null && !isSurplus() && group.hasWorkToSpare(this));
    }

    /** Looks for handed-in work for at most {@link #HAND_IN_SPIN_NANOS}; whether it came. Stops expecting it if not. */
    private boolean spinForHandIn() {
        long start = System.nanoTime();
        do {
            if (handInWaiting()) {
                return true;
            }
            Thread.yield();
        } while (System.nanoTime() - start < HAND_IN_SPIN_NANOS);
        handInsCome = false;
        return false;
    }

    private void waitAsDecided() throws IOException {
        // instanceof, not a pattern switch: the switch's bootstrap generates a class with the ClassFile API on the first
        // hub's first wait, some 10 ms of a greened program's start (benchmarks/README.md, section 23)
        Wait wait = Wait.decide(snapshot());
        if (wait instanceof Wait.RunNow) {
            return;
        } else if (wait instanceof Wait.JumpClock jump) {
            clock.advanceTo(jump.to());
        } else if (wait instanceof Wait.FollowRealTime follow) {
            if (selectFollowingRealTime(follow.millis(), follow.to()) == 0 && follow.thenJump() && remote.isEmpty()) {
                clock.advanceTo(follow.to());   // no real I/O became ready within the grace
            }
        } else if (wait instanceof Wait.ParkForTimer park) {
            sleep(true, park.nanos(), 0);
        } else if (wait instanceof Wait.SelectFor select) {
            sleep(false, 0, select.millis());
        } else if (wait instanceof Wait.SelectUntilWoken) {
            selectFollowingRealTime(0, Long.MAX_VALUE);
        } else if (wait instanceof Wait.QuietGrace quiet) {
            if (sleep(false, 0, quiet.millis()) == 0 && remote.isEmpty() && ready.isEmpty()) {
                reportQuiet();
            }
        } else {
            throw new AssertionError("a wait not handled: " + wait);
        }
    }

    /**
     * Selects at most {@code millis} (0: until woken); a virtual clock follows the real time waited, but not past
     * {@code limit} (the next timer, or {@code Long.MAX_VALUE}). Returns how many channels were ready, as {@link #sleep}.
     */
    private int selectFollowingRealTime(long millis, long limit) throws IOException {
        long start = System.nanoTime();
        int ready = sleep(false, 0, millis);
        if (clock.isVirtual()) {
            long followed = clock.now() + (System.nanoTime() - start);
            clock.advanceTo(limit != Long.MAX_VALUE && followed - limit > 0 ? limit : followed);
        }
        return ready;
    }

    private Wait.Snapshot snapshot() {
        Timer next = timers.peek();
        // in a group a hub's threads may wait on any hub: only the first hub reports, and only when all are quiet
        int live = group == null || group.isQuiet(this) ? registry.size() : 0;
        return new Wait.Snapshot(clock.isVirtual(), clock.now(), next == null ? 0 : next.deadline(), next != null,
                next != null && next.isIoTimeout(), !remote.isEmpty(), io.waitingOnRealIo(), offloadsInFlight.get(),
                live, quietReportedAt == tasksRun(), QUIET_GRACE_MILLIS, IO_GRACE_MILLIS);
    }

    /**
     * RUNNING -> SLEEPING -> RUNNING: announces sleeping (in a group, idle too), then parks {@code parkNanos} or
     * selects at most {@code selectMillis} (0: until woken) unless work came in first. Returns how many channels were
     * ready, or -1 if it did not sleep.
     */
    private int sleep(boolean park, long parkNanos, long selectMillis) throws IOException {
        boolean exiting = jvmExiting;
        parkingForTimer = park || exiting;   // before sleeping: a producer that sees us sleep sees how to wake us
        SLEEPING.setVolatile(this, true);
        boolean announced = group != null && group.enterIdle(this);
        // an offer that came before we said we sleep; in a group also work another hub could spare, or a claim
        if (!remote.isEmpty() || (group != null && groupWorkBeforeSleep(announced))) {
            sleeping = false;
            if (announced) {
                group.leaveIdle(this);
            }
            return -1;
        }
        BUSY.setOpaque(this, false);
        try {
            if (exiting) {
                return sleepWhileJvmExits(park ? parkNanos : selectMillis == 0 ? Long.MAX_VALUE : selectMillis * 1_000_000);
            }
            if (park) {
                LockSupport.parkNanos(this, parkNanos);
                return 0;
            }
            if (jvmExiting) {
                return io.selectNow() ? 0 : -1;   // the exit's wake-up may have come before we said we sleep: look, go round
            }
            return io.select(selectMillis);
        } finally {
            BUSY.setOpaque(this, true);
            sleeping = false;   // a volatile store: orders the one above before the read below (MonitorSleep)
            MonitorSleep.hubBusy();
            if (announced) {
                group.leaveIdle(this);
            }
        }
    }

    /**
     * {@link #sleep} once the JVM exits: parks at most {@code nanos} in slices of {@link #EXIT_POLL_NANOS}, looking at
     * the selector without blocking between them, until woken ({@link #wakeUp} clears {@link #sleeping}), a channel is
     * ready or the time is up; returns how many channels were ready. So the carrier is never in native code for long.
     */
    private int sleepWhileJvmExits(long nanos) throws IOException {
        long start = System.nanoTime();
        while (true) {
            int ready = io.selectNowCount();
            if (ready > 0 || !sleeping) {
                return Math.max(ready, 0);
            }
            long left = nanos - (System.nanoTime() - start);
            if (left <= 0) {
                return 0;
            }
            LockSupport.parkNanos(this, Math.min(left, EXIT_POLL_NANOS));
        }
    }

    /**
     * In a group, after announcing sleep: whether to stay awake after all. A core hub (announced idle) stays for a
     * claim to search or for work it could take; a spare, which the monitor wakes without a claim, stays for work
     * while a hub is stuck, so that a wake-up the monitor sent just before it said it sleeps is not lost.
     */
    private boolean groupWorkBeforeSleep(boolean announced) {
        return announced ? !idle || group.hasWorkToSpare(this) : !isSurplus() && group.hasWorkToSpare(this);
    }

    private void reportQuiet() {
        quietReportedAt = tasksRun();
        DeadlockReport failRootWith = Access.diagnostics().reportQuiet(this);
        if (failRootWith != null && root != null && !root.isDead()) {
            root.kill(new GreenDeadlockException(failRootWith));
        }
    }

    /** Kills the remaining green threads, runs until they have ended, and closes. Carrier only. */
    void shutDown() {
        closing = true;
        killAll();
        drive(() -> registry.size() == 0 && ready.isEmpty() && remote.isEmpty());
        closed = true;
        Access.diagnostics().unwatch(this);
        registry.close();
        runLeftovers();
        closeSelector();
    }

    /** Kills every green thread in this hub's registry (its group's, for a group hub). */
    void killAll() {
        for (var record : registry.snapshot()) {
            if (record instanceof GreenThread.Record green) {
                green.green().kill();
            }
        }
    }

    /** A group hub's end, once its group has closed and every green thread of the group has ended. Carrier only. */
    private void closeGroupHub() {
        closed = true;
        Access.diagnostics().unwatch(this);
        runLeftovers();
        closeSelector();
        group.hubEnded();
    }

    private void runLeftovers() {
        moveRemoteToReady();   // work that raced with closing: run it rather than lose it
        while (!ready.isEmpty()) {
            runTask(ready.pollFirst());
        }
    }

    private void closeSelector() {
        WITH_CARRIERS.remove(this);
        try {
            io.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the selector of hub " + name, e);
        }
    }

    IoWaiters io() {
        return io;
    }

    /** Whether nothing is ready, timed, watched or offloaded here (a moment's view from other threads). */
    boolean isIdleHere() {
        return timers.size() == 0 && io.waiting() == 0 && offloadsInFlight.get() == 0 && isDrained();
    }

    /** Whether this hub's own queues are empty (its affine tasks and, in a group, its green threads). */
    boolean isDrained() {
        return ready.isEmpty() && remote.isEmpty() && (group == null || !hasReadyGreenThreads());
    }

    /** Marks this group hub closing (its group closes) and wakes it. */
    void closeForGroup() {
        closing = true;
        nudge();
    }

    /**
     * Makes the loop look at its done condition again, from any thread: a no-op through the remote queue, which the
     * sleeping handshake re-reads after announcing sleep. A bare {@link #wakeUp()} would miss a loop that read the
     * condition and has not announced sleep yet. Harmless on a closed hub.
     */
    void nudge() {
        remote.offer(NO_OP);
        wakeUp();
    }

    /**
     * Analyses what this hub's green threads wait on and finds wait-for cycles among them. Safe from any thread: off
     * the carrier it asks the carrier and waits.
     */
    public DeadlockReport findDeadlocks() {
        if (onCarrier()) {
            return Access.diagnostics().analyze(this);
        }
        CompletableFuture<DeadlockReport> result = new CompletableFuture<>();
        execute(() -> result.complete(Access.diagnostics().analyze(this)));
        return result.join();
    }

    private long tasksRun() {
        return (long) TASKS_RUN.getOpaque(this);
    }

    /**
     * The JDK starts its socket poller threads on first use, as virtual threads that inherit the scheduler of the
     * thread that starts them; started from a green thread they would run on a hub and stall with it. Starting
     * them here, from the (platform) thread that first loads Hub, keeps them on the JDK's own scheduler. Not under the
     * agent, whose patch of the JDK's virtual thread making keeps them there ({@link BeforeFirstHub#jdkPollersKeptOffHubs}):
     * started here they would cost every greened program some 20-60 ms of CPU and, with the poller's platform thread
     * in a native {@code epoll_wait}, up to 300 ms at exit, when the JVM waits for threads in native code.
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

    /** The hub's internals, for greening's other packages (see {@link Access}). */
    private static final class Internals implements GreeningAccess {
        @Override
        public ThreadRegistry registry(Hub hub) {
            return hub.registry;
        }

        @Override
        public TimerHeap timers(Hub hub) {
            return hub.timers;
        }

        @Override
        public HubClock clock(Hub hub) {
            return hub.clock;
        }

        @Override
        public IoWaiters io(Hub hub) {
            return hub.io;
        }

        @Override
        public AtomicInteger offloadsInFlight(Hub hub) {
            return hub.offloadsInFlight;
        }

        @Override
        public long tasksRun(Hub hub) {
            return hub.tasksRun();
        }

        @Override
        public boolean isBusy(Hub hub) {
            return (boolean) BUSY.getOpaque(hub);
        }

        @Override
        public void runNext(Hub hub, Runnable wakeUp) {
            hub.runNext(wakeUp);
        }

        @Override
        public Hub driven(String name) {
            return Hub.driven(name, HubOptions.configured());
        }

        @Override
        public void driveUntil(Hub hub, BooleanSupplier done) {
            if (Thread.currentThread() != hub.carrier) {
                throw new IllegalStateException("hub " + hub.name + " can only be driven by its carrier " + hub.carrier.getName());
            }
            hub.drive(done);
        }

        @Override
        public long handOff(Hub hub) {
            return hub.group == null ? Long.MAX_VALUE : hub.group.handOff(hub);
        }

        @Override
        public Hub ioDomain(Hub hub) {
            return hub.group == null ? hub : hub.group.hubs().getFirst();
        }

        @Override
        public void forget(SelectableChannel channel) throws IOException {
            Hub hub = current();
            if (hub == null) {
                throw new IllegalStateException("forget from a thread that is not green");
            }
            List<IoWaiters> siblings = new ArrayList<>();
            for (Hub sibling : hub.group == null ? List.of(hub) : hub.group.hubs()) {
                siblings.add(sibling.io);
            }
            hub.io.forget(channel, siblings);
        }

        @Override
        public <T> GreenThread<T> newGreenThread(Hub hub, Callable<T> body) {
            return hub.newGreenThread(body);
        }

        @Override
        public void start(GreenThread<?> thread) {
            thread.start();
        }
    }
}
