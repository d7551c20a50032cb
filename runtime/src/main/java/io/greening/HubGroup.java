package io.greening;

import io.greening.internal.Access;
import io.greening.internal.Callables;
import io.greening.internal.HubCarrier;
import io.greening.internal.LazyLogger;
import io.greening.internal.ThreadRegistry;
import io.greening.internal.TimerHeap.Timer;
import io.greening.internal.VirtualThreads;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A group of hubs, one per core by default, that runs green threads on all of them: the scheduler of the green threads
 * the agent makes, and open to library users ({@link #start(String)}, {@link #spawn}). Its design follows Go's
 * scheduler (per-P run queues, stealing half a victim's queue, a shared queue for work from outside, bounded
 * spinning, sysmon handing a stuck P's work on) and Tokio's multi-threaded runtime (the LIFO slot).
 *
 * <ul>
 *   <li><b>Where a green thread runs.</b> The group is the green thread's scheduler, fixed when it is made. A thread
 *       woken or spawned by a green thread of hub H runs next on H (H's LIFO slot, at most three in a row), so that a
 *       thread and the one it hands a lock or a message to stay on one core; a thread woken by H's own loop (its
 *       timer, its channel) joins H's run queue, so it comes back where it last ran; work from outside the group (a
 *       platform or JDK thread, an offload completing) goes to the group's shared queue, and an idle hub is woken for
 *       it.</li>
 *   <li><b>Work stealing.</b> A hub with nothing to run takes a batch from the shared queue, else steals half of
 *       another hub's run queue (never its LIFO slot), so placement at creation does not decide the load. Only one
 *       idle hub is woken to look for work at a time; when it finds some it wakes the next (Go's spinning Ms).</li>
 *   <li><b>Timers and I/O stay per hub</b>: a thread's timer and its channel's registration belong to the hub it
 *       parked on, whose loop wakes it there.</li>
 *   <li><b>Hand-off of a stuck hub.</b> When one green thread has kept a hub's carrier longer than the
 *       {@code handoff} setting (default 5 ms; a native read, a busy loop, a CPU burst), greening's monitor (its
 *       sysmon) marks the hub stuck and hands its ready threads, due timers and ready I/O to the group: idle hubs take
 *       them, and when none is idle a spare carrier with a hub of its own runs them, as Go's sysmon hands a P stuck in
 *       a system call to another M. A hub's carrier never changes: the stuck carrier keeps its hub and, when its
 *       thread yields, takes up its loop again; the spare then hands what it holds back to the group and waits for
 *       the next stuck hub. The stall is still reported past the {@code stall} setting, naming the thread.</li>
 * </ul>
 *
 * <p>What differs from a hub on its own ({@link Hub#start}, {@link Green#run}): green threads of a group run in
 * parallel, one per hub at a time, and move between hubs, so they share memory as threads do; greening's primitives
 * ({@code io.greening.sync}) made on a group use their lock from the start. A group always schedules FIFO on real
 * time: seeded and PCT schedules and the virtual clock need a hub of their own, so that they replay.
 */
public final class HubGroup implements Executor, AutoCloseable {
    private static final System.Logger LOG = LazyLogger.named("io.greening.hub");
    /** How many tasks a hub takes from the shared queue at once (Go's globrunqget takes a fair share, up to half a run queue). */
    private static final int SHARED_BATCH = 16;
    /** How often the monitor polls a stuck hub's selector while green threads wait on it. */
    private static final long STUCK_IO_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final String name;
    /** Hubs that run green threads all the time: one per core by default. */
    final int cores;
    /** The processors available to the JVM when the group started: more hubs than these share them. */
    private final int processors = Runtime.getRuntime().availableProcessors();
    /** The core hubs, then at most as many spares, started by the monitor when hubs are stuck. */
    private final Hub[] hubs;
    private volatile int started;
    final ThreadRegistry registry;
    final ThreadFactory greenThreads;
    private final ConcurrentLinkedQueue<Runnable> shared = new ConcurrentLinkedQueue<>();
    private final AtomicInteger idleHubs = new AtomicInteger();
    private final AtomicInteger searchingHubs = new AtomicInteger();
    private final AtomicInteger stuckHubs = new AtomicInteger();
    private final AtomicLong handOffs = new AtomicLong();
    private final AtomicLong spilled = new AtomicLong();
    private final AtomicInteger endedHubs = new AtomicInteger();
    private volatile boolean closing;
    private volatile boolean closed;

    private HubGroup(String name, int size) {
        VirtualThreads.ensureAvailable();
        this.name = name;
        this.cores = size;
        this.hubs = new Hub[size * 2];   // at most one spare per core hub: a small bound on extra carriers
        this.registry = ThreadRegistry.shared(name, size);
        this.greenThreads = VirtualThreads.builder(this).name(name + "-green-", 1).factory();
    }

    /** Starts a group of one hub per processor available to the JVM, each on a daemon carrier of its own. */
    public static HubGroup start(String name) {
        return start(name, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Starts a group of {@code hubs} hubs, each on a daemon carrier of its own named {@code name-i}.
     *
     * @throws IllegalArgumentException if {@code hubs} is not from 1 to 1024
     */
    public static HubGroup start(String name, int hubs) {
        if (hubs < 1 || hubs > 1024) {
            throw new IllegalArgumentException("a group has 1 to 1024 hubs, not " + hubs);
        }
        HubGroup group = new HubGroup(name, hubs);
        for (int i = 0; i < hubs; i++) {
            group.hubs[i] = new Hub(name + "-" + i, group, i);
        }
        group.started = hubs;
        for (int i = 0; i < hubs; i++) {
            group.hubs[i].startGroupCarrier();
        }
        return group;
    }

    /** The group the current thread runs in, or {@code null}. */
    public static HubGroup current() {
        Hub hub = Hub.current();
        return hub == null ? null : hub.group;
    }

    /** Its name; its hubs are named {@code name-0}, {@code name-1}, ..., its spares {@code name-spare-0}, .... */
    public String name() {
        return name;
    }

    /** How many hubs run green threads when none is stuck: one per core unless started otherwise. */
    public int size() {
        return cores;
    }

    /** Its hubs started so far: the core hubs, then any spare the monitor has started. */
    public List<Hub> hubs() {
        List<Hub> list = new ArrayList<>();
        for (int i = 0, n = started; i < n; i++) {
            list.add(hubs[i]);
        }
        return list;
    }

    /** How many times a stuck hub's work was handed to the group so far. */
    public long handOffs() {
        return handOffs.get();
    }

    /** Spawns a green thread of this group; safe from any thread. */
    public <T> GreenThread<T> spawn(Callable<T> body) {
        return entryHub().spawn(body);
    }

    /** Spawns a green thread of this group; safe from any thread. */
    public GreenThread<Void> spawn(Runnable body) {
        return spawn(Callables.of(body));
    }

    private Hub entryHub() {
        Hub here = HubCarrier.current();
        return here != null && here.group == this ? here : hubs[0];
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosing() {
        return closing;
    }

    /**
     * Makes {@code task}, the next run of one of the group's green threads, ready: the virtual-thread scheduler entry,
     * called by the JDK. Safe from any thread.
     *
     * @throws RejectedExecutionException if the group is closed
     */
    @Override
    public void execute(Runnable task) {
        if (closed) {
            throw new RejectedExecutionException("hub group " + name + " is closed");
        }
        Hub here = HubCarrier.current();
        if (here != null && here.group == this) {
            here.scheduleHere(task, Thread.currentThread() != here.carrier());
        } else {
            share(task);
        }
    }

    /**
     * Closes the group: its green threads are killed, and once they have ended its carriers stop. Waits for that
     * unless called on one of its carriers; an interrupt ends the wait (with the interrupt status set).
     */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        // a hub asleep waits for the last green thread to end, maybe on another hub: that end wakes it
        registry.whenEmptied(this::nudgeAll);
        for (Hub hub : hubs()) {
            hub.closeForGroup();
        }
        hubs[0].killAll();
        Hub here = HubCarrier.current();
        if (here != null && here.group == this) {
            return;
        }
        try {
            for (Hub hub : hubs()) {
                hub.carrier().join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void nudgeAll() {
        for (Hub hub : hubs()) {
            hub.nudge();
        }
    }

    @Override
    public String toString() {
        return "HubGroup[" + name + ", " + cores + " hubs" + (closing ? ", closing" : "") + "]";
    }

    // ---- for the hubs (package) ----

    /** The hub of {@code thread}, a green thread of this group; see {@link Hub#of}. */
    Hub hubOf(Thread thread) {
        Hub here = thread == Thread.currentThread() ? HubCarrier.current()
                : VirtualThreads.carrierOf(thread) instanceof HubCarrier carrier ? carrier.hub() : null;
        return here != null && here.group == this ? here : hubs[0];
    }

    /** Puts {@code task} on the shared queue and wakes an idle hub for it. */
    void share(Runnable task) {
        shared.offer(task);
        notifyWork();
    }

    /** A hub's full run queue put {@code tasks} of its green threads on the shared queue. */
    void spilled(int tasks) {
        spilled.addAndGet(tasks);
    }

    /** How many green threads full run queues have put on the shared queue so far (for tests). */
    long spilled() {
        return spilled.get();
    }

    /** Puts {@code task} on the shared queue; the caller wakes a hub if it must. */
    void inject(Runnable task) {
        shared.offer(task);
    }

    Runnable pollShared() {
        return shared.poll();
    }

    /** Work was made ready where another hub could take it: wakes an idle hub unless one is looking for work already. */
    void notifyWork() {
        if (idleHubs.get() > 0 && searchingHubs.get() == 0) {
            wakeOne();
        }
    }

    /** Claims one idle core hub to look for work, and wakes it (Go's wakep: at most one searcher woken at a time). */
    private void wakeOne() {
        if (searchingHubs.compareAndSet(0, 1) && !claimIdleHub()) {
            searchingHubs.decrementAndGet();
        }
    }

    /**
     * Claims one idle core hub to look for work even while another is claimed already: the monitor's rescue when the
     * claimed hub may never look (its carrier blocked inside its selector). Returns whether it woke one.
     */
    private boolean wakeIdleHubEvenIfOneSearches() {
        searchingHubs.incrementAndGet();   // before the claim: the claimed hub's stopSearching counts it down
        if (claimIdleHub()) {
            return true;
        }
        searchingHubs.decrementAndGet();
        return false;
    }

    /** Takes an idle core hub out of idle and wakes it, as a searcher the caller has counted. */
    private boolean claimIdleHub() {
        int start = ThreadLocalRandom.current().nextInt(cores);
        for (int i = 0; i < cores; i++) {
            Hub hub = hubs[(start + i) % cores];
            if (hub.idle && Hub.IDLE.compareAndSet(hub, true, false)) {
                idleHubs.decrementAndGet();
                hub.wakeUp();
                return true;
            }
        }
        return false;
    }

    /** A core hub about to sleep says so; returns whether it did (spares are woken by the monitor only). */
    boolean enterIdle(Hub hub) {
        if (hub.index >= cores) {
            return false;
        }
        Hub.IDLE.setVolatile(hub, true);
        idleHubs.incrementAndGet();   // a full fence: the hub's last look for work comes after it
        return true;
    }

    /** The hub is awake again: by itself, or claimed by {@link #wakeOne} to look for work. */
    void leaveIdle(Hub hub) {
        if (Hub.IDLE.compareAndSet(hub, true, false)) {
            idleHubs.decrementAndGet();
        } else {
            hub.claimedToSearch();
        }
    }

    /** A hub claimed to look for work has looked; the last such hub that found some wakes the next (Go's resetspinning). */
    void stopSearching(boolean found) {
        if (searchingHubs.decrementAndGet() == 0 && found && hasWorkToSpare(null)) {
            notifyWork();
        }
    }

    /** Whether there is work that {@code me} (or, for null, any hub) could take: shared, or in another's run queue. */
    boolean hasWorkToSpare(Hub me) {
        if (!shared.isEmpty()) {
            return true;
        }
        for (int i = 0, n = started; i < n; i++) {
            Hub hub = hubs[i];
            if (hub != me && !hub.runq.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Looks for green threads for {@code me}, whose LIFO slot and run queue are empty: a batch from the shared queue,
     * else half of another hub's run queue. Returns whether it found any (now in {@code me}'s run queue). Carrier of
     * {@code me} only.
     */
    boolean findWork(Hub me) {
        if (me.hasReadyGreenThreads()) {
            return true;
        }
        Runnable task = shared.poll();
        if (task != null) {
            me.runq.offer(task);
            for (int i = 1; i < SHARED_BATCH && (task = shared.poll()) != null; i++) {
                me.runq.offer(task);
            }
            return true;
        }
        int n = started;
        int start = ThreadLocalRandom.current().nextInt(n);
        for (int i = 0; i < n; i++) {
            Hub victim = hubs[(start + i) % n];
            if (victim != me && (task = victim.runq.stealInto(me.runq)) != null) {
                me.runq.offer(task);
                return true;
            }
        }
        return false;
    }

    void stuckChanged(int delta) {
        stuckHubs.addAndGet(delta);
    }

    /**
     * Whether {@code me}, about to wait, may report the group quiet: it is the first hub, and no hub has work, a timer,
     * a channel or an offloaded call in flight, and every other core hub is idle (a moment's view: a report is a log
     * line, and the group's schedules are not deterministic).
     */
    boolean isQuiet(Hub me) {
        if (me.index != 0 || !shared.isEmpty()) {
            return false;
        }
        for (int i = 0, n = started; i < n; i++) {
            Hub hub = hubs[i];
            if (!hub.isIdleHere() || (hub != me && i < cores && !hub.idle)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code me} may stop: the group closes and every green thread of it has ended. */
    boolean hasEnded(Hub me) {
        return registry.size() == 0 && me.isDrained() && shared.isEmpty();
    }

    /**
     * The monitor found {@code stuck} running one task past the handoff setting, or its carrier blocked entering a
     * monitor as long (inside its selector, while it said it was idle): marks it stuck and hands its ready
     * threads, due timers and ready I/O to the group, then makes sure a hub runs them (an idle one, else a spare).
     * Returns how many nanoseconds until it should look again (the stuck hub's next timer, or its next I/O poll).
     */
    long handOff(Hub stuck) {
        if (stuck.markStuck()) {
            handOffs.incrementAndGet();
        }
        if (!stuck.isStuck()) {
            return Long.MAX_VALUE;
        }
        Runnable task = stuck.takeLifo();
        if (task != null) {
            inject(task);
        }
        stuck.runq.drainTo(this::inject);
        Hub.fireDue(stuck.timers, System.nanoTime(), this::runTimerTask);   // unparked threads come here, from outside
        // another hub polls it, on a virtual thread of the group: a select may block on a monitor, which unmounts a
        // virtual thread and leaves its carrier free, and the monitor itself must never block
        stuck.io().queuePoll(poll -> greenThreads.newThread(poll).start());
        // not notifyWork: the hub claimed to search may be this one, blocked, and that claim would stop every other
        if (!shared.isEmpty() && !wakeIdleHubEvenIfOneSearches()) {
            wakeSpares();
        }
        Timer next = stuck.timers.peek();
        long wait = next == null ? Long.MAX_VALUE : Math.max(0, next.deadline() - System.nanoTime());
        return stuck.io().waiting() > 0 ? Math.min(wait, STUCK_IO_POLL_NANOS) : wait;
    }

    private void runTimerTask(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "hub group " + name + ": a timer task of a stuck hub failed", t);
        }
    }

    /**
     * How many spares should run now: one per stuck hub, so that as many hubs run green threads as there are
     * processors, less the hubs the group has beyond the processors (hubs=16 on 2 of them), which stand in for stuck
     * ones. Their carriers already share the processors: with 16 hubs on 2 of them, CPU-bound rounds still in the
     * interpreter kept 10-16 hubs stuck at once, and a spare for each made up to 32 carriers for 2 cores, 16 more OS
     * threads that only took turns with the others (benchmarks/results/manycores).
     */
    int sparesWanted() {
        int surplus = Math.max(0, cores - processors);
        return Math.max(0, Math.min(stuckHubs.get() - surplus, hubs.length - cores));
    }

    /** Starts or wakes the spares wanted ({@link #sparesWanted}). */
    private void wakeSpares() {
        int wanted = sparesWanted();
        for (int i = cores; i < cores + wanted; i++) {
            Hub spare = hubs[i];
            if (spare == null) {
                spare = startSpare(i);   // null once the group closes: no new carrier then
            }
            if (spare != null) {
                spare.wakeUp();
            }
        }
    }

    private synchronized Hub startSpare(int i) {
        Hub spare = hubs[i];
        if (spare == null && !closing) {
            spare = new Hub(name + "-spare-" + (i - cores), this, i);
            hubs[i] = spare;
            started = Math.max(started, i + 1);
            spare.startGroupCarrier();
        }
        return spare;
    }

    /** A hub's carrier ends its loop: once all have, the group is closed. */
    void hubEnded() {
        if (endedHubs.incrementAndGet() == started) {
            closed = true;
            registry.close();
        }
    }
}
