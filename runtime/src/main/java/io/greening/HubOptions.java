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
 *   <li>{@code virtual} clock: timers, {@link Green#sleep}, {@link Timeout} and {@link Hub#now()} use the hub's own
 *       clock, which jumps to the next timer whenever nothing is ready and no hub I/O or offloaded work is pending.</li>
 * </ul>
 *
 * @param seed the schedule's seed, or {@code null} for FIFO
 * @param virtualClock whether the hub keeps virtual time
 */
public record HubOptions(Long seed, boolean virtualClock) {
    /** FIFO scheduling, real time. */
    public static final HubOptions DEFAULT = new HubOptions(null, false);

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
        } else if (s.startsWith("random:")) {
            try {
                seed = Long.parseLong(s.substring("random:".length()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("schedule=" + schedule + ": the seed must be a whole number, as in random:42");
            }
        } else {
            throw new IllegalArgumentException("schedule=" + schedule + " is not valid; use fifo or random:SEED");
        }
        boolean virtual = switch (clock.trim().toLowerCase(Locale.ROOT)) {
            case "real" -> false;
            case "virtual" -> true;
            default -> throw new IllegalArgumentException("clock=" + clock + " is not valid; use real or virtual");
        };
        return new HubOptions(seed, virtual);
    }

    /** FIFO scheduling with this clock. */
    public HubOptions withFifoSchedule() {
        return new HubOptions(null, virtualClock);
    }

    /** Seeded random scheduling with this clock. */
    public HubOptions withRandomSchedule(long seed) {
        return new HubOptions(seed, virtualClock);
    }

    /** These options with a virtual or real clock. */
    public HubOptions withVirtualClock(boolean virtual) {
        return new HubOptions(seed, virtual);
    }

    /** The option text that reproduces this schedule: {@code fifo} or {@code random:SEED}. */
    public String schedule() {
        return seed == null ? "fifo" : "random:" + seed;
    }

    @Override
    public String toString() {
        return "schedule=" + schedule() + ",clock=" + (virtualClock ? "virtual" : "real");
    }
}
