package io.greening;

import io.greening.diagnostics.DeadlockReport;
import io.greening.internal.Access;
import io.greening.internal.Callables;
import io.greening.internal.Deadlines;
import io.greening.internal.GreeningAccess;
import io.greening.internal.HubClock;
import io.greening.internal.IoWaiters;
import io.greening.internal.MpscQueue;
import io.greening.internal.Settings;
import io.greening.internal.Schedule;
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
import java.util.ArrayDeque;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * An event loop on one carrier thread that schedules green threads: a ready queue, timers and a NIO selector, as
 * eventlet's hub on epoll. Green threads are virtual threads whose scheduler is a hub: the JDK hands the hub a task
 * ({@link #execute}) each time one of them starts, is unparked or yields, and the loop runs it on the carrier. A
 * green thread always runs on the hub that spawned it, and so do the virtual threads it starts with
 * {@code Thread.ofVirtual()}. A hub is driven by a carrier of its own ({@link #start(String)}, {@link #shared()}) or
 * by the caller of {@link Green#run}.
 *
 * <pre>
 * The loop (drive), one turn:
 *
 *   +-> take in remote work      tasks other threads handed over (execute off the carrier: a lock-free queue)
 *   |   fire due timers          unpark timed-out sleepers, run timer tasks
 *   |   run ready tasks          FIFO: the whole batch ready now; random or PCT: one pick (internal.Schedule)
 *   |   poll channels            if a green thread waits on one: select without blocking
 *   |   done? -----------------------------------------------------------------------------> return
 *   |   nothing ready? -> waitForWork: Wait.decide(snapshot of the hub) names what to do:
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
 *   RUNNING  -> SLEEPING   waitForWork: announces sleeping (volatile), re-checks remote work, selects or parks
 *   SLEEPING -> RUNNING    a channel is ready, the timeout passes, or execute() from another thread wakes it:
 *                          whoever clears sleeping first (CAS) calls selector.wakeup() or unparks the carrier
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
    private static final System.Logger LOG = System.getLogger("io.greening.hub");
    private static final AtomicInteger HUB_NUMBERS = new AtomicInteger();
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

    static {
        Access.setGreening(new Internals());
        startJdkPollersOffHub();
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
    private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
    private final MpscQueue<Runnable> remote = new MpscQueue<>();
    private volatile Thread carrier;
    private volatile boolean sleeping;
    /** Whether the loop, while {@link #sleeping}, parks for a timer instead of selecting: how to wake it. */
    private volatile boolean parkingForTimer;
    private volatile boolean closing;
    private volatile boolean closed;
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
        return spawn(Callables.of(body));
    }

    /** Spawns a green thread on this hub that starts after {@code delay}; safe from any thread. */
    public <T> GreenThread<T> spawnAfter(Duration delay, Callable<T> body) {
        GreenThread<T> thread = newGreenThread(body);
        long deadline = Deadlines.after(delay);
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
        if (sleeping && SLEEPING.compareAndSet(this, true, false)) {
            if (parkingForTimer) {
                LockSupport.unpark(carrier);
            } else {
                io.wakeup();
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
     * unless called from the hub's own carrier; an interrupt ends the wait (with the interrupt status set).
     */
    @Override
    public void close() {
        closing = true;
        if (closed || onCarrier()) {
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

    // ---- the loop ----

    /** Runs the loop on the calling thread, the carrier, until {@code done} holds between batches. */
    void drive(BooleanSupplier done) {
        BUSY.setOpaque(this, true);
        try {
            while (true) {
                moveRemoteToReady();
                fireDueTimers();
                for (int batch = schedule.batch(ready); batch > 0; batch--) {
                    runTask(schedule.next(ready));
                }
                if (io.waiting() > 0) {
                    io.selectNow();
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
        long now = clock.now();
        Timer timer;
        while ((timer = timers.pollDue(now)) != null) {
            if (timer.action() instanceof Thread thread) {
                LockSupport.unpark(thread);
            } else {
                runTask((Runnable) timer.action());
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
    }

    /** Nothing is ready: decides how to wait ({@link Wait#decide}) and does it. */
    private void waitForWork() throws IOException {
        switch (Wait.decide(snapshot())) {
            case Wait.RunNow _ -> { }
            case Wait.JumpClock(long to) -> clock.advanceTo(to);
            case Wait.FollowRealTime(long millis, boolean thenJump, long to) -> {
                if (selectFollowingRealTime(millis, to) == 0 && thenJump && remote.isEmpty()) {
                    clock.advanceTo(to);   // no real I/O became ready within the grace
                }
            }
            case Wait.ParkForTimer(long nanos) -> sleep(true, nanos, 0);
            case Wait.SelectFor(long millis) -> sleep(false, 0, millis);
            case Wait.SelectUntilWoken _ -> selectFollowingRealTime(0, Long.MAX_VALUE);
            case Wait.QuietGrace(long millis) -> {
                if (sleep(false, 0, millis) == 0 && remote.isEmpty() && ready.isEmpty()) {
                    reportQuiet();
                }
            }
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
        return new Wait.Snapshot(clock.isVirtual(), clock.now(), next == null ? 0 : next.deadline(), next != null,
                next != null && next.isIoTimeout(), !remote.isEmpty(), io.waitingOnRealIo(), offloadsInFlight.get(),
                registry.size(), quietReportedAt == tasksRun(), QUIET_GRACE_MILLIS, IO_GRACE_MILLIS);
    }

    /**
     * RUNNING -> SLEEPING -> RUNNING: announces sleeping, then parks {@code parkNanos} or selects at most
     * {@code selectMillis} (0: until woken) unless work came in first. Returns how many channels were ready, or -1
     * if it did not sleep.
     */
    private int sleep(boolean park, long parkNanos, long selectMillis) throws IOException {
        parkingForTimer = park;   // before sleeping: a producer that sees us sleep sees how to wake us
        SLEEPING.setVolatile(this, true);
        if (!remote.isEmpty()) {   // an offer that came before we said we sleep
            sleeping = false;
            return -1;
        }
        BUSY.setOpaque(this, false);
        try {
            if (park) {
                LockSupport.parkNanos(this, parkNanos);
                return 0;
            }
            return io.select(selectMillis);
        } finally {
            sleeping = false;
            BUSY.setOpaque(this, true);
        }
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
        for (var record : registry.snapshot()) {
            if (record instanceof GreenThread.Record green) {
                green.green().kill();
            }
        }
        drive(() -> registry.size() == 0 && ready.isEmpty() && remote.isEmpty());
        closed = true;
        Access.diagnostics().unwatch(this);
        registry.close();
        moveRemoteToReady();   // work that raced with closing: run it rather than lose it
        while (!ready.isEmpty()) {
            runTask(ready.pollFirst());
        }
        try {
            io.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the selector of hub " + name, e);
        }
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
        public <T> GreenThread<T> newGreenThread(Hub hub, Callable<T> body) {
            return hub.newGreenThread(body);
        }

        @Override
        public void start(GreenThread<?> thread) {
            thread.start();
        }
    }
}
