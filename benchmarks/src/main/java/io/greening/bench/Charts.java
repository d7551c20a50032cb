package io.greening.bench;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Draws the README's charts (PNG, XChart) from the results the benchmarks wrote: JMH's JSON ({@code jmh-*.json}:
 * the median iteration, averaged over the runs found), {@code memory.csv} and {@code sleepers.csv}; prints the JMH
 * results as Markdown tables.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.greening.bench.Charts benchmarks/results benchmarks
 * </pre>
 */
public final class Charts {
    /** One JMH result: benchmark class and method, mean score, its error, the fastest and the median iteration. */
    private static final Pattern JMH_ENTRY = Pattern.compile(
            "\"benchmark\"\\s*:\\s*\"[\\w.]+\\.(\\w+Benchmark)\\.(\\w+)\".*?\"primaryMetric\"\\s*:\\s*\\{\\s*"
                    + "\"score\"\\s*:\\s*([0-9.Ee+-]+),\\s*\"scoreError\"\\s*:\\s*\"?([0-9.Ee+-]+|NaN)\"?,.*?"
                    + "\"0\\.0\"\\s*:\\s*([0-9.Ee+-]+),.*?\"50\\.0\"\\s*:\\s*([0-9.Ee+-]+)",
            Pattern.DOTALL);

