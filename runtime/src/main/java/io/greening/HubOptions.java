package io.greening;

import java.util.Locale;

/**
 * How a hub schedules and keeps time. The default comes from the system properties {@code greening.schedule}
 * ({@code fifo}, or {@code random:SEED}) and {@code greening.clock} ({@code real} or {@code virtual}), which the agent's
 * options of the same names set.
 *
 * <ul>
 *   <li>{@code fifo}: ready green threads run in the order they became ready.</li>
 *   <li>{@code random:SEED}: at each scheduling point the hub picks one ready green thread with a PRNG seeded by
 *       SEED, so the same seed and the same inputs give the same interleaving, run after run.</li>
 *   <li>{@code pct:SEED:DEPTH[:STEPS]}: probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010): each
 *       green thread gets a random priority, the highest-priority ready one runs, and at DEPTH-1 random steps among
 *       the first STEPS (default 1000) the running one drops below all others. A bug that needs DEPTH ordering
 *       constraints is found with probability at least 1/(n * STEPS^(DEPTH-1)) per run, for n threads.</li>
 *   <li>{@code virtual} clock: timers, {@link Green#sleep}, {@link Timeout} and {@link Hub#now()} use the hub's own
 *       clock, which jumps to the next timer whenever nothing is ready and no hub I/O or offloaded work is pending.</li>
 * </ul>
 *
 * @param seed the schedule's seed, or {@code null} for FIFO
 * @param virtualClock whether the hub keeps virtual time
 * @param pctDepth 0 for a uniformly random schedule, else the PCT depth (with {@code seed})
 * @param pctSteps the PCT horizon: change points fall among the first this many scheduling steps
 */
public record HubOptions(Long seed, boolean virtualClock, int pctDepth, int pctSteps) {
    /** FIFO scheduling, real time. */
    public static final HubOptions DEFAULT = new HubOptions(null, false, 0, 0);

    /** Checks the PCT parameters. */
    public HubOptions {
        if (pctDepth < 0 || pctDepth > 0 && (seed == null || pctSteps < 1)) {
            throw new IllegalArgumentException("PCT needs a seed, a depth of 1 or more and a horizon of 1 step or more");
        }
    }

    /** Seeded random or FIFO scheduling with a real or virtual clock. */
    public HubOptions(Long seed, boolean virtualClock) {
        this(seed, virtualClock, 0, 0);
    }

    /** The options the system properties {@code greening.schedule} and {@code greening.clock} give. */
    public static HubOptions fromSystemProperties() {
        return parse(System.getProperty("greening.schedule", "fifo"), System.getProperty("greening.clock", "real"));
    }

    /**
     * Parses the two options' texts.
     *
     * @throws IllegalArgumentException naming the option and its valid values
     */
    public static HubOptions parse(String schedule, String clock) {
        Long seed;
        String s = schedule.trim().toLowerCase(Locale.ROOT);
        if (s.equals("fifo")) {
            seed = null;
        } else if (s.startsWith("pct:")) {
            String[] parts = s.split(":");
            try {
                if (parts.length < 3 || parts.length > 4) {
                    throw new NumberFormatException();
                }
                long pctSeed = Long.parseLong(parts[1]);
                int depth = Integer.parseInt(parts[2]);
                int steps = parts.length == 4 ? Integer.parseInt(parts[3]) : 1000;
                if (depth < 1 || steps < 1) {
                    throw new NumberFormatException();
                }
                return new HubOptions(pctSeed, parseClock(clock), depth, steps);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("schedule=" + schedule + " is not valid; use pct:SEED:DEPTH or pct:SEED:DEPTH:STEPS, as in pct:42:3");
            }
        } else if (s.startsWith("random:")) {
            try {
                seed = Long.parseLong(s.substring("random:".length()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("schedule=" + schedule + ": the seed must be a whole number, as in random:42");
            }
        } else {
            throw new IllegalArgumentException("schedule=" + schedule + " is not valid; use fifo, random:SEED or pct:SEED:DEPTH");
        }
        return new HubOptions(seed, parseClock(clock));
    }

    private static boolean parseClock(String clock) {
        return switch (clock.trim().toLowerCase(Locale.ROOT)) {
            case "real" -> false;
            case "virtual" -> true;
            default -> throw new IllegalArgumentException("clock=" + clock + " is not valid; use real or virtual");
        };
    }

    /** PCT scheduling of the given depth over the first {@code steps} scheduling steps, with this clock. */
    public HubOptions withPctSchedule(long seed, int depth, int steps) {
        return new HubOptions(seed, virtualClock, depth, steps);
    }

    /** FIFO scheduling with this clock. */
    public HubOptions withFifoSchedule() {
        return new HubOptions(null, virtualClock);
    }

    /** Whether the schedule is seeded (random or PCT), so a run can be replayed by its seed. */
    public boolean isSeeded() {
        return seed != null;
    }

    /** Seeded random scheduling with this clock. */
    public HubOptions withRandomSchedule(long seed) {
        return new HubOptions(seed, virtualClock);
    }

    /** These options with a virtual or real clock. */
    public HubOptions withVirtualClock(boolean virtual) {
        return new HubOptions(seed, virtual);
    }

    /** The option text that reproduces this schedule: {@code fifo}, {@code random:SEED} or {@code pct:SEED:DEPTH:STEPS}. */
    public String schedule() {
        if (seed == null) {
            return "fifo";
        }
        return pctDepth > 0 ? "pct:" + seed + ":" + pctDepth + ":" + pctSteps : "random:" + seed;
    }

    @Override
    public String toString() {
        return "schedule=" + schedule() + ",clock=" + (virtualClock ? "virtual" : "real");
    }
}
