package io.greening.internal;

import io.greening.HubOptions;

import java.util.ArrayDeque;
import java.util.Random;

/**
 * How a hub picks among its ready tasks: FIFO, or a seeded random or PCT pick (the one place a seeded schedule
 * decides, so a seed replays the same interleaving). A task is the resumption of one green thread. Carrier only.
 */
public interface Schedule {
    /** The schedule {@code options} ask for. */
    static Schedule of(HubOptions options) {
        if (options.seed() == null) {
            return Fifo.INSTANCE;
        }
        Random random = new Random(options.seed());
        return options.pctDepth() > 0 ? new PctSchedule(random, options.pctDepth(), options.pctSteps()) : new Shuffled(random);
    }

    /** How many of the ready tasks to run before the loop looks for new work: all of them, or one at a time. */
    int batch(ArrayDeque<Runnable> ready);

    /** Removes and returns the ready task to run next; {@code ready} is not empty. */
    Runnable next(ArrayDeque<Runnable> ready);

    /** Whether the order depends on a seed, so that work arriving from outside the hub can spoil a replay. */
    boolean isSeeded();

    /** Ready tasks run in the order they became ready, each batch to the end before new work is looked at. */
    final class Fifo implements Schedule {
        static final Fifo INSTANCE = new Fifo();

        private Fifo() {}

        @Override
        public int batch(ArrayDeque<Runnable> ready) {
            return ready.size();
        }

        @Override
        public Runnable next(ArrayDeque<Runnable> ready) {
            return ready.pollFirst();
        }

        @Override
        public boolean isSeeded() {
            return false;
        }
    }

    /** {@code random:SEED}: at each step one ready task, picked uniformly by a seeded PRNG. */
    final class Shuffled implements Schedule {
        private final Random random;

        Shuffled(Random random) {
            this.random = random;
        }

        @Override
        public int batch(ArrayDeque<Runnable> ready) {
            return Math.min(1, ready.size());
        }

        @Override
        public Runnable next(ArrayDeque<Runnable> ready) {
            for (int skip = random.nextInt(ready.size()); skip > 0; skip--) {
                ready.addLast(ready.pollFirst());
            }
            return ready.pollFirst();
        }

        @Override
        public boolean isSeeded() {
            return true;
        }
    }
}
