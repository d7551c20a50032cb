package io.greening.bench;

import io.greening.forked.ForkedJvm;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Echo C10K, side by side: the same client load ({@link EchoLoad}, one NIO thread in its own JVM) against four
 * servers, each in its own JVM: the unmodified thread-per-connection {@code com.acme.apps.EchoApp} server on
 * platform threads, the same server greened by the agent, the same loop on JDK virtual threads
 * ({@link VirtualEchoServer}), and Netty ({@link NettyEchoServer}, two NIO event-loop threads). For each
 * connection count: round trips per second, p50/p99 round-trip latency, the server's peak OS threads and peak RSS
 * ({@code Threads} and {@code VmHWM} of {@code /proc/<pid>/status}, sampled every 5 ms) and its CPU time. For each
 * connection count the servers run in an order shuffled by a seeded PRNG ({@code -Decho.seed=N}, default 1), so no
 * server always runs first or last; the order is printed, written under the table and kept in the CSV's
 * {@code position} column.
 *
 * <pre>
 * java [-Decho.seed=1] -cp benchmarks/target/benchmarks.jar io.greening.bench.EchoC10k &lt;repository root&gt; &lt;results dir&gt;
 *     [connections=1000,10000] [warmupSeconds=2] [measureSeconds=3] [systems=platform,greened,virtual,netty]
 *     [minRoundTrips=0]
 * </pre>
 * ({@code greened-2hubs}: greened with the agent option {@code hubs=2}, one hub per core; {@code greened-hubs<N>} and
 * {@code greened-before-hubs<N>}: with {@code hubs=N}, this build's agent or the one before; {@code greened-before}: greened
 * by the agent jar named by {@code -Decho.beforeAgent=<jar>}, an earlier build to compare with.)
 */
public final class EchoC10k {
    private static final long CLOCK_TICKS_PER_SECOND = 100;
    /** How long a server may take to say its port. */
    private static final Duration SERVER_START = Duration.ofMinutes(2);

    private EchoC10k() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        Path results = Path.of(args[1]);
        String[] counts = (args.length > 2 ? args[2] : "1000,10000").split(",");
        String warmup = args.length > 3 ? args[3] : "2";
        String measure = args.length > 4 ? args[4] : "3";
        String[] systems = (args.length > 5 ? args[5] : "platform,greened,virtual,netty").split(",");
        String minRoundTrips = args.length > 6 ? args[6] : "0";   // EchoLoad measures on until it counted that many

        String java = ProcessHandle.current().info().command().orElse("java");
        String jar = System.getProperty("java.class.path");
        String apps = root.resolve("integration-tests/target/classes").toString();
        String agent = root.resolve("agent/target/greening.jar").toString();
        String jfr = System.getProperty("echo.jfr"); // e.g. -Decho.jfr=/tmp/greened.jfr records the greened server
        long seed = Long.getLong("echo.seed", 1);
        Random shuffler = new Random(seed);
        List<String> order = new ArrayList<>();

