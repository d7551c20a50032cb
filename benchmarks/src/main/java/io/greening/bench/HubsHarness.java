package io.greening.bench;

import java.io.IOException;
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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One bundled unmodified app ({@code com.acme.apps}), side by side: plain threads, greened with {@code hubs=1} (one
 * loop) and greened with the agent's default ({@code hubs=auto}, a work-stealing group of one hub per core), plus any
 * {@code --system name=<agent jar>|<agent options>} (e.g. an older build). Every round launches each system once in a
 * shuffled order, so that the systems of one round see the same load. The figure is the time the app measures itself
 * ({@code # elapsed-ms=}, on stdout; stderr is dropped), without JVM start-up; the app's CPU time ({@code cpu-ms=}) is
 * noted. Prints every launch,
 * the medians and each system's median ratio to {@code hubs=1}, and the load average before and after; with
 * {@code --out <file>} writes the same to that file.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.greening.bench.HubsHarness --app HashingServiceApp --args skewed
 *     [--runs 3] [--seed 1] [--agent agent/target/greening.jar] [--apps integration-tests/target/classes]
 *     [--include org.h2.**]... [--system name=jar|options]... [--out benchmarks/results/hubs/hashing-skewed-run1.txt]
 * </pre>
 * {@code --apps} is the apps' class path (an app that needs a library names its jar there too); each
 * {@code --include} adds a package the greened systems rewrite besides {@code com.acme.**} (the library's own
 * threads, e.g. an embedded server's, are green only when it is included).
 */
public final class HubsHarness {
    private static final Pattern ELAPSED = Pattern.compile("# elapsed-ms=(\\d+)");
    private static final Pattern CPU = Pattern.compile("cpu-ms=(\\d+)");
    private static final String REFERENCE = "greened hubs=1";

    private HubsHarness() {}

    private record Launch(int round, String system, long elapsedMs, long cpuMs, String output) {}

    public static void main(String[] args) throws Exception {
        String app = null;
        List<String> appArgs = new ArrayList<>();
        int runs = 3;
        long seed = 1;
        Path agent = Path.of("agent/target/greening.jar");
        Path apps = Path.of("integration-tests/target/classes");
        Path out = null;
        Map<String, String> extra = new LinkedHashMap<>();
        List<String> includes = new ArrayList<>(List.of("com.acme.**"));
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                usage("a value is missing after " + args[i]);
            }
            String value = args[i + 1];
            switch (args[i]) {
                case "--app" -> app = value;
                case "--args" -> appArgs.addAll(List.of(value.trim().split("\\s+")));
                case "--runs" -> runs = Integer.parseInt(value);
                case "--seed" -> seed = Long.parseLong(value);
                case "--agent" -> agent = Path.of(value);
                case "--apps" -> apps = Path.of(value);
                case "--out" -> out = Path.of(value);
                case "--include" -> includes.add(value);
                case "--system" -> {
                    int eq = value.indexOf('=');
                    if (eq <= 0) {
                        usage("--system takes name=<agent jar>|<agent options>, not " + value);
                    }
                    extra.put(value.substring(0, eq), value.substring(eq + 1));
                }
                default -> usage("unknown option " + args[i]);
            }
        }
        if (app == null) {
            usage("--app is required");
        }
        if (!Files.isRegularFile(agent)) {
            usage("no agent jar " + agent + " (build it: mvn -B -q -DskipTests package)");
        }
        String java = ProcessHandle.current().info().command().orElseThrow();
        String main = "com.acme.apps." + app;
        String include = String.join(",", includes.stream().map(p -> "include=" + p).toList()) + ",report=off";
        Map<String, List<String>> systems = new LinkedHashMap<>();
        systems.put("plain", command(java, null, apps, main, appArgs));
        systems.put(REFERENCE, command(java, "-javaagent:" + agent + "=" + include + ",hubs=1", apps, main, appArgs));
        systems.put("greened default", command(java, "-javaagent:" + agent + "=" + include, apps, main, appArgs));
        for (Map.Entry<String, String> e : extra.entrySet()) {
            String[] jarAndOptions = e.getValue().split("\\|", 2);
            String options = include + (jarAndOptions.length > 1 && !jarAndOptions[1].isEmpty() ? "," + jarAndOptions[1] : "");
            systems.put(e.getKey(), command(java, "-javaagent:" + jarAndOptions[0] + "=" + options, apps, main, appArgs));
        }

        StringBuilder printout = new StringBuilder();
        print(printout, "hubs side by side (HubsHarness): " + app + " " + String.join(" ", appArgs));
        print(printout, "when: " + Instant.now() + "; load average before: " + loadAverage() + "; scheduling: " + autogroup());
        print(printout, "machine: " + Runtime.getRuntime().availableProcessors() + " cores, java "
                + System.getProperty("java.vm.version"));
        print(printout, "rounds: " + runs + ", each launching every system once in a shuffled order (seed " + seed + ")");
        systems.forEach((name, cmd) -> print(printout, "  " + name + ": " + String.join(" ", cmd)));
        Random order = new Random(seed);
        List<Launch> launches = new ArrayList<>();
        for (int round = 1; round <= runs; round++) {
            List<String> names = new ArrayList<>(systems.keySet());
            Collections.shuffle(names, order);
            for (String name : names) {
                Launch launch = launch(round, name, systems.get(name));
                launches.add(launch);
                print(printout, String.format(Locale.ROOT, "round %d %-20s elapsed %6d ms  cpu %6d ms  load %s", round, name,
                        launch.elapsedMs, launch.cpuMs, loadAverage()));
            }
        }
        print(printout, "load average after: " + loadAverage());
        print(printout, "");
        double reference = median(launches, REFERENCE);
        print(printout, String.format(Locale.ROOT, "%-20s %12s %12s %16s", "system", "median ms", "median cpu", "hubs=1 / system"));
        for (String name : systems.keySet()) {
            double m = median(launches, name);
            double cpu = launches.stream().filter(l -> l.system.equals(name)).mapToLong(Launch::cpuMs).sorted()
                    .skip((runs - 1) / 2).findFirst().orElse(-1);
            print(printout, String.format(Locale.ROOT, "%-20s %12.0f %12.0f %15.2fx", name, m, cpu, reference / m));
        }
        List<String> outputs = launches.stream().map(Launch::output).distinct().toList();
        print(printout, outputs.size() == 1 ? "every launch printed the same result: " + outputs.getFirst()
                : "launches printed different results: " + outputs);
        if (out != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, printout, StandardCharsets.UTF_8);
        }
    }

    private static List<String> command(String java, String agentOption, Path apps, String main, List<String> appArgs) {
        List<String> cmd = new ArrayList<>(List.of(java));
        if (agentOption != null) {
            cmd.add(agentOption);
        }
        cmd.addAll(List.of("-cp", apps.toString(), main));
        cmd.addAll(appArgs);
        return cmd;
    }

    private static Launch launch(int round, String name, List<String> command) throws IOException, InterruptedException {
        // stdout only: the JVM's warning about the agent's boot class path and stall reports go to stderr
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(name + " failed (exit " + p.exitValue() + "):\n" + output);
        }
        Matcher elapsed = ELAPSED.matcher(output);
        Matcher cpu = CPU.matcher(output);
        if (!elapsed.find()) {
            throw new IllegalStateException(name + " printed no '# elapsed-ms=':\n" + output);
        }
        String result = output.lines().filter(l -> !l.startsWith("#")).findFirst().orElse("");
        return new Launch(round, name, Long.parseLong(elapsed.group(1)), cpu.find() ? Long.parseLong(cpu.group(1)) : -1, result);
    }

    private static double median(List<Launch> launches, String system) {
        long[] ms = launches.stream().filter(l -> l.system.equals(system)).mapToLong(Launch::elapsedMs).sorted().toArray();
        return ms.length % 2 == 1 ? ms[ms.length / 2] : (ms[ms.length / 2 - 1] + ms[ms.length / 2]) / 2.0;
    }

    private static String loadAverage() {
        try {
            return String.join(" ", List.of(Files.readString(Path.of("/proc/loadavg")).trim().split(" ")).subList(0, 3));
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * This process's autogroup and its nice value ({@code /proc/self/autogroup}): with autogroups on, a nice value
     * weighs only against the processes of the same session, and each busy session gets an even share of the cores;
     * {@code benchmarks/session-nice.sh} gives a run a session of its own at nice -10.
     */
    private static String autogroup() {
        try {
            return "autogroup " + Files.readString(Path.of("/proc/self/autogroup")).trim() + ", autogroups "
                    + (Files.readString(Path.of("/proc/sys/kernel/sched_autogroup_enabled")).trim().equals("1") ? "on" : "off");
        } catch (IOException | RuntimeException e) {
            return "autogroup unknown";
        }
    }

    private static void print(StringBuilder printout, String line) {
        System.out.println(line);
        printout.append(line).append('\n');
    }

    private static void usage(String problem) {
        System.err.println("HubsHarness: " + problem);
        System.exit(2);
    }
}
