package io.greening;

import io.greening.internal.Settings;

import java.util.Locale;

/**
 * How a hub schedules and keeps time. A hub started without options gets {@link #configured()}: the agent's
 * {@code schedule=} and {@code clock=} options, or else the system properties {@code greening.schedule} and
 * {@code greening.clock} (see {@code docs/agent.md} for every {@code greening.*} setting).
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

    /** What the schedule grammar ({@link #parseSchedule}) expects, as error messages say it. */
    public static final String SCHEDULE_EXPECTED =
            "expected fifo, random:SEED or pct:SEED:DEPTH[:STEPS] with DEPTH up to 999999 and STEPS up to 999999999, "
                    + "e.g. random:42 or pct:42:3";

    private static final int MAX_PCT_DEPTH = 999_999;   // PCT keeps DEPTH-1 change points in an array
    private static final int MAX_PCT_STEPS = 999_999_999;
    private static final int DEFAULT_PCT_STEPS = 1000;
    /** Whether the clock=real warning was logged; a plain flag, not an AtomicBoolean, whose VarHandle set-up would run before main under the agent. */
    private static boolean warnedRealClock;   // guarded by HubOptions.class

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

    /**
     * The options a hub gets when it is started without any: the agent's {@code schedule=} and {@code clock=}
     * options under the agent, else the system properties {@code greening.schedule} and {@code greening.clock}, else
     * {@link #DEFAULT}. A seeded schedule keeps virtual time unless the clock is given as {@code real}.
     *
     * @throws IllegalArgumentException (one line) if a system property is malformed
     */
    public static HubOptions configured() {
        return Settings.get(Settings.SCHEDULE).withClock(Settings.get(Settings.CLOCK));
    }

    /**
     * Parses a schedule and a clock as the {@code schedule=} and {@code clock=} settings take them.
     *
     * @throws IllegalArgumentException naming the option and its valid values
     */
    public static HubOptions parse(String schedule, String clock) {
        return Settings.SCHEDULE.parseOne(schedule).withClock(Settings.CLOCK.parseOne(clock));
    }

    /**
     * The schedule grammar: {@code fifo}, {@code random:SEED} or {@code pct:SEED:DEPTH[:STEPS]} (any case), giving
     * options with a real clock.
     *
     * @throws IllegalArgumentException with {@link #SCHEDULE_EXPECTED} as its message
     */
    public static HubOptions parseSchedule(String schedule) {
        String[] parts = schedule.trim().toLowerCase(Locale.ROOT).split(":", -1);
        try {
            if (parts[0].equals("fifo") && parts.length == 1) {
                return DEFAULT;
            }
            if (parts[0].equals("random") && parts.length == 2) {
                return new HubOptions(Long.parseLong(parts[1]), false);
            }
            if (parts[0].equals("pct") && (parts.length == 3 || parts.length == 4)) {
                int steps = parts.length == 4 ? positive(parts[3], MAX_PCT_STEPS) : DEFAULT_PCT_STEPS;
                return new HubOptions(Long.parseLong(parts[1]), false, positive(parts[2], MAX_PCT_DEPTH), steps);
            }
        } catch (NumberFormatException malformed) {
            // said below
        }
        throw new IllegalArgumentException(SCHEDULE_EXPECTED);
    }

    private static int positive(String text, int max) {
        int n = Integer.parseInt(text);
        if (n < 1 || n > max) {
            throw new NumberFormatException(text);
        }
        return n;
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

    /**
     * These options, schedule unchanged, with the clock a {@code clock=} setting gives: {@code null} (not given) keeps
     * virtual time exactly when the schedule is seeded (random or PCT), so that its seed replays sleeps and timeouts
     * too; a real clock asked for with a seeded schedule is kept, and warned about once (the machine's timing then
     * decides which sleeper wakes first).
     */
    public HubOptions withClock(Boolean virtual) {
        if (virtual == null) {
            return withVirtualClock(isSeeded());
        }
        if (!virtual && isSeeded() && firstRealClockWarning()) {
            System.getLogger("io.greening").log(System.Logger.Level.WARNING, "greening: clock=real with schedule="
                    + schedule() + ": the machine's timing decides which sleeper wakes first, so the seed may not replay "
                    + "a run; leave the clock out to keep virtual time");
        }
        return withVirtualClock(virtual);
    }

    private static synchronized boolean firstRealClockWarning() {
        boolean first = !warnedRealClock;
        warnedRealClock = true;
        return first;
    }

    /** These options, schedule unchanged, with a virtual or real clock. */
    public HubOptions withVirtualClock(boolean virtual) {
        return new HubOptions(seed, virtual, pctDepth, pctSteps);
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
