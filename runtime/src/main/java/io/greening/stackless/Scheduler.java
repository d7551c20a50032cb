package io.greening.stackless;

import io.greening.greenlet.Greenlet;
import io.greening.internal.Rethrow;

import java.util.ArrayDeque;

/**
 * The run queue of one thread's tasklets, Stackless's circular list of runnables: the head of {@link #runQueue} is
 * the running tasklet, new and woken tasklets go to the tail ("before the current one" in the ring), and a switch
 * is a greenlet switch, so exactly one tasklet of the thread runs at a time. Only the running tasklet touches it.
 */
final class Scheduler {
    static final String DEADLOCK = "Deadlock: the last runnable tasklet cannot be blocked.";
    /** Stackless's error for a main tasklet left waiting on a channel when the last other tasklet ends. */
    static final String MAIN_RECEIVING = "the main tasklet is receiving without a sender available.";
    static final String MAIN_SENDING = "the main tasklet is sending without a receiver available.";
    private static final ThreadLocal<Scheduler> CURRENT = new ThreadLocal<>();

    final ArrayDeque<Tasklet> runQueue = new ArrayDeque<>();
    final Tasklet main;
    /** The running tasklet: the head of the run queue, or the main tasklet while it waits in {@link #run()}. */
    Tasklet current;
    /** Whether the main tasklet waits in {@link Stackless#run()} (it is out of the queue then). */
    boolean mainInRun;

    private Scheduler() {
        main = new Tasklet(this, Greenlet.current());
        current = main;
        runQueue.add(main);
    }

    /** The scheduler of the calling thread (a tasklet's body sees its creator's), made on first use. */
    static Scheduler current() {
        Scheduler scheduler = CURRENT.get();
        if (scheduler == null) {
            scheduler = new Scheduler();
            CURRENT.set(scheduler);
        }
        return scheduler;
    }

    /** Called first on a tasklet's own thread so that it finds its scheduler. */
    static void bind(Scheduler scheduler) {
        CURRENT.set(scheduler);
    }

    /** The runnable tasklets; the main tasklet is not one while it waits in {@link #run()}, as in Stackless. */
    int runCount() {
        return runQueue.size();
    }

    /**
     * Makes {@code tasklet} runnable at the end of the queue unless it is queued already; the main tasklet waiting in
     * {@link #run()} so becomes an ordinary runnable tasklet again, and its {@code run()} returns when its turn comes.
     */
    void makeRunnable(Tasklet tasklet) {
        if (tasklet == main && mainInRun) {
            mainInRun = false;
        }
        if (!runQueue.contains(tasklet)) {
            runQueue.addLast(tasklet);
        }
    }

    // ---- the operations of the running tasklet ----

    void run() {
        if (current != main) {
            throw new IllegalStateException("Stackless.run() must be called from the main tasklet, not " + current);
        }
        if (runQueue.size() <= 1) {
            return;
        }
        runQueue.pollFirst();
        mainInRun = true;
        switchTo(runQueue.peekFirst(), null);
    }

    void schedule() {
        if (runQueue.size() <= 1) {
            return;
        }
        runQueue.addLast(runQueue.pollFirst());
        switchTo(runQueue.peekFirst(), null);
    }

    /**
     * Blocks the running tasklet, which its channel has queued already: the next runnable one runs (the main
     * tasklet, if it waits in {@link #run()} and no other is runnable: the blocked one stays blocked). If none is
     * left, as in Stackless the deadlock is raised here, in the tasklet that wanted to block, which is taken off
     * the channel again; a main tasklet waiting on a channel meanwhile stays there.
     */
    void block(Tasklet me, Channel<?> channel) {
        runQueue.pollFirst();
        Tasklet next = nextRunnable();
        if (next != null) {
            switchTo(next, null);
            return;
        }
        channel.removeWaiter(me);
        runQueue.addFirst(me);
        throw new IllegalStateException(DEADLOCK);
    }

    /**
     * A channel passed a value between the running {@code source} and the waiting {@code target}: with
     * {@code preferTarget} the target runs at once and the source goes to the end of the queue, else the target
     * goes to the end and the source runs on.
     */
    void afterTransfer(Tasklet source, Tasklet target, boolean preferTarget) {
        if (!preferTarget) {
            runQueue.addLast(target);
            return;
        }
        runQueue.pollFirst();
        runQueue.addFirst(target);
        runQueue.addLast(source);
        switchTo(target, null);
    }

    /** Makes {@code target} (alive, not blocked) the running tasklet; the tasklets before it go to the end. */
    void runNow(Tasklet target, Throwable toRaise) {
        makeRunnable(target);
        while (runQueue.peekFirst() != target) {
            runQueue.addLast(runQueue.pollFirst());
        }
        switchTo(target, toRaise);
    }

    /** Makes {@code target} (alive, not blocked) the running tasklet and takes the caller out of the run queue. */
    void switchPausing(Tasklet target) {
        runQueue.remove(current);
        makeRunnable(target);
        while (runQueue.peekFirst() != target) {
            runQueue.addLast(runQueue.pollFirst());
        }
        switchTo(target, null);
    }

    /**
     * Called on a tasklet's thread when its body ended: picks who runs next (the main tasklet if it failed, or if
     * no tasklet is runnable) and makes that tasklet's greenlet the parent, so the greenlet's end switches there.
     * Returns the exception the main tasklet must receive, or {@code null}: the failure, else, if the main tasklet
     * is left waiting on a channel that nobody can serve any more, Stackless's error saying so.
     */
    Throwable ended(Tasklet dead, Throwable failure) {
        runQueue.remove(dead);
        Tasklet next = failure == null ? nextRunnable() : null;
        if (next == null) {
            if (failure == null && main.blockedOn != null) {
                failure = new IllegalStateException(main.blockedOn.balance() < 0 ? MAIN_RECEIVING : MAIN_SENDING);
            }
            bringMainForward();
            next = main;
        }
        current = next;
        dead.greenlet.setParent(next.greenlet);
        return failure;
    }

    private Tasklet nextRunnable() {
        if (!runQueue.isEmpty()) {
            return runQueue.peekFirst();
        }
        if (mainInRun) {
            mainInRun = false;
            runQueue.addFirst(main);
            return main;
        }
        return null;
    }

    /** Makes the main tasklet the head of the queue, wherever it waits, to raise an exception in it. */
    private void bringMainForward() {
        if (mainInRun) {
            mainInRun = false;
        } else if (main.blockedOn != null) {
            main.blockedOn.removeWaiter(main);
        } else {
            runQueue.remove(main);
        }
        runQueue.addFirst(main);
    }

    /** Switches from the running tasklet to {@code next}, raising {@code toRaise} in it if not null. */
    void switchTo(Tasklet next, Throwable toRaise) {
        Tasklet me = current;
        current = next;
        if (next == me) {
            if (toRaise != null) {
                throw Rethrow.unchecked(toRaise);
            }
            return;
        }
        next.started = true;
        if (toRaise != null) {
            next.greenlet.throwInto(toRaise);
        } else {
            next.greenlet.switchTo();
        }
        // Resumed: every way back to a suspended tasklet ends here, so a pending throw is raised here.
        Throwable pending = me.pendingException;
        if (pending != null) {
            me.pendingException = null;
            throw Rethrow.unchecked(pending);
        }
    }
}
