package io.greening.bench;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Draws the charts of {@code benchmarks/README.md} (PNG, XChart), each from exactly the raw file its title names:
 * <ul>
 * <li>{@code switch:<jmh json>}: {@code switch.png} and {@code spawn.png}, the JMH score (the mean JMH prints, with
 *     its error in the raw text file) of each {@code SwitchBenchmark} and {@code SpawnBenchmark} of that one run;
 * <li>{@code memory}: {@code memory.png} from {@code memory.csv};
 * <li>{@code sleepers}: {@code sleepers-p99.png} from {@code sleepers.csv};
 * <li>{@code echo}: {@code echo-c10k-medians.csv}, the medians over the runs {@code echo-c10k-run*.csv}, then
 *     {@code echo-throughput.png} and {@code echo-p99.png} from it;
 * <li>{@code jmh-tables}: {@code jmh-tables.md}, every JMH run ({@code jmh-*.json}) as a Markdown table.
 * </ul>
 * With no chart named, all of them, with the switch and spawn charts from {@value #HEADLINE_JMH} (the quiet run
 * the README's headline quotes).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.greening.bench.Charts benchmarks/results benchmarks [chart...]
 * </pre>
 */
public final class Charts {
    /** The JMH run the README's switch and spawn figures and charts come from. */
    static final String HEADLINE_JMH = "jmh-run5.json";

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
        List<String> charts = args.length > 2 ? List.of(args).subList(2, args.length)
                : List.of("switch:" + HEADLINE_JMH, "memory", "sleepers", "echo", "jmh-tables");
        for (String chart : charts) {
            if (chart.startsWith("switch:")) {
                switchAndSpawn(results.resolve(chart.substring("switch:".length())), out);
            } else {
                switch (chart) {
                    case "memory" -> grouped(out.resolve("memory"), "Retained heap per parked thread (lower is better)",
                            results.resolve("memory.csv"), "threads", "bytes per thread", 2, false, 1.0);
                    case "sleepers" -> grouped(out.resolve("sleepers-p99"),
                            "Sleepers: timer lateness p99 (log scale, lower is better)", results.resolve("sleepers.csv"),
                            "threads", "milliseconds", 4, true, 1000.0);
                    case "echo" -> echo(results, out);
                    case "jmh-tables" -> jmhTables(results);
                    default -> {
                        System.err.println("Charts: unknown chart " + chart
                                + " (switch:<jmh json>, memory, sleepers, echo, jmh-tables)");
                        System.exit(2);
                    }
                }
            }
        }
    }

    /** switch.png and spawn.png from one JMH run's JSON: each benchmark's score. */
    private static void switchAndSpawn(Path jmhJson, Path out) throws IOException {
        if (!Files.isRegularFile(jmhJson)) {
            System.err.println("Charts: no " + jmhJson + ": switch.png and spawn.png not drawn");
            return;
        }
        Map<String, Double> scores = new LinkedHashMap<>();
        Matcher m = JMH_ENTRY.matcher(Files.readString(jmhJson));
        while (m.find()) {
            scores.put(m.group(1) + "." + m.group(2), Double.parseDouble(m.group(3)));
        }
        String source = " - " + jmhJson.getParent().getFileName() + "/" + jmhJson.getFileName();
        bars(out.resolve("switch"), "Switch: park/unpark round trip, JMH mean (log scale, lower is better)" + source,
                "ns per round trip (yield+run: per pair)", scores, "SwitchBenchmark",
                List.of("continuationYieldRun", "continuationPingPong", "green", "greenParkUntil",
                        "greenCede", "virtualOneCarrierExecutor", "virtualDefault", "platform"));
        bars(out.resolve("spawn"), "Spawn + run + finish of an empty thread, JMH mean (log scale)" + source,
                "ns per thread", scores, "SpawnBenchmark", List.of("greenBatchFromGreen", "greenBatchFromPlatform",
                        "greenOneByOne", "virtualBatchFromVirtual", "virtualBatchFromPlatform", "virtualOneByOne",
                        "platformBatch", "platformOneByOne"));
    }

    /**
     * Writes {@code jmh-tables.md}: a Markdown table per JMH run ({@code jmh-*.json}) with mean ± error, the median
     * and the fastest iteration, and their ratios to the green thread's.
     */
    private static void jmhTables(Path results) throws IOException {
        List<Path> runs = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(results, "jmh-*.json")) {
            files.forEach(runs::add);
        }
        runs.sort(null);
        StringBuilder tables = new StringBuilder();
        for (Path file : runs) {
            tables.append("\n").append(file.getFileName())
                    .append("\n\n| benchmark | mean ± error (ns) | median (ns) | fastest (ns) | median / green | fastest / green |")
                    .append("\n|---|---:|---:|---:|---:|---:|\n");
            Map<String, double[]> run = new LinkedHashMap<>();
            Matcher m = JMH_ENTRY.matcher(Files.readString(file));
            while (m.find()) {
                double error = m.group(4).equals("NaN") ? Double.NaN : Double.parseDouble(m.group(4));
                run.put(m.group(1) + "." + m.group(2),
                        new double[] {Double.parseDouble(m.group(3)), error, Double.parseDouble(m.group(6)),
                                Double.parseDouble(m.group(5))});
            }
            run.forEach((name, stats) -> {
                String reference = name.startsWith("Switch") ? "SwitchBenchmark.green" : "SpawnBenchmark.greenBatchFromGreen";
                double[] green = run.get(reference);
                tables.append(String.format(Locale.ROOT, "| %s | %,.0f ± %,.0f | %,.0f | %,.0f | %s | %s |%n", name,
                        stats[0], stats[1], stats[2], stats[3],
                        green == null ? "" : String.format(Locale.ROOT, "%.2fx", stats[2] / green[2]),
                        green == null ? "" : String.format(Locale.ROOT, "%.2fx", stats[3] / green[3])));
            });
        }
        Files.writeString(results.resolve("jmh-tables.md"), tables, StandardCharsets.UTF_8);
        System.out.println("wrote " + results.resolve("jmh-tables.md"));
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
        grouped(out.resolve("echo-throughput"), "Echo C10K: round trips per second, median of runs (higher is better)",
                file, "connections", "round trips / s", 2, false, 1.0);
        grouped(out.resolve("echo-p99"), "Echo C10K: p99 round-trip latency, median of runs (lower is better)",
                file, "connections", "milliseconds", 3, false, 1.0);
    }

    private static double median(List<double[]> values, int index) {
        double[] sorted = values.stream().mapToDouble(v -> v[index]).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /**
     * One series per system (CSV column 0), one category per count (column 1), values from {@code column} divided by
     * {@code divisor}; the title names the CSV.
     */
    private static void grouped(Path file, String title, Path csv, String xAxis, String unit, int column,
                                boolean log, double divisor) throws IOException {
        if (!Files.isRegularFile(csv)) {
            System.err.println("Charts: no " + csv + ": " + file.getFileName() + ".png not drawn");
            return;
        }
        title = title + " - " + csv.getParent().getFileName() + "/" + csv.getFileName();
        List<String[]> rows = readCsv(csv);
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
