package io.greening.stackless;

import io.greening.greenlet.Greenlet;
import io.greening.internal.Rethrow;

/**
 * A tasklet, Stackless Python's microthread: a function and its arguments, run by the thread's round-robin
 * scheduler ({@link Stackless}). Creating one inserts it at the end of the run queue, as
 * {@code stackless.tasklet(f)(*args)} does; it runs once {@link Stackless#run()}, {@link Stackless#schedule()} or a
 * channel operation gets to it. A tasklet is a {@link Greenlet} (so a green thread on the hub) whose switches the
 * scheduler makes. Use it from the thread that created it (the tasklets of a thread form one scheduler).
 */
public final class Tasklet {
    /** The function a tasklet runs. */
    @FunctionalInterface
    public interface Body {
        /**
         * Runs the tasklet.
         *
         * @param args the arguments given when the tasklet was created
         * @throws Exception raised in the main tasklet if not caught (a {@link TaskletExit} ends it silently)
         */
        void run(Object... args) throws Exception;
    }

    final Scheduler scheduler;
    final Greenlet greenlet;
    private final boolean isMain;
    private Body body;
    private Object[] args;
    boolean started;
    boolean dead;
    /** The channel this tasklet waits on, or {@code null}. */
    Channel<?> blockedOn;
    /** An exception raised into this tasklet before it started: its body raises it instead of running. */
    private Throwable raisedBeforeStart;
    /** An exception thrown into this suspended tasklet with {@code pending}: raised where it resumes. */
    Throwable pendingException;
    /** What a channel hands over: the value sent, or an exception to raise in the receiver. */
    Object transferValue;
    Throwable transferException;
    private boolean atomic;

    /**
     * Creates a tasklet that will run {@code body.run(args)}, and inserts it at the end of the calling thread's run
     * queue.
     */
    public Tasklet(Body body, Object... args) {
        this.scheduler = Scheduler.current();
        this.body = body;
        this.args = args;
        this.isMain = false;
        this.greenlet = new Greenlet(this::runBody, scheduler.main.greenlet);
        scheduler.runQueue.addLast(this);
    }

    /** Creates a tasklet that will run {@code body}, inserted at the end of the run queue. */
    public Tasklet(Runnable body) {
        this(args -> body.run());
    }

    /** The main tasklet of a scheduler: the thread's current greenlet. */
    Tasklet(Scheduler scheduler, Greenlet mainGreenlet) {
        this.scheduler = scheduler;
        this.greenlet = mainGreenlet;
        this.isMain = true;
        this.started = true;
    }

    private Object runBody(Object... ignored) throws Exception {
        Scheduler.bind(scheduler);
        Throwable failure = null;
        try {
            Body b = body;
            Object[] a = args;
            body = null;
            args = null;
            Throwable raised = raisedBeforeStart;
            if (raised != null) {
                raisedBeforeStart = null;
                throw raised;
            }
            b.run(a);
        } catch (TaskletExit exit) {
            // killed: dies silently
        } catch (Throwable t) {
            failure = t;
        }
        dead = true;
        Throwable toMain = scheduler.ended(this, failure);
        if (toMain instanceof Exception e) {
            throw e;
        }
        if (toMain instanceof Error e) {
            throw e;
        }
        return null;
    }

    /**
     * Runs this tasklet now: it becomes the current tasklet, the caller stays runnable, and the tasklets that were
     * between them in the queue move behind (Stackless's {@code tasklet.run()}).
     *
     * @throws IllegalStateException if it is dead or blocked on a channel
     */
    public void run() {
        checkCallerThread();
        if (dead) {
            throw new IllegalStateException("cannot run a dead tasklet: " + this);
        }
        if (blockedOn != null) {
            throw new IllegalStateException("cannot run a tasklet blocked on a channel: " + this);
        }
        if (scheduler.current != this) {
            scheduler.runNow(this, null);
        }
    }

    /**
     * Inserts this tasklet at the end of the run queue if it is alive, not blocked and not queued already. The main
     * tasklet waiting in {@link Stackless#run()} so becomes runnable again: its {@code run()} returns when its turn
     * comes.
     */
    public void insert() {
        checkCallerThread();
        if (dead || blockedOn != null) {
            throw new IllegalStateException("cannot insert a " + (dead ? "dead" : "blocked") + " tasklet: " + this);
        }
        scheduler.makeRunnable(this);
    }

    /** Takes this tasklet out of the run queue without killing it; it runs again once {@link #insert}ed. */
    public void remove() {
        checkCallerThread();
        if (scheduler.current == this) {
            throw new IllegalStateException("the current tasklet cannot remove itself from the run queue");
        }
        scheduler.runQueue.remove(this);
    }

    /**
     * Kills this tasklet: {@link TaskletExit} is raised in it right away, where it is suspended, so its
     * {@code finally} blocks run; it dies silently unless it catches the exception. A tasklet that has not started
     * just dies, without a switch. Does nothing to a dead tasklet.
     */
    public void kill() {
        if (!dead) {
            raiseException(new TaskletExit());
        }
    }

