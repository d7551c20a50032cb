package io.greening.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What the agent's group of hubs costs while an app does little, by hub count (issue 13, "All the cores"): each
 * system is one set of agent options and JVM options (e.g. {@code hubs=64}, or {@code hubs=auto} with
 * {@code -XX:ActiveProcessorCount=64}), launched in shuffled rounds.
 * <ul>
 *   <li>{@code idle}: {@code com.acme.apps.IdleApp} greened (one thread asleep); after {@code settle} seconds, the
 *       process's CPU time and its threads' voluntary context switches (wake-ups) over {@code window} seconds, with
 *       the threads that woke most, by name.</li>
 *   <li>{@code light}: {@code com.acme.apps.EchoApp server 1} greened, and one connection from this JVM sending 32
 *       bytes every millisecond (paced, not closed-loop) and reading the echo; the server's CPU time and wake-ups
 *       per request over {@code window} seconds, after {@code settle} seconds of the same load.</li>
 * </ul>
 * The server's CPU time is {@code utime + stime} of {@code /proc/<pid>/stat}, so it counts every thread of it (JIT
 * and GC too: the settle time lets the JIT finish).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.greening.bench.ManyCores idle|light [--runs 3] [--settle 5]
 *     [--window 10] [--system name=agentOptions|jvmOptions[|agentJar]]... [--out file]
 * </pre>
 * Without {@code --system}: {@code hubs=1}, {@code hubs=2}, {@code hubs=16}, {@code hubs=64}. Agent options are added
 * to {@code include=com.acme.**}; JVM options are separated by spaces; the agent jar is
 * {@code agent/target/greening.jar} unless given (e.g. a build before, for a side-by-side run).
 */
public final class ManyCores {
    /** The agent a system runs with unless its third part names another (a build before, for a side-by-side run). */
    private static final String DEFAULT_AGENT_JAR = "agent/target/greening.jar";
    private static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(1) / 100;   // USER_HZ, 100 on Linux

    /** The busiest threads of the last launch, printed under its line. */
    private static String lastTop = "";

    private ManyCores() {}