        List<String> rows = new ArrayList<>();
        Map<String, String[]> byKey = new LinkedHashMap<>();
        for (String count : counts) {
            List<String> shuffled = new ArrayList<>(List.of(systems));
            Collections.shuffle(shuffled, shuffler);
            String countOrder = String.format(Locale.ROOT, "%,d connections: %s", Integer.parseInt(count), String.join(", ", shuffled));
            System.out.println("order of the servers (seed " + seed + "), " + countOrder);
            order.add(countOrder);
            for (int position = 1; position <= shuffled.size(); position++) {
                String system = shuffled.get(position - 1);
                List<String> server = new ArrayList<>(List.of(java));
                switch (system) {
                    case "platform" -> server.addAll(List.of("-cp", apps, "com.acme.apps.EchoApp", "server", count));
                    case "greened" -> {
                        server.add("-javaagent:" + agent + "=include=com.acme.**");
                        if (jfr != null) {
                            server.add("-XX:StartFlightRecording=filename=" + jfr.replace(".jfr", "-" + count + ".jfr")
                                    + ",settings=profile");
                        }
                        server.addAll(List.of("-cp", apps, "com.acme.apps.EchoApp", "server", count));
                    }
                    case "greened-2hubs" -> server.addAll(List.of("-javaagent:" + agent + "=include=com.acme.**,hubs=2",
                            "-cp", apps, "com.acme.apps.EchoApp", "server", count));
                    case "greened-before" -> server.addAll(List.of("-javaagent:" + requireBeforeAgent() + "=include=com.acme.**",
                            "-cp", apps, "com.acme.apps.EchoApp", "server", count));
                    case "virtual" -> server.addAll(List.of("-cp", jar, VirtualEchoServer.class.getName(), count));
                    case "netty" -> server.addAll(List.of("-cp", jar, NettyEchoServer.class.getName(), "2"));
                    default -> {
                        // greened-hubs<N> and greened-before-hubs<N>: a group of N hubs, whatever the cores (issue 13)
                        Matcher hubs = Pattern.compile("greened-(before-)?hubs(\\d+)").matcher(system);
                        if (!hubs.matches()) {
                            throw new IllegalArgumentException("unknown system " + system);
                        }
                        String jarOfSystem = hubs.group(1) != null ? requireBeforeAgent() : agent;
                        server.addAll(List.of("-javaagent:" + jarOfSystem + "=include=com.acme.**,hubs=" + hubs.group(2),
                                "-cp", apps, "com.acme.apps.EchoApp", "server", count));
                    }
                }
                System.out.printf("%s, %s connections...%n", system, count);
                String[] row = runOne(server, java, jar, count, warmup, measure, minRoundTrips);
                String line = system + "," + String.join(",", row) + "," + position;
                System.out.println("  " + line);
                rows.add(line);
                byKey.put(system + "/" + count, row);
            }
        }
        String header = "system,connections,round_trips,seconds,p50_us,p99_us,errors,peak_threads,peak_rss_kb,server_cpu_s,client_cpu_percent,position";
        Harness.writeCsv(results, "echo-c10k.csv", header, rows);
        String table = table(counts, systems, byKey) + "\nRun order (seed " + seed + "): " + String.join("; ", order) + "\n";
        Files.writeString(results.resolve("echo-c10k.md"), table, StandardCharsets.UTF_8);
        System.out.println();
        System.out.println(table);
    }

    /** The agent jar of the build compared with ({@code -Decho.beforeAgent=<jar>}), for the system {@code greened-before}. */
    private static String requireBeforeAgent() {
        String jar = System.getProperty("echo.beforeAgent");
        if (jar == null) {
            throw new IllegalArgumentException("greened-before needs -Decho.beforeAgent=<the earlier build's greening.jar>");
        }
        return jar;
    }

    /** Starts the server, waits for its port, runs the load in a client JVM, returns the row's figures. */
    private static String[] runOne(List<String> serverCommand, String java, String jar, String count,
                                   String warmup, String measure, String minRoundTrips) throws Exception {
        ForkedJvm server = ForkedJvm.command(serverCommand).mergeErrors().sampleEvery(Duration.ofMillis(5))
                .echo(line -> {
                    if (!line.startsWith("#") && !line.startsWith("server:")) {
                        System.out.println("    server| " + line);
                    }
                }).start();
        ForkedJvm.Peaks peaks;
        String result;
        try {
            String port = server.awaitLine("# port=", SERVER_START).trim();
            result = Harness.runCommand(List.of(java, "-cp", jar, EchoLoad.class.getName(), port, count, warmup, measure, "32", minRoundTrips));
            peaks = server.peaks();
            server.stop(Duration.ofSeconds(5));
        } finally {
            server.kill();
        }
        if (result == null) {
            result = count + ",0," + measure + ",0,0,-1,0";
        }
        String[] load = result.split(",");
        return new String[] {load[0], load[1], load[2], load[3], load[4], load[5],
                Long.toString(peaks.osThreads()), Long.toString(peaks.rssKb()),
                String.format(Locale.ROOT, "%.2f", peaks.cpuTicks() / (double) CLOCK_TICKS_PER_SECOND), load[6]};
    }

    private static String table(String[] counts, String[] systems, Map<String, String[]> byKey) {
        StringBuilder out = new StringBuilder();
        out.append("| connections | server | round trips/s | p50 latency | p99 latency | peak OS threads | peak RSS | server CPU (whole run) | load generator CPU | errors |\n");
        out.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String count : counts) {
            for (String system : systems) {
                String[] r = byKey.get(system + "/" + count);
                out.append(String.format(Locale.ROOT, "| %,d | %s | %,.0f | %s ms | %s ms | %,d | %,d MB | %s s | %s%% | %s |%n",
                        Integer.parseInt(count), system, throughput(r), millis(r[3]), millis(r[4]),
                        Long.parseLong(r[6]), Long.parseLong(r[7]) / 1024, r[8], r[9], r[5]));
            }
        }
        out.append("\n| connections | greened / virtual | greened / platform | greened / netty |\n|---:|---:|---:|---:|\n");
        for (String count : counts) {
            String[] greened = byKey.get("greened/" + count);
            if (greened == null) {
                continue;
            }
            out.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s |%n", Integer.parseInt(count),
                    ratio(greened, byKey.get("virtual/" + count)), ratio(greened, byKey.get("platform/" + count)),
                    ratio(greened, byKey.get("netty/" + count))));
        }
        return out.toString();
    }

    private static double throughput(String[] row) {
        return Long.parseLong(row[1]) / Double.parseDouble(row[2]);
    }

    private static String millis(String micros) {
        return String.format(Locale.ROOT, "%.2f", Double.parseDouble(micros) / 1000);
    }

    private static String ratio(String[] a, String[] b) {
        if (b == null || throughput(b) == 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2fx", throughput(a) / throughput(b));
    }
}