    /**
     * Raises {@code exception} in this tasklet right away, where it is suspended (it is taken off its channel if
     * blocked), running it now as {@link #run()} does. If it does not catch it, it dies and the exception goes to
     * the main tasklet (a {@link TaskletExit} dies silently). A tasklet that has not started dies of it without
     * running its function, as in Stackless: a {@link TaskletExit} silently and at once, any other exception by
     * running now and passing it on to the main tasklet (to the caller, if that is the main tasklet).
     *
     * @throws IllegalStateException if it is dead
     */
    public void raiseException(Throwable exception) {
        checkCallerThread();
        if (dead) {
            throw new IllegalStateException("cannot raise an exception in a dead tasklet: " + this);
        }
        if (isMain && scheduler.current != this) {
            throw new IllegalStateException("exceptions reach the main tasklet through the scheduler only");
        }
        if (scheduler.current == this) {
            throw Rethrow.unchecked(exception);
        }
        if (!started && exception instanceof TaskletExit) {
            dead = true;
            body = null;
            args = null;
            scheduler.runQueue.remove(this);
            return;
        }
        if (!started) {
            raisedBeforeStart = exception;   // its body raises it first thing, so it dies as any tasklet would
            scheduler.runNow(this, null);
            return;
        }
        if (blockedOn != null) {
            blockedOn.removeWaiter(this);
        }
        scheduler.runNow(this, exception);
    }

    /**
     * Raises {@code exception} in this tasklet, Stackless's {@code tasklet.throw(exc, pending=...)}. Without
     * {@code pending} it runs now, as {@link #raiseException}. With {@code pending} the caller goes on: the tasklet is
     * taken off its channel if blocked and made runnable (at the end of the run queue), and the exception is raised
     * where it resumes when its turn comes (an unstarted one dies of it then, without running its function). A
     * {@link TaskletExit} into a dead tasklet does nothing, as in Stackless.
     *
     * @throws IllegalStateException if it is dead (and {@code exception} is not a {@code TaskletExit}), or it is the
     *         main tasklet and not the current one
     */
    public void throwInto(Throwable exception, boolean pending) {
        checkCallerThread();
        if (dead && exception instanceof TaskletExit) {
            return;
        }
        if (!pending || dead || scheduler.current == this || (!started && exception instanceof TaskletExit)) {
            raiseException(exception);
            return;
        }
        if (isMain) {
            throw new IllegalStateException("exceptions reach the main tasklet through the scheduler only");
        }
        if (!started) {
            raisedBeforeStart = exception;
        } else {
            if (blockedOn != null) {
                blockedOn.removeWaiter(this);
            }
            pendingException = exception;
        }
        scheduler.makeRunnable(this);
    }

    /**
     * Kills this tasklet as {@link #kill()} does; with {@code pending} (Stackless's {@code kill(pending=True)}) the
     * caller goes on and the {@link TaskletExit} is raised when the tasklet's turn comes (see
     * {@link #throwInto(Throwable, boolean)}).
     */
    public void kill(boolean pending) {
        if (!dead) {
            throwInto(new TaskletExit(), pending);
        }
    }

    /**
     * Switches to this tasklet now and pauses the caller (Stackless's {@code tasklet.switch()}): unlike
     * {@link #run()}, the caller leaves the run queue and runs again only once something {@linkplain #insert()
     * inserts} it (or, for the main tasklet, when no other tasklet is left to run). Switching to the current tasklet
     * does nothing.
     *
     * @throws IllegalStateException if it is dead or blocked on a channel
     */
    public void switchTo() {
        checkCallerThread();
        if (scheduler.current == this) {
            return;
        }
        if (dead) {
            throw new IllegalStateException("cannot switch to a dead tasklet: " + this);
        }
        if (blockedOn != null) {
            throw new IllegalStateException("cannot switch to a tasklet blocked on a channel: " + this);
        }
        scheduler.switchPausing(this);
    }

    /**
     * Whether it is alive but neither running, in the run queue nor blocked on a channel (Stackless's
     * {@code paused}): after {@link #remove()}, or a {@link #switchTo()} away from it.
     */
    public boolean isPaused() {
        return !dead && scheduler.current != this && !isScheduled() && !(isMain && scheduler.mainInRun);
    }

    /** Whether it has not ended yet (a new tasklet is alive: it is bound to its function and arguments). */
    public boolean isAlive() {
        return !dead;
    }

    /** Whether it waits on a channel. */
    public boolean isBlocked() {
        return blockedOn != null;
    }

    /**
     * Whether it is in the run queue or waits on a channel (Stackless's {@code scheduled}); the main tasklet waiting in
     * {@link Stackless#run()} is neither.
     */
    public boolean isScheduled() {
        return blockedOn != null || scheduler.runQueue.contains(this);
    }

    /** Whether this is the main tasklet, the one that calls {@link Stackless#run()}. */
    public boolean isMain() {
        return isMain;
    }

    /** Whether it is the running tasklet. */
    public boolean isCurrent() {
        return scheduler.current == this;
    }

    /** Whether it is inside an {@link Stackless#atomic()} scope. */
    public boolean isAtomic() {
        return atomic;
    }

    /** Sets the atomic flag and returns the previous value (Stackless's {@code set_atomic}). */
    public boolean setAtomic(boolean atomic) {
        boolean previous = this.atomic;
        this.atomic = atomic;
        return previous;
    }

    private void checkCallerThread() {
        if (Scheduler.current() != scheduler) {
            throw new IllegalStateException(this + " belongs to another thread's scheduler");
        }
    }

    @Override
    public String toString() {
        String state = dead ? "dead" : blockedOn != null ? "blocked" : scheduler.current == this ? "current"
                : started ? "suspended" : "new";
        return "Tasklet[" + (isMain ? "main, " : "") + state + "]";
    }
}
