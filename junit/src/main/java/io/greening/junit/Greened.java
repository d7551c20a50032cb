package io.greening.junit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs each test body as the root green thread of a fresh hub ({@code Green.run}). On a class, applies to every
 * test method; on a method, overrides the class's settings.
 *
 * <pre>{@code
 * @Greened(schedule = Greened.Schedule.RANDOM, seed = 1, repeat = 100)
 * void counterIsRaceFree() { ... }   // runs under seeds 1..100, in virtual time; a failure names its seed
 * }</pre>
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(GreenedExtension.class)
public @interface Greened {
    /** How the hub picks among ready green threads. */
    enum Schedule {
        /** In the order they became ready. */
        FIFO,
        /** With a PRNG seeded by {@link #seed()} (then {@code seed + 1}, ... for each repetition). */
        RANDOM,
        /** Probabilistic concurrency testing of depth {@link #pctDepth()}, seeded as {@link #RANDOM}. */
        PCT
    }

    /** The schedule; FIFO by default. */
    Schedule schedule() default Schedule.FIFO;

    /** The first seed of a RANDOM schedule; repetition {@code i} uses {@code seed + i}. */
    long seed() default 1;

    /** How many times to run the body (each under its own seed when RANDOM); stops at the first failure. */
    int repeat() default 1;

    /** The PCT depth: how many ordering constraints a bug may need (PCT schedule only). */
    int pctDepth() default 3;

    /** The PCT horizon: change points fall among the first this many scheduling steps (PCT schedule only). */
    int pctSteps() default 1000;

    /** The hub's clock. */
    enum Clock {
        /** Virtual under a RANDOM or PCT schedule, so that a seed replays sleeps and timeouts too; real under FIFO. */
        DEFAULT,
        /** Real time; with a seeded schedule it warns once, since the machine's timing then decides which sleeper wakes first. */
        REAL,
        /** Virtual time: sleeps and timeouts take no real time. */
        VIRTUAL
    }

    /** The clock; virtual exactly when the schedule is seeded by default. */
    Clock clock() default Clock.DEFAULT;
}