    private record Sample(long cpuTicks, long wakeUps, Map<String, Long> wakeUpsByName, Map<String, Long> ticksByName) {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !(args[0].equals("idle") || args[0].equals("light"))) {
            usage("the first argument is idle or light");
        }
        String mode = args[0];
        int runs = 3;
        int settle = 5;
        int window = 10;
        Path out = null;
        Map<String, String> systems = new LinkedHashMap<>();
        for (String[] pair : OptionPairs.of(List.of(args).subList(1, args.length).toArray(String[]::new), ManyCores::usage)) {
            String value = pair[1];
            switch (pair[0]) {
                case "--runs" -> runs = Integer.parseInt(value);
                case "--settle" -> settle = Integer.parseInt(value);
                case "--window" -> window = Integer.parseInt(value);
                case "--out" -> out = Path.of(value);
                case "--system" -> {
                    int eq = value.indexOf('=');
                    if (eq <= 0) {
                        usage("--system takes name=agentOptions|jvmOptions[|agentJar], not " + value);
                    }
                    systems.put(value.substring(0, eq), value.substring(eq + 1));
                }
                default -> usage("unknown option " + pair[0]);
            }
        }
        if (systems.isEmpty()) {
            for (String hubs : List.of("1", "2", "16", "64")) {
                systems.put("hubs=" + hubs, "hubs=" + hubs + "|");
            }
        }
        StringBuilder report = new StringBuilder();
        line(report, "# ManyCores " + mode + " " + String.join(" ", List.of(args).subList(1, args.length)) + ", "
                + Instant.now() + ", load " + load());
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        Random shuffler = new Random(1);
        for (int run = 1; run <= runs; run++) {
            List<String> order = new ArrayList<>(systems.keySet());
            Collections.shuffle(order, shuffler);
            for (String system : order) {
                String[] parts = systems.get(system).split("\\|", -1);
                List<String> jvm = parts.length > 1 && !parts[1].isBlank() ? List.of(parts[1].trim().split("\\s+")) : List.of();
                String loadBefore = load();
                String agentJar = parts.length > 2 && !parts[2].isBlank() ? parts[2].trim() : DEFAULT_AGENT_JAR;
                if (!Files.isRegularFile(Path.of(agentJar))) {
                    usage("no agent jar " + agentJar + " (system " + system + ")");
                }
                double[] r = mode.equals("idle") ? idle(agentJar, parts[0], jvm, settle, window)
                        : light(agentJar, parts[0], jvm, settle, window);
                results.computeIfAbsent(system, k -> new ArrayList<>()).add(r);
                line(report, String.format(Locale.ROOT, "run %d %-40s %s, load before %s", run, system,
                        mode.equals("idle")
                                ? String.format(Locale.ROOT, "cpu %.0f ms in %d s, %.0f wake-ups/s", r[0], window, r[1])
                                : String.format(Locale.ROOT, "%.0f requests, cpu %.1f us/request, %.2f wake-ups/request",
                                        r[2], r[0], r[1]), loadBefore));
                line(report, lastTop);
            }
        }
        line(report, "medians:");
        for (var e : results.entrySet()) {
            double cpu = median(e.getValue(), 0);
            double wake = median(e.getValue(), 1);
            line(report, String.format(Locale.ROOT, "  %-40s %s", e.getKey(), mode.equals("idle")
                    ? String.format(Locale.ROOT, "cpu %.0f ms in %d s, %.0f wake-ups/s", cpu, window, wake)
                    : String.format(Locale.ROOT, "cpu %.1f us/request, %.2f wake-ups/request", cpu, wake)));
        }
        line(report, "# load after " + load());
        if (out != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, report, StandardCharsets.UTF_8);
        }
    }

    /** Returns {cpu ms in the window, wake-ups a second}. */
    private static double[] idle(String agentJar, String agentOptions, List<String> jvm, int settle, int window)
            throws Exception {
        Process app = launch(agentJar, agentOptions, jvm, "com.acme.apps.IdleApp", String.valueOf((settle + window + 3) * 1000L));
        try (BufferedReader lines = reader(app.getInputStream())) {
            awaitLine(lines, "# idle-start", app);
            Thread.sleep(TimeUnit.SECONDS.toMillis(settle));
            Sample before = sample(app.pid());
            Thread.sleep(TimeUnit.SECONDS.toMillis(window));
            Sample after = sample(app.pid());
            lastTop = topThreads(before, after);
            app.waitFor();
            return new double[] {(after.cpuTicks - before.cpuTicks) * TICK_NANOS / 1e6,
                    (after.wakeUps - before.wakeUps) / (double) window};
        } finally {
            app.destroyForcibly();
        }
    }

    /** Returns {cpu us a request, wake-ups a request, requests}. */
    private static double[] light(String agentJar, String agentOptions, List<String> jvm, int settle, int window)
            throws Exception {
        Process server = launch(agentJar, agentOptions, jvm, "com.acme.apps.EchoApp", "server", "1");
        try (BufferedReader lines = reader(server.getInputStream())) {
            String portLine = awaitLine(lines, "# port=", server);
            int port = Integer.parseInt(portLine.substring("# port=".length()).trim());
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                socket.setTcpNoDelay(true);
                OutputStream to = socket.getOutputStream();
                InputStream from = socket.getInputStream();
                pace(to, from, TimeUnit.SECONDS.toNanos(settle));
                Sample before = sample(server.pid());
                long requests = pace(to, from, TimeUnit.SECONDS.toNanos(window));
                Sample after = sample(server.pid());
                lastTop = topThreads(before, after);
                return new double[] {(after.cpuTicks - before.cpuTicks) * TICK_NANOS / 1e3 / requests,
                        (after.wakeUps - before.wakeUps) / (double) requests, requests};
            }
        } finally {
            server.destroyForcibly();
            server.waitFor();
        }
    }

    /** Sends 32 bytes every millisecond for {@code nanos}, reading each echo; returns how many round trips. */
    private static long pace(OutputStream to, InputStream from, long nanos) throws IOException {
        byte[] message = new byte[32];
        long start = System.nanoTime();
        long next = start;
        long count = 0;
        while (System.nanoTime() - start < nanos) {
            to.write(message);
            to.flush();
            int got = 0;
            while (got < message.length) {
                int n = from.read(message, got, message.length - got);
                if (n < 0) {
                    throw new IOException("the server closed the connection");
                }
                got += n;
            }
            count++;
            next += TimeUnit.MILLISECONDS.toNanos(1);
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
        return count;
    }

    private static Process launch(String agentJar, String agentOptions, List<String> jvm, String main, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvm);
        command.add("-javaagent:" + agentJar + "=include=com.acme.**"
                + (agentOptions.isBlank() ? "" : "," + agentOptions));
        command.addAll(List.of("-cp", "integration-tests/target/classes", main));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static BufferedReader reader(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    private static String awaitLine(BufferedReader lines, String prefix, Process process) throws IOException {
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new IOException("no line '" + prefix + "' from pid " + process.pid()
                + (process.isAlive() ? "" : " (exit " + process.exitValue() + ")"));
    }

    private static Sample sample(long pid) throws IOException {
        long ticks = cpuTicks(Files.readString(Path.of("/proc/" + pid + "/stat")));
        long total = 0;
        Map<String, Long> byName = new TreeMap<>();
        Map<String, Long> ticksByName = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip().replaceAll("\\d+$", "#");
                    long switches = 0;
                    for (String l : Files.readAllLines(task.resolve("status"))) {
                        if (l.startsWith("voluntary_ctxt_switches:")) {
                            switches = Long.parseLong(l.substring(l.indexOf(':') + 1).strip());
                        }
                    }
                    total += switches;
                    byName.merge(name, switches, Long::sum);
                    ticksByName.merge(name, cpuTicks(Files.readString(task.resolve("stat"))), Long::sum);
                } catch (IOException ended) {
                    // a thread that ended meanwhile
                }
            }
        }
        return new Sample(ticks, total, byName, ticksByName);
    }

    private static long cpuTicks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);   // utime, stime (fields 14, 15)
    }

    /** The five thread names (digits dropped) that woke most, and the five that took most CPU, in the window. */
    private static String topThreads(Sample before, Sample after) {
        return "    wake-ups by thread name:" + top(before.wakeUpsByName, after.wakeUpsByName, 1)
                + "\n    cpu ms by thread name:" + top(before.ticksByName, after.ticksByName, TICK_NANOS / 1_000_000);
    }

    private static String top(Map<String, Long> before, Map<String, Long> after, long scale) {
        List<Map.Entry<String, Long>> deltas = new ArrayList<>();
        for (var e : after.entrySet()) {
            deltas.add(Map.entry(e.getKey(), (e.getValue() - before.getOrDefault(e.getKey(), 0L)) * scale));
        }
        deltas.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        StringBuilder top = new StringBuilder();
        for (var e : deltas.subList(0, Math.min(5, deltas.size()))) {
            top.append(' ').append(e.getKey()).append('=').append(e.getValue());
        }
        return top.toString();
    }

    private static double median(List<double[]> rows, int column) {
        double[] values = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
        return values[values.length / 2];
    }

    private static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static void line(StringBuilder report, String line) {
        System.out.println(line);
        report.append(line).append('\n');
    }

    private static void usage(String problem) {
        System.err.println("ManyCores: " + problem + "; usage: ManyCores idle|light [--runs n] [--settle s] [--window s]"
                + " [--system name=agentOptions|jvmOptions[|agentJar]]... [--out file]");
        System.exit(2);
    }
}
