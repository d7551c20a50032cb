package io.greening.bench;

import io.greening.Green;
import io.greening.GreenThread;
import io.greening.HubGroup;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sleepers: N threads each sleep a random 0-100 ms ten times. Reports the wall time from the first spawn to the
 * last join, the CPU time the process spent meanwhile, and the timer lateness (how much later than asked each sleep returned) at p50 / p99 / max: green
 * threads sleeping with {@link Green#sleep} on one hub ({@link Green#run}), the same on a work-stealing group of one
 * hub per processor ({@link HubGroup}, the agent's {@code hubs=auto}), and JDK virtual threads sleeping with
 * {@link Thread#sleep} on the default scheduler. Each measurement runs in a fresh JVM, after a warm-up round of at
 * most 10k threads in the same JVM.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.greening.bench.SleepersHarness [outDir] [maxThreads]  # the matrix
 * java --add-opens java.base/java.lang=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *      io.greening.bench.SleepersHarness green|group|virtual N                                              # one run
 * </pre>
 */
public final class SleepersHarness {
    static final int SLEEPS = 10;
    static final int MAX_SLEEP_MILLIS = 100;
    static final List<String> SYSTEMS = List.of("green", "group", "virtual");
    static final String HEADER = "system,threads,wall_ms,late_p50_us,late_p99_us,late_max_us,ideal_wall_ms,cpu_ms";

    private SleepersHarness() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && SYSTEMS.contains(args[0])) {
            // A smaller round first, so the measured one runs JIT-compiled code, as a server in steady state does.
            measure(args[0], Math.min(10_000, Integer.parseInt(args[1])));
            Harness.report(measure(args[0], Integer.parseInt(args[1])));
            return;
        }
        Path out = Path.of(args.length >= 1 ? args[0] : "benchmarks");
        int max = args.length >= 2 ? Integer.parseInt(args[1]) : 1_000_000;
        List<String> rows = new ArrayList<>();
        for (int n : new int[] {10_000, 100_000, 1_000_000}) {
            if (n > max) {
                break;
            }
            for (String system : SYSTEMS) {
                System.out.println("sleepers: " + system + " x " + n);
                String result = Harness.runChild(SleepersHarness.class, List.of("-Xmx8g", "-Dgreening.stall=off"), system, Integer.toString(n));
                String row = result != null ? result : system + "," + n + ",,,,,";
                System.out.println("  " + row);
                rows.add(row);
            }
        }
        System.out.println(HEADER);
        rows.forEach(System.out::println);
        System.out.println("written to " + Harness.writeCsv(out, "sleepers.csv", HEADER, rows));
    }

    static String measure(String system, int threads) throws Exception {
        // Lateness of every sleep in microseconds; each thread writes only its own SLEEPS slots.
        int[] lateMicros = new int[threads * SLEEPS];
        long cpuBefore = processCpuNanos();
        long start = System.nanoTime();
        if (system.equals("green")) {
            Green.run(() -> spawnAndJoin(threads, index -> Green.spawn(() -> sleepTenTimes(lateMicros, index, true))));
        } else if (system.equals("group")) {
            try (HubGroup group = HubGroup.start("sleepers")) {
                spawnAndJoin(threads, index -> group.spawn(() -> sleepTenTimes(lateMicros, index, true)));
            }
        } else {
            Thread[] sleepers = new Thread[threads];
            for (int i = 0; i < threads; i++) {
                int index = i;
                sleepers[i] = Thread.ofVirtual().start(() -> sleepTenTimes(lateMicros, index, false));
            }
            for (Thread sleeper : sleepers) {
                sleeper.join();
            }
        }
        long wallNanos = System.nanoTime() - start;
        long cpuNanos = processCpuNanos() - cpuBefore;
        Arrays.sort(lateMicros);
        return String.join(",", system, Integer.toString(threads), Long.toString(wallNanos / 1_000_000),
                Integer.toString(percentile(lateMicros, 0.50)), Integer.toString(percentile(lateMicros, 0.99)),
                Integer.toString(lateMicros[lateMicros.length - 1]),
                // With no overhead at all, the slowest thread's ten sleeps bound the wall time: about 10 x 100 ms.
                Integer.toString(SLEEPS * MAX_SLEEP_MILLIS),
                // CPU time of the whole process (all carriers, timers and GC): what the run cost, whatever the load.
                Long.toString(cpuNanos / 1_000_000));
    }

    /** Spawns {@code threads} green threads with {@code spawn} (given each one's index), then joins them all. */
    private static void spawnAndJoin(int threads, java.util.function.IntFunction<GreenThread<?>> spawn) {
        GreenThread<?>[] sleepers = new GreenThread<?>[threads];
        for (int i = 0; i < threads; i++) {
            sleepers[i] = spawn.apply(i);
        }
        for (GreenThread<?> sleeper : sleepers) {
            sleeper.join();
        }
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    private static void sleepTenTimes(int[] lateMicros, int index, boolean green) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < SLEEPS; i++) {
            int millis = random.nextInt(MAX_SLEEP_MILLIS + 1);
            long before = System.nanoTime();
            if (green) {
                Green.sleep(millis);
            } else {
                try {
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            long late = System.nanoTime() - before - millis * 1_000_000L;
            lateMicros[index * SLEEPS + i] = (int) Math.min(Integer.MAX_VALUE, late / 1_000);
        }
    }

    private static int percentile(int[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
