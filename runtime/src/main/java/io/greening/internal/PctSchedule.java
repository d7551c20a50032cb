package io.greening.internal;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.WeakHashMap;

/**
 * {@code pct:SEED:DEPTH:STEPS}: probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS
 * 2010) over a hub's ready tasks. A task is the resumption of one virtual thread (the JDK hands the hub the same
 * {@code Runnable} each time the thread becomes ready), so priorities keyed by task are priorities of threads. At each
 * step the ready task of highest priority runs. Carrier only.
 */
final class PctSchedule implements Schedule {
    private final Random random;
    private final int depth;
    private final long[] changePoints;
    /** Weak: a finished thread's task must not be kept alive by its priority. */
    private final Map<Runnable, Integer> priorities = new WeakHashMap<>();
    private long step;
    private int changesMade;

    PctSchedule(Random random, int depth, int steps) {
        this.random = random;
        this.depth = depth;
        this.changePoints = new long[depth - 1];
        for (int i = 0; i < changePoints.length; i++) {
            changePoints[i] = 1 + random.nextInt(steps);
        }
        Arrays.sort(changePoints);
    }

    @Override
    public int batch(ArrayDeque<Runnable> ready) {
        return Math.min(1, ready.size());
    }

    @Override
    public boolean isSeeded() {
        return true;
    }

    /** Removes and returns the ready task of highest priority; a new task gets a random priority above all lowered ones. */
    @Override
    public Runnable next(ArrayDeque<Runnable> ready) {
        Runnable best = null;
        int bestPriority = Integer.MIN_VALUE;
        for (Runnable task : ready) {
            int priority = priorities.computeIfAbsent(task, t -> depth + random.nextInt(Integer.MAX_VALUE - depth));
            if (priority > bestPriority) {
                best = task;
                bestPriority = priority;
            }
        }
        ready.removeFirstOccurrence(best);
        step++;
        while (changesMade < changePoints.length && changePoints[changesMade] == step) {
            // the i-th change point lowers the running thread to priority depth-1-i: below every initial priority
            priorities.put(best, depth - 1 - changesMade);
            changesMade++;
        }
        return best;
    }
}
