package io.greening.bench;

import io.greening.Hub;
import io.greening.internal.VirtualThreads;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * The switch and spawn comparisons of {@link SwitchBenchmark} and {@link SpawnBenchmark}, made robust to a loaded
 * machine: every round times each system once, in a shuffled order, a few milliseconds each, so the
 * systems of one round see the same load. Reports per system the fastest and the median round, and the median over
 * rounds of each system's ratio to the green thread's figure of the same round. Complements JMH (which measures one
 * system after the other, minutes apart); it does not replace it.
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED --add-exports java.base/jdk.internal.vm=ALL-UNNAMED \
 *      -cp benchmarks/target/benchmarks.jar io.greening.bench.Interleaved [rounds] [outDir]
 * </pre>
 */
public final class Interleaved {
    static final String HEADER = "system,unit,fastest_ns,median_ns,median_ratio_to_green,rounds";
    private static final int SPAWNED = SpawnBenchmark.THREADS;

    private interface Timed {
        /** Runs {@code n} operations. */
        void run(int n) throws Exception;
    }

    private record Contender(String name, String unit, int operations, Timed body) {}

    private Interleaved() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length >= 1 ? Integer.parseInt(args[0]) : 200;
        Path out = args.length >= 2 ? Path.of(args[1]) : null;
        Hub hub = Hub.start("ratios-hub");
        ExecutorService oneCarrier = Executors.newSingleThreadExecutor();
        ThreadFactory oneCarrierThreads = VirtualThreads.builder(oneCarrier).factory();
        Object scope = RawContinuation.newScope("ratios");
        Runnable yieldForever = () -> {
            while (true) {
                RawContinuation.yield(scope);
            }
        };
        Object yielder = RawContinuation.newContinuation(scope, yieldForever);
        Object ping = RawContinuation.newContinuation(scope, yieldForever);
        Object pong = RawContinuation.newContinuation(scope, yieldForever);

        // Operation counts sized for a few milliseconds per measurement on this machine.
        List<Contender> systems = List.of(
                new Contender("continuationYieldRun", "yield+run", 50_000, n -> {
                    for (int i = 0; i < n; i++) {
                        RawContinuation.run(yielder);
                    }
                }),
                new Contender("continuationPingPong", "round trip", 25_000, n -> {
                    for (int i = 0; i < n; i++) {
                        RawContinuation.run(ping);
                        RawContinuation.run(pong);
                    }
                }),
                new Contender("green", "round trip", 20_000, n -> PingPong.onHub(hub, n, false)),
                new Contender("greenParkUntil", "round trip", 20_000, n -> PingPong.onHub(hub, n, true)),
                new Contender("greenCede", "round trip", 20_000, n -> PingPong.cedeOnHub(hub, n)),
                new Contender("virtualOneCarrierExecutor", "round trip", 10_000, n -> PingPong.onThreads(oneCarrierThreads, n)),
                new Contender("virtualDefault", "round trip", 10_000, n -> PingPong.onThreads(Thread.ofVirtual().factory(), n)),
                new Contender("platform", "round trip", 500, n -> PingPong.onThreads(Thread.ofPlatform().factory(), n)));

        compare("switch", systems, "green", rounds, out);
        hub.close();
        oneCarrier.shutdownNow();

        SpawnBenchmark spawn = new SpawnBenchmark();
        spawn.setUp();
        // One call spawns and joins SpawnBenchmark.THREADS threads; scores are per thread.
        List<Contender> spawners = List.of(
                new Contender("greenBatchFromGreen", "thread", 10 * SPAWNED, n -> repeat(n, spawn::greenBatchFromGreen)),
                new Contender("greenBatchFromPlatform", "thread", 10 * SPAWNED, n -> repeat(n, spawn::greenBatchFromPlatform)),
                new Contender("greenOneByOne", "thread", 10 * SPAWNED, n -> repeat(n, spawn::greenOneByOne)),
                new Contender("virtualBatchFromVirtual", "thread", 10 * SPAWNED, n -> repeat(n, spawn::virtualBatchFromVirtual)),
                new Contender("virtualBatchFromPlatform", "thread", 10 * SPAWNED, n -> repeat(n, spawn::virtualBatchFromPlatform)),
                new Contender("virtualOneByOne", "thread", 10 * SPAWNED, n -> repeat(n, spawn::virtualOneByOne)),
                new Contender("platformBatch", "thread", SPAWNED, n -> repeat(n, spawn::platformBatch)),
                new Contender("platformOneByOne", "thread", SPAWNED, n -> repeat(n, spawn::platformOneByOne)));
        compare("spawn", spawners, "greenBatchFromGreen", Math.max(10, rounds / 4), out);
        spawn.tearDown();
    }

    /** Runs {@code spawnCall} (which spawns {@link SpawnBenchmark#THREADS} threads) for {@code threads} threads. */
    private static void repeat(int threads, SpawnCall spawnCall) throws Exception {
        for (int i = 0; i < threads / SPAWNED; i++) {
            spawnCall.run();
        }
    }

    /** One benchmark method of {@link SpawnBenchmark}. */
    private interface SpawnCall {
        void run() throws Exception;
    }

    private static void compare(String what, List<Contender> systems, String reference, int rounds, Path out)
            throws Exception {
        Map<String, double[]> nanos = new LinkedHashMap<>();
        systems.forEach(s -> nanos.put(s.name(), new double[rounds]));
        List<Contender> order = new ArrayList<>(systems);
        int warmUp = Math.max(10, rounds / 10);
        for (int round = -warmUp; round < rounds; round++) {
            Collections.shuffle(order);
            for (Contender s : order) {
                long start = System.nanoTime();
                s.body().run(s.operations());
                double perOperation = (double) (System.nanoTime() - start) / s.operations();
                if (round >= 0) {
                    nanos.get(s.name())[round] = perOperation;
                }
            }
        }
        double[] green = nanos.get(reference);
        List<String> rows = new ArrayList<>();
        System.out.printf("%n%s: %d rounds (after %d warm-up rounds), systems in shuffled order each round%n", what, rounds,
                warmUp);
        System.out.println("| system | unit | fastest (ns) | median (ns) | median of per-round ratio to " + reference + " |");
        System.out.println("|---|---|---:|---:|---:|");
        for (Contender s : systems) {
            double[] mine = nanos.get(s.name());
            double[] ratios = new double[rounds];
            for (int i = 0; i < rounds; i++) {
                ratios[i] = mine[i] / green[i];
            }
            double fastest = Arrays.stream(mine).min().orElse(Double.NaN);
            double median = median(mine);
            double ratio = median(ratios);
            System.out.printf("| %s | %s | %,.0f | %,.0f | %.2fx |%n", s.name(), s.unit(), fastest, median, ratio);
            rows.add(String.format("%s,%s,%.1f,%.1f,%.3f,%d", s.name(), s.unit(), fastest, median, ratio, rounds));
        }
        if (out != null) {
            System.out.println("written to " + Harness.writeCsv(out, what + "-ratios.csv", HEADER, rows));
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
