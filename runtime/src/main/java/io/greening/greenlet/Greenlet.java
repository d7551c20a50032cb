package io.greening.greenlet;

import io.greening.GreenletExit;
import io.greening.Hub;
import io.greening.internal.Access;
import io.greening.internal.LazyLogger;
import io.greening.internal.Rethrow;
import io.greening.internal.VirtualThreads;

import java.lang.ref.Cleaner;
import java.util.Arrays;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A greenlet, as in Python's {@code greenlet} package: a coroutine without a scheduler. Control moves between
 * greenlets only by explicit {@link #switchTo switches}; exactly one greenlet of a thread runs at a time.
 *
 * <p>Every thread that uses greenlets has an implicit <em>main</em> greenlet, the thread itself; the greenlets it
 * creates form a tree under it through their {@link #parent() parents}. When a greenlet's run function returns, its
 * value goes to its parent (the parent's pending {@code switchTo} returns it); when it throws, the exception is
 * raised in the parent, except {@link GreenletExit}, which the parent receives as a value.
 *
 * <p>A greenlet other than a main one runs on a virtual thread of its own, and a switch hands the only "running"
 * token from one to the other: the target is made to run next and the switcher parks. On a green thread the
 * greenlets run on the same {@link Hub}; on a platform thread they run on a hub that the thread itself drives while
 * its main greenlet is switched away, so no other thread is ever involved.
 *
 * <p>A greenlet that nobody references any more while it is suspended gets {@link GreenletExit} thrown into it, so
 * its {@code finally} blocks run. Java's garbage collector finds such greenlets asynchronously, so the kill happens
 * in the owning thread at its next greenlet operation (a switch, {@link #current()}, creating a greenlet), as
 * greenlet does for greenlets dropped by another thread. A greenlet whose own suspended stack refers to its
 * {@code Greenlet} object (a lambda that captures it, a local variable) stays reachable and is not collected.
 */
public final class Greenlet {
    private static final System.Logger LOG = LazyLogger.named("io.greening.greenlet");
    private static final Cleaner CLEANER = Cleaner.create();
    private static final ThreadLocal<Tree> TREE = new ThreadLocal<>();

    /**
     * The function a greenlet runs: it receives the arguments of the first switch to the greenlet, and what it
     * returns goes to the parent.
     */
    @FunctionalInterface
    public interface Run {
        /**
         * Runs the greenlet's body.
         *
         * @param args the arguments of the first {@link #switchTo} into the greenlet
         * @return the value its parent's pending switch returns
         * @throws Exception raised in the parent (checked exceptions wrapped in a {@link CompletionException})
         */
        Object run(Object... args) throws Exception;
    }

    /**
     * A trace hook, greenlet's {@code settrace} callback, called on the thread's greenlets' switches.
     */
    @FunctionalInterface
    public interface Tracer {
        /**
         * Called in the greenlet that receives control, as greenlet does: right after the switch, before its
         * pending {@code switchTo} returns (or, for a greenlet that starts, before its run function is called).
         * If it throws, the hook is removed (as {@code settrace(null)}) and its exception is raised in that
         * greenlet instead of what the switch delivered.
         *
         * @param event {@code "throw"} when the switch raises an exception in the target ({@link #throwInto}, and
         *        the implicit switch of a greenlet that ends by throwing), else {@code "switch"} (also the implicit
         *        switch of a greenlet that returns)
         * @param origin the greenlet that gave control away
         * @param target the greenlet that receives it, now {@link #current()}
         */
        void trace(String event, Greenlet origin, Greenlet target);
    }

    private final Core core;
    /** What the cleaner runs when this object is collected; armed with the core once the greenlet starts. */
    private final Collected collected;

    /**
     * Creates a greenlet that will call {@code run} on the first switch into it; its parent is the current greenlet.
     * It does not run until then.
     */
    public Greenlet(Run run) {
        this(run, current());
    }

    /**
     * Creates a greenlet that will call {@code run} on the first switch into it, with the given parent; a
     * {@code null} parent is the current greenlet, as greenlet's {@code greenlet(run, parent=None)}.
     */
    public Greenlet(Run run, Greenlet parent) {
        if (run == null) {
            throw new NullPointerException("run");
        }
        if (parent == null) {
            parent = current();
        }
        Tree tree = tree();
        if (parent.core.tree != tree) {
            throw new IllegalArgumentException("parent cannot be on a different thread: " + parent + " belongs to "
                    + parent.core.tree.owner.getName());
        }
        tree.reapCollected();
        this.core = new Core(tree, run, parent);
        // The action never holds this object, so the object can become unreachable; and until the greenlet starts
        // it holds nothing at all, so a run function or parent that refers back to this object cannot keep it alive.
        this.collected = new Collected();
        CLEANER.register(this, collected);
    }

    /** A main greenlet (never collected), or another object for a suspended greenlet's core (see reapCollected). */
    private Greenlet(Core core, boolean collectable) {
        this.core = core;
        this.collected = collectable ? new Collected() : null;
        if (collectable) {
            collected.arm(core);
            CLEANER.register(this, collected);
        }
    }

    /**
     * The greenlet running now on the calling thread; the thread's main greenlet, made on first use, if it has not
     * switched to another one.
     */
    public static Greenlet current() {
        Tree tree = tree();
        tree.reapCollected();
        return tree.current;
    }

    /**
     * Installs {@code tracer} as the calling thread's trace hook (or removes it, with {@code null}) and returns the
     * previous one, as greenlet's {@code settrace}.
     */
    public static Tracer settrace(Tracer tracer) {
        Tree tree = tree();
        Tracer previous = tree.tracer;
        tree.tracer = tracer;
        return previous;
    }

    /** The calling thread's trace hook, or {@code null}: greenlet's {@code gettrace}. */
    public static Tracer gettrace() {
        return tree().tracer;
    }

    /**
     * Switches to this greenlet, sending it {@code args}, and returns what is sent back when some greenlet switches
     * to the caller again. If this greenlet has not started, it starts: {@code run(args)}. If it is suspended in a
     * {@code switchTo}, that call returns the arguments. If it is dead, the switch goes to its parent (or the
     * parent's parent, and so on). The value a switch delivers is {@code null} for no argument, the argument itself
     * for one, and the {@code Object[]} for several.
     *
     * @return what the greenlet that switches back sends: the arguments of its {@code switchTo}, or the return value
     *         of a child whose run ended
     * @throws IllegalStateException if this greenlet belongs to another thread
     * @throws RuntimeException or {@link Error} raised into the caller by {@link #throwInto}, or thrown by a child
     *         whose run ended with it (a checked exception wrapped in a {@link CompletionException})
     */
    public Object switchTo(Object... args) {
        return transfer("switch", args, null);
    }

    /**
     * Switches to this greenlet and raises {@code exception} in it at once, where it is suspended (an unstarted
     * greenlet dies without running; a dead one passes it to its parent, except a {@link GreenletExit}, which a dead
     * greenlet turns into a value for its parent, as if it had returned it). What follows the usual rules: if the
     * greenlet does not catch it, it dies and the exception goes to its parent, a {@link GreenletExit} as a value.
     *
     * @return what is sent back when some greenlet switches to the caller again
     */
    public Object throwInto(Throwable exception) {
        Throwable toRaise = exception == null ? new GreenletExit() : exception;
        if (core.status == Core.DEAD && toRaise instanceof GreenletExit) {
            // A dead greenlet turns GreenletExit into a regular return, as greenlet does: its live ancestor gets it
            // as a value (the caller's own throwInto returns it when that ancestor is the caller).
            return transfer("switch", new Object[] {toRaise}, null);
        }
        return transfer("throw", null, toRaise);
    }

    /** Throws a fresh {@link GreenletExit} into this greenlet: greenlet's {@code throw()} without arguments. */
    public Object throwInto() {
        return throwInto(new GreenletExit());
    }

    /** The greenlet that receives control when this one ends; {@code null} for a main greenlet. */
    public Greenlet parent() {
        return core.parent;
    }

    /**
     * Changes the parent.
     *
     * @throws IllegalArgumentException if {@code parent} would make a cycle, or belongs to another thread
     */
    public void setParent(Greenlet parent) {
        if (parent == null) {
            throw new NullPointerException("parent");
        }
        if (parent.core.tree != core.tree) {
            throw new IllegalArgumentException("parent cannot be on a different thread: " + parent
                    + " belongs to " + parent.core.tree.owner.getName() + ", " + this + " to "
                    + core.tree.owner.getName());
        }
        for (Greenlet p = parent; p != null; p = p.core.parent) {
            if (p.core == core) {
                throw new IllegalArgumentException("cyclic parent chain: " + this + " is an ancestor of " + parent);
            }
        }
        core.parent = parent;
    }

    /**
     * Whether this greenlet ran and ended (greenlet's {@code dead}); a main greenlet is dead once its thread has
     * exited, as in greenlet.
     */
    public boolean isDead() {
        return core.status == Core.DEAD || isMainOfExitedThread();
    }

    /**
     * Whether it has started and is not dead: greenlet's {@code bool(g)}. A main greenlet is, while its thread
     * lives.
     */
    public boolean isActive() {
        return core.status == Core.ACTIVE && !isMainOfExitedThread();
    }

    private boolean isMainOfExitedThread() {
        return core.tree.main == this && !core.tree.owner.isAlive();
    }

    /** Whether this is a thread's main greenlet. */
    public boolean isMain() {
        return core.tree.main == this;
    }

    /**
     * The stack of this greenlet while it is suspended, topmost first, starting at the frame that called
     * {@code switchTo} (greenlet's {@code gr_frame}); empty if it is running, not started or dead.
     */
    public StackTraceElement[] stackTrace() {
        Thread thread = core.thread;
        if (core.status != Core.ACTIVE || core.tree.current.core == core || thread == null) {
            return new StackTraceElement[0];
        }
        StackTraceElement[] stack = thread.getStackTrace();
        int top = 0;
        for (int i = 0; i < stack.length; i++) {
            String className = stack[i].getClassName();
            if (className.equals(Greenlet.class.getName()) || className.startsWith(Greenlet.class.getName() + "$")) {
                top = i + 1;   // the last greenlet frame of the switch; its caller is the user's frame
            } else if (top > 0) {
                break;
            }
        }
        return Arrays.copyOfRange(stack, top, stack.length);
    }

    @Override
    public String toString() {
        String state = isMain() ? (isDead() ? "main, thread exited, dead" : "main") : switch (core.status) {
            case Core.NEW -> "new";
            case Core.ACTIVE -> "active";
            default -> "dead";
        };
        return "Greenlet[" + state + ", " + core.tree.owner.getName() + ", #" + core.id + "]";
    }

    // ---- switching ----

    private Object transfer(String event, Object[] args, Throwable exception) {
        Tree tree = tree();
        if (core.tree != tree) {
            throw new IllegalStateException("cannot switch to " + this + ": it belongs to thread "
                    + core.tree.owner.getName() + ", not to " + Thread.currentThread().getName()
                    + "; each thread has its own tree of greenlets");
        }
        tree.reapCollected();
        Greenlet target = this;
        while (target.core.status == Core.DEAD) {
            target = target.core.parent;
        }
        // No local may hold the current Greenlet object while it waits below: its suspended stack must not keep
        // it reachable, or a dropped greenlet would never be collected. The message holds it (as the origin the
        // trace hook sees) only until the target takes it.
        Core me = tree.current.core;
        if (target.core == me) {
            return new Message(args == null ? null : valueOf(args), exception, null, null).deliver();
        }
        // Made in the call's argument, not a local, so that no slot of this frame keeps the origin while it waits.
        handOff(tree, target, new Message(args == null ? null : valueOf(args), exception, event, tree.current), args);
        return tree.traced(me.await()).deliver();
    }

    private static Object valueOf(Object[] args) {
        return args.length == 0 ? null : args.length == 1 ? args[0] : args;
    }

    /** Makes {@code target} current with {@code message} and wakes it; the caller then waits or ends. */
    private static void handOff(Tree tree, Greenlet target, Message message, Object[] args) {
        Core to = target.core;
        tree.current = target;
        if (to.status == Core.NEW) {
            to.startArgs = args == null ? new Object[0] : args;
            target.collected.arm(to);   // from now on a suspended stack exists that the collector must kill
        }
        to.inbox = message;
        if (to.status == Core.NEW) {
            to.status = Core.ACTIVE;
            to.thread = tree.newThread(to);
            tree.wake(to.thread::start);
        } else if (to != tree.main.core || !tree.drivesHub) {
            Thread thread = to.thread;
            tree.wake(() -> LockSupport.unpark(thread));
        }
        // The main greenlet of a platform thread that drives the hub sees its inbox when the loop checks.
    }

    /** The body of a greenlet's virtual thread. */
    private static void runGreenlet(Core self) {
        TREE.set(self.tree);
        Message first = self.tree.traced(self.await());
        Object result = null;
        Throwable failure = null;
        try {
            if (first.exception != null) {
                throw first.exception;   // thrown into it before it started: it dies without running
            }
            Object[] args = self.startArgs;
            self.startArgs = null;
            result = self.run.run(args);
        } catch (GreenletExit exit) {
            result = exit;
        } catch (Throwable t) {
            failure = t;
        }
        self.status = Core.DEAD;
        self.run = null;
        self.thread = null;
        Tree tree = self.tree;
        Greenlet parent = self.parent;
        while (parent.core.status == Core.DEAD) {
            parent = parent.core.parent;
        }
        // An unstarted parent (possible after setParent) starts with the result as its argument.
        handOff(tree, parent, new Message(result, failure, failure == null ? "switch" : "throw", tree.current),
                result == null ? null : new Object[] {result});
    }

    // ---- the per-thread tree ----

    private static Tree tree() {
        Tree tree = TREE.get();
        if (tree == null) {
            tree = new Tree(Thread.currentThread());
            TREE.set(tree);
        }
        return tree;
    }

    /**
     * What a switch delivers: a value, or an exception to raise in the receiver; and, for the trace hook, the
     * switch's event and the greenlet that made it ({@code null} when nothing is traced).
     */
    private record Message(Object value, Throwable exception, String event, Greenlet origin) {
        Object deliver() {
            if (exception == null) {
                return value;
            }
            throw Rethrow.unchecked(exception);
        }
    }

    /** The greenlets of one thread: its main greenlet, the running one, and how their threads run. */
    private static final class Tree {
        final Thread owner;
        final Greenlet main;
        /** Whether the owner is a platform thread that drives {@link #hub} while its main greenlet waits. */
        final boolean drivesHub;
        /**
         * The hub the greenlets' virtual threads run on: the owner's own hub if it is green, one it drives if it
         * is a platform thread (made when it starts its first greenlet), {@code null} on a virtual thread that is
         * not green (the greenlets are then JDK virtual threads).
         */
        Hub hub;
        Thread.Builder.OfVirtual threads;
        /** Greenlets found unreachable by the collector, to be killed on the owner thread. */
        final ConcurrentLinkedQueue<Core> collected = new ConcurrentLinkedQueue<>();
        Greenlet current;
        Tracer tracer;
        boolean reaping;
        int nextId = 1;

        Tree(Thread owner) {
            this.owner = owner;
            this.hub = Hub.of(owner);
            this.drivesHub = hub == null && !owner.isVirtual();
            Core mainCore = new Core(this, null, null);
            mainCore.status = Core.ACTIVE;
            mainCore.thread = owner;
            main = new Greenlet(mainCore, false);
            current = main;
        }

        /**
         * Calls the trace hook, if any, in the greenlet that just received {@code message}; a hook that throws is
         * removed and its exception replaces what the switch delivered.
         */
        Message traced(Message message) {
            Tracer hook = tracer;
            if (hook == null || message.event == null) {
                return message;
            }
            try {
                hook.trace(message.event, message.origin, current);
                return message;
            } catch (Throwable failure) {
                tracer = null;
                return new Message(null, failure, null, null);
            }
        }

        Thread newThread(Core core) {
            if (threads == null) {
                if (drivesHub) {
                    hub = Access.greening().driven("greenlets-" + owner.getName());
                }
                threads = hub != null ? VirtualThreads.builder(hub) : Thread.ofVirtual();
                threads.name("greenlet-" + owner.getName() + "-", 1);
            }
            return threads.unstarted(() -> runGreenlet(core));
        }

        void wake(Runnable wakeUp) {
            if (hub != null) {
                Access.greening().runNext(hub, wakeUp);
            } else {
                wakeUp.run();
            }
        }

        /** Kills, on this thread, the greenlets the collector found unreachable while suspended. */
        void reapCollected() {
            if (collected.isEmpty() || reaping) {
                return;
            }
            reaping = true;
            try {
                Core dying;
                while ((dying = collected.poll()) != null) {
                    if (dying.status != Core.ACTIVE) {
                        continue;
                    }
                    // As greenlet does: the parent is the reaping greenlet while the kill runs (its exit comes back
                    // here), and the original one again afterwards, should the greenlet have survived it.
                    Greenlet resurrected = new Greenlet(dying, true);
                    Greenlet originalParent = dying.parent;
                    dying.parent = current;
                    try {
                        resurrected.throwInto(new GreenletExit("greenlet collected"));
                    } catch (RuntimeException | Error e) {
                        LOG.log(System.Logger.Level.WARNING, "a collected greenlet failed while dying", e);
                    } finally {
                        dying.parent = originalParent;
                    }
                }
            } finally {
                reaping = false;
            }
        }
    }

    /** A greenlet's state, apart from the {@code Greenlet} object so that the object can be collected. */
    private static final class Core {
        static final int NEW = 0, ACTIVE = 1, DEAD = 2;

        final Tree tree;
        final int id;
        Run run;
        Object[] startArgs;
        Greenlet parent;
        Thread thread;
        volatile int status;
        /** What the last switch into this greenlet delivers; set before it is woken. */
        volatile Message inbox;

        Core(Tree tree, Run run, Greenlet parent) {
            this.tree = tree;
            this.id = tree.nextId++;
            this.run = run;
            this.parent = parent;
        }

        /** Waits until a switch into this greenlet delivers a message, and takes it. */
        Message await() {
            Message message;
            if (tree.drivesHub && this == tree.main.core) {
                Access.greening().driveUntil(tree.hub, () -> inbox != null);
            } else {
                boolean interrupted = false;
                while (inbox == null) {
                    LockSupport.park(this);
                    if (Thread.interrupted()) {
                        interrupted = true;   // a switch waits for its message; the interrupt is kept for later
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            message = inbox;
            inbox = null;
            return message;
        }
    }

    /**
     * The cleaner's action: hands the unreachable greenlet's core to its thread, which kills it. It holds the core
     * only once the greenlet started ({@link #arm}): an unstarted greenlet has no stack to unwind, and its run
     * function and parent must not be reachable from the cleaner, or a run function that refers to its own
     * greenlet would keep it alive for ever.
     */
    private static final class Collected implements Runnable {
        private volatile Core core;

        void arm(Core started) {
            core = started;
        }

        @Override
        public void run() {
            Core c = core;
            if (c != null && c.status == Core.ACTIVE) {
                c.tree.collected.add(c);   // the owner reaps it at its next greenlet operation
            }
        }
    }
}
