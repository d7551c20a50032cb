package io.greening.stackless;

/**
 * Stackless Python's scheduler functions. Each thread has its own scheduler: a round-robin run queue of
 * {@link Tasklet}s, with the thread itself as the main tasklet. Tasklets switch only at {@link #schedule()},
 * {@link Stackless#run()}, channel operations and {@link Tasklet#run()} / {@link Tasklet#kill()}; they are never
 * preempted.
 */
public final class Stackless {
    private Stackless() {}

    /**
     * Runs the tasklets in the run queue, round-robin, until none is runnable (they ended or wait on channels);
     * called from the main tasklet. An exception a tasklet does not catch ends it and is thrown here.
     *
     * @throws IllegalStateException if called from a tasklet other than the main one
     */
    public static void run() {
        Scheduler.current().run();
    }

    /** Moves the current tasklet to the end of the run queue and runs the next one; returns when its turn comes. */
    public static void schedule() {
        Scheduler.current().schedule();
    }

    /** The running tasklet (the main tasklet outside of {@link #run()}). */
    public static Tasklet getCurrent() {
        return Scheduler.current().current;
    }

    /** The main tasklet of the calling thread's scheduler. */
    public static Tasklet getMain() {
        return Scheduler.current().main;
    }

    /**
     * How many tasklets are runnable, the current one included: the main tasklet too, except while it waits in
     * {@link #run()} (it is out of the run queue then, as in Stackless).
     */
    public static int getRunCount() {
        return Scheduler.current().runCount();
    }

    /**
     * Marks the current tasklet atomic until the returned scope closes, as {@code with stackless.atomic():}, and
     * restores the previous flag then. greening never preempts a tasklet, so a block without channel operations
     * or schedules is atomic anyway; the flag is kept for code that checks it.
     */
    public static Atomic atomic() {
        Tasklet current = getCurrent();
        return new Atomic(current, current.setAtomic(true));
    }

    /** The scope of {@link #atomic()}. */
    public static final class Atomic implements AutoCloseable {
        private final Tasklet tasklet;
        private final boolean previous;

        private Atomic(Tasklet tasklet, boolean previous) {
            this.tasklet = tasklet;
            this.previous = previous;
        }

        /** Restores the tasklet's previous atomic flag. */
        @Override
        public void close() {
            tasklet.setAtomic(previous);
        }
    }
}