    private Charts() {}

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path results = Path.of(args.length >= 1 ? args[0] : "benchmarks/results");
        Path out = Path.of(args.length >= 2 ? args[1] : "benchmarks");
        Map<String, Double> jmh = readJmh(results);
        // The interleaved measurements are the ones that hold up on a shared machine: chart their medians if present.
        for (String what : List.of("switch", "spawn")) {
            Path ratios = results.resolve(what + "-ratios.csv");
            if (Files.exists(ratios)) {
                for (String[] row : readCsv(ratios)) {
                    jmh.put("Interleaved-" + what + "." + row[0], Double.parseDouble(row[3]));
                }
            }
        }
        if (!jmh.isEmpty()) {
            boolean interleaved = Files.exists(results.resolve("switch-ratios.csv"));
            bars(out.resolve("switch"), "Switch: park/unpark round trip, median (log scale, lower is better)",
                    "ns per round trip (yield+run: per pair)", jmh, interleaved ? "Interleaved-switch" : "SwitchBenchmark",
                    List.of("continuationYieldRun", "continuationPingPong", "green", "greenParkUntil",
                            "greenCede", "virtualOneCarrierExecutor", "virtualDefault", "platform"));
            bars(out.resolve("spawn"), "Spawn + run + finish of an empty thread, median (log scale, lower is better)",
                    "ns per thread", jmh,
                    Files.exists(results.resolve("spawn-ratios.csv")) ? "Interleaved-spawn" : "SpawnBenchmark", List.of("greenBatchFromGreen", "greenBatchFromPlatform", "greenOneByOne",
                            "virtualBatchFromVirtual", "virtualBatchFromPlatform", "virtualOneByOne", "platformBatch",
                            "platformOneByOne"));
        }
        Path memory = results.resolve("memory.csv");
        if (Files.exists(memory)) {
            grouped(out.resolve("memory"), "Retained heap per parked thread (lower is better)", "bytes per thread",
                    readCsv(memory), 2, false, 1.0);
        }
        echo(results, out);
        Path sleepers = results.resolve("sleepers.csv");
        if (Files.exists(sleepers)) {
            grouped(out.resolve("sleepers-p99"), "Sleepers: timer lateness p99 (log scale, lower is better)", "milliseconds",
                    readCsv(sleepers), 4, true, 1000.0);
        }
    }

    /**
     * The median iteration of each benchmark, averaged over the runs found; prints a Markdown table per run with
     * mean ± error, the median and the fastest iteration, and their ratios to the green thread's (on a shared
     * machine the fastest iteration is the one least disturbed by other processes).
     */
    private static Map<String, Double> readJmh(Path results) throws IOException {
        Map<String, List<Double>> medians = new TreeMap<>();
        if (Files.isDirectory(results)) {
            List<Path> runs = new ArrayList<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(results, "jmh-*.json")) {
                files.forEach(runs::add);
            }
            runs.sort(null);
            for (Path file : runs) {
                System.out.println("\n" + file.getFileName()
                        + "\n\n| benchmark | mean ± error (ns) | median (ns) | fastest (ns) | median / green | fastest / green |"
                        + "\n|---|---:|---:|---:|---:|---:|");
                Map<String, double[]> run = new LinkedHashMap<>();
                Matcher m = JMH_ENTRY.matcher(Files.readString(file));
                while (m.find()) {
                    double error = m.group(4).equals("NaN") ? Double.NaN : Double.parseDouble(m.group(4));
                    run.put(m.group(1) + "." + m.group(2),
                            new double[] {Double.parseDouble(m.group(3)), error, Double.parseDouble(m.group(6)),
                                    Double.parseDouble(m.group(5))});
                }
                run.forEach((name, stats) -> {
                    medians.computeIfAbsent(name, k -> new ArrayList<>()).add(stats[2]);
                    String reference = name.startsWith("Switch") ? "SwitchBenchmark.green" : "SpawnBenchmark.greenBatchFromGreen";
                    double[] green = run.get(reference);
                    System.out.printf("| %s | %,.0f ± %,.0f | %,.0f | %,.0f | %s | %s |%n", name, stats[0], stats[1],
                            stats[2], stats[3], green == null ? "" : String.format("%.2fx", stats[2] / green[2]),
                            green == null ? "" : String.format("%.2fx", stats[3] / green[3]));
                });
            }
        }
        Map<String, Double> mean = new TreeMap<>();
        medians.forEach((k, v) -> mean.put(k, v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN)));
        return mean;
    }

    private static void bars(Path file, String title, String unit, Map<String, Double> jmh, String benchmark,
                             List<String> order) throws IOException {
        List<String> names = new ArrayList<>();
        List<Number> values = new ArrayList<>();
        for (String name : order) {
            Double score = jmh.get(benchmark + "." + name);
            if (score != null) {
                names.add(name);
                values.add(score);
            }
        }
        if (names.isEmpty()) {
            return;
        }
        CategoryChart chart = new CategoryChartBuilder().width(1000).height(520).title(title).yAxisTitle(unit).build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setYAxisMin(10.0);   // bars start at 0 otherwise, which a log axis cannot show
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setXAxisLabelRotation(20);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setDecimalPattern("#,##0");
        chart.addSeries(unit, names, values);
        save(chart, file);
    }

    /** One series per system (CSV column 0), one category per thread count (column 1), values from {@code column}. */
    private static void grouped(Path file, String title, String unit, List<String[]> rows, int column, boolean log,
                                double divisor) throws IOException {
        grouped(file, title, "threads", unit, rows, column, log, divisor);
    }

    /**
     * The echo C10K runs ({@code echo-c10k-run*.csv}, one per {@code RUNS} of echo-c10k.sh): the median over the
     * runs of each server's round trips per second and p99 latency, written to {@code echo-c10k-medians.csv} and
     * drawn as {@code echo-throughput.png} and {@code echo-p99.png}.
     */
    private static void echo(Path results, Path out) throws IOException {
        Map<String, List<double[]>> byKey = new LinkedHashMap<>();
        try (var files = Files.list(results)) {
            for (Path run : files.filter(f -> f.getFileName().toString().matches("echo-c10k-run\\d+\\.csv")).sorted().toList()) {
                for (String[] row : readCsv(run)) {
                    byKey.computeIfAbsent(row[0] + "," + row[1], k -> new ArrayList<>()).add(new double[] {
                            Double.parseDouble(row[2]) / Double.parseDouble(row[3]), Double.parseDouble(row[5]) / 1000});
                }
            }
        }
        if (byKey.isEmpty()) {
            return;
        }
        List<String> medians = new ArrayList<>();
        for (Map.Entry<String, List<double[]>> entry : byKey.entrySet()) {
            medians.add(entry.getKey() + "," + Math.round(median(entry.getValue(), 0)) + ","
                    + String.format(java.util.Locale.ROOT, "%.1f", median(entry.getValue(), 1)) + "," + entry.getValue().size());
        }
        Path file = Harness.writeCsv(results, "echo-c10k-medians.csv", "system,connections,round_trips_per_s,p99_ms,runs", medians);
        List<String[]> rows = readCsv(file);
        grouped(out.resolve("echo-throughput"), "Echo C10K: round trips per second, median of runs (higher is better)",
                "connections", "round trips / s", rows, 2, false, 1.0);
        grouped(out.resolve("echo-p99"), "Echo C10K: p99 round-trip latency, median of runs (lower is better)",
                "connections", "milliseconds", rows, 3, false, 1.0);
    }

    private static double median(List<double[]> values, int index) {
        double[] sorted = values.stream().mapToDouble(v -> v[index]).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static void grouped(Path file, String title, String xAxis, String unit, List<String[]> rows, int column,
                                boolean log, double divisor) throws IOException {
        Map<String, Map<String, Number>> bySystem = new LinkedHashMap<>();
        TreeMap<Long, String> sortedCounts = new TreeMap<>();
        for (String[] row : rows) {
            if (row.length <= column || row[column].isBlank()) {
                continue;
            }
            long threads = Long.parseLong(row[1]);
            String count = String.format("%,d", threads);
            sortedCounts.put(threads, count);
            bySystem.computeIfAbsent(row[0], k -> new LinkedHashMap<>()).put(count, Double.parseDouble(row[column]) / divisor);
        }
        List<String> counts = new ArrayList<>(sortedCounts.values());
        CategoryChart chart = new CategoryChartBuilder().width(1000).height(520).title(title)
                .xAxisTitle(xAxis).yAxisTitle(unit).build();
        chart.getStyler().setYAxisLogarithmic(log);
        if (log) {
            chart.getStyler().setYAxisMin(0.01);
        }
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setDecimalPattern("#,##0.#");
        chart.getStyler().setOverlapped(false);
        for (Map.Entry<String, Map<String, Number>> system : bySystem.entrySet()) {
            List<Number> values = new ArrayList<>();
            for (String count : counts) {
                // A system not measured at that count gets no bar (the smallest the axis shows).
                values.add(system.getValue().getOrDefault(count, log ? 0.01 : 0));
            }
            chart.addSeries(system.getKey(), counts, values);
        }
        save(chart, file);
    }

    private static List<String[]> readCsv(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<String[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            rows.add(line.split(",", -1));
        }
        return rows;
    }

    private static void save(CategoryChart chart, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        System.out.println("wrote " + file + ".png");
    }
}
