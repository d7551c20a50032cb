package io.greening.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * What the agent adds to start-up: a trivial {@code main} ({@code com.acme.apps.Hello}, which prints one line)
 * launched plain and with each given {@code greening.jar} ({@code -javaagent:<jar>=include=com.acme.**,report=off}),
 * interleaved: each round launches every system once, in an order shuffled by a seeded PRNG, for {@code --runs}
 * rounds. Each launch is measured from {@code posix_spawn} to {@code wait4}: wall time, CPU time (user + system of
 * the child, from {@code wait4}'s {@code rusage}) and peak RSS ({@code ru_maxrss}). Prints, per system, the medians
 * and their difference to plain, the distinct lines each system wrote to stderr (JVM warnings), and the machine's
 * load average before and after; with {@code --out <prefix>} also writes {@code <prefix>.csv} (every launch) and
 * {@code <prefix>.txt} (the printout).
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar io.greening.bench.StartupHarness
 *     [--runs 10] [--seed 1] [--agent agent/target/greening.jar]... [--agent-options include=com.acme.**,report=off]
 *     [--apps integration-tests/target/classes] [--out benchmarks/results/startup]
 * </pre>
 * Several {@code --agent} options compare several builds side by side (e.g. {@code --agent /work/baseline/greening.jar
 * --agent agent/target/greening.jar}). Linux only ({@code posix_spawn}, {@code wait4}).
 */
public final class StartupHarness {
    private static final String TRIVIAL_MAIN = "com.acme.apps.Hello";
    private static final String PLAIN = "plain";

    /** One launch's figures. */
    record Launch(int round, int position, String system, double wallMs, double userMs, double systemMs, long maxRssKb) {
        double cpuMs() {
            return userMs + systemMs;
        }
    }

    private StartupHarness() {}

    public static void main(String[] args) throws Throwable {
        int runs = 10;
        long seed = 1;
        List<Path> agents = new ArrayList<>();
        String agentOptions = "include=com.acme.**,report=off";
        Path apps = Path.of("integration-tests/target/classes");
        Path out = null;
        for (String[] option : OptionPairs.of(args, StartupHarness::usage)) {
            String value = option[1];
            switch (option[0]) {
                case "--runs" -> runs = positive(value);
                case "--seed" -> seed = Long.parseLong(value);
                case "--agent" -> agents.add(Path.of(value));
                case "--agent-options" -> agentOptions = value;
                case "--apps" -> apps = Path.of(value);
                case "--out" -> out = Path.of(value);
                default -> usage("unknown option " + option[0]);
            }
        }
        if (agents.isEmpty()) {
            agents.add(Path.of("agent/target/greening.jar"));
        }
        for (Path agent : agents) {
            if (!Files.isRegularFile(agent)) {
                usage("no agent jar " + agent + " (build it: mvn -B -q -DskipTests package)");
            }
        }
        if (!Files.isRegularFile(apps.resolve(TRIVIAL_MAIN.replace('.', '/') + ".class"))) {
            usage("no " + TRIVIAL_MAIN + " under " + apps + " (build it: mvn -B -q -DskipTests package)");
        }

        String java = ProcessHandle.current().info().command().orElseThrow();
        Map<String, List<String>> systems = new LinkedHashMap<>();
        systems.put(PLAIN, List.of(java, "-cp", apps.toString(), TRIVIAL_MAIN));
        for (Path agent : agents) {
            String name = agents.size() == 1 ? "greened" : "greened " + agent;
            systems.put(name, List.of(java, "-javaagent:" + agent + "=" + agentOptions, "-cp", apps.toString(), TRIVIAL_MAIN));
        }

        Printout printout = new Printout();
        printout.print("start-up of a trivial main, plain and greened, interleaved (StartupHarness)");
        printout.print("when: " + Instant.now() + "; load average before: " + Printout.loadAverage());
        printout.print("machine: " + Runtime.getRuntime().availableProcessors() + " cores, "
                + memTotal() + " (transparent huge pages: " + transparentHugePages() + "), " + System.getProperty("os.name") + " " + System.getProperty("os.version")
                + ", java " + System.getProperty("java.vm.version") + " (" + java + ")");
        printout.print("harness: " + ProcessHandle.current().info().commandLine().orElse("(command line unknown)"));
        for (Path agent : agents) {
            printout.print("agent: " + agent + ", " + Files.size(agent) + " bytes, sha-256 " + sha256(agent).substring(0, 16));
        }
        printout.print("rounds: " + runs + ", each launching every system once in a shuffled order (seed " + seed + ")");
        systems.forEach((name, command) -> printout.print("  " + name + ": " + String.join(" ", command)));

        Random order = new Random(seed);
        List<Launch> launches = new ArrayList<>();
        Map<String, Set<String>> stderrLines = new LinkedHashMap<>();
        Path stderr = Files.createTempFile("startup-stderr", ".txt");
        try {
            for (int round = 1; round <= runs; round++) {
                List<String> names = new ArrayList<>(systems.keySet());
                Collections.shuffle(names, order);
                for (int position = 0; position < names.size(); position++) {
                    String name = names.get(position);
                    launches.add(Spawn.measure(systems.get(name), stderr, round, position + 1, name));
                    stderrLines.computeIfAbsent(name, k -> new LinkedHashSet<>())
                            .addAll(Files.readAllLines(stderr, StandardCharsets.UTF_8));
                }
                printout.print("round " + round + ": " + String.join(", ", names));
            }
        } finally {
            Files.deleteIfExists(stderr);
        }
        printout.print("load average after: " + Printout.loadAverage());
        printout.print("");
        summarize(printout, systems.keySet(), launches);
        stderrLines.forEach((name, lines) -> printout.print("stderr of " + name + ": "
                + (lines.isEmpty() ? "(nothing)" : String.join(" | ", lines))));

        if (out != null) {
            List<String> rows = launches.stream().map(l -> String.format(Locale.ROOT, "%d,%d,%s,%.1f,%.1f,%.1f,%.1f,%d",
                    l.round(), l.position(), l.system(), l.wallMs(), l.cpuMs(), l.userMs(), l.systemMs(), l.maxRssKb())).toList();
            Path csv = Harness.writeCsv(out.toAbsolutePath().getParent(), out.getFileName() + ".csv",
                    "round,position,system,wall_ms,cpu_ms,user_ms,sys_ms,max_rss_kb", rows);
            Path text = out.resolveSibling(out.getFileName() + ".txt");
            Files.writeString(text, printout.text(), StandardCharsets.UTF_8);
            System.out.println("wrote " + csv + " and " + text);
        }
    }

    /** The medians per system and their difference to plain, as a Markdown table. */
    private static void summarize(Printout printout, Iterable<String> systems, List<Launch> launches) {
        printout.print("| system | launches | wall, median (min-max) | CPU user+sys, median (min-max) | peak RSS, median (min-max) | added wall | added CPU | added RSS |");
        printout.print("|---|---:|---:|---:|---:|---:|---:|---:|");
        double[] plain = null;
        for (String system : systems) {
            List<Launch> mine = launches.stream().filter(l -> l.system().equals(system)).toList();
            double[] wall = sorted(mine.stream().mapToDouble(Launch::wallMs).toArray());
            double[] cpu = sorted(mine.stream().mapToDouble(Launch::cpuMs).toArray());
            double[] rss = sorted(mine.stream().mapToDouble(l -> l.maxRssKb() / 1024.0).toArray());
            double[] medians = {median(wall), median(cpu), median(rss)};
            if (system.equals(PLAIN)) {
                plain = medians;
            }
            double[] base = plain;
            printout.print(String.format(Locale.ROOT, "| %s | %d | %.0f ms (%.0f-%.0f) | %.0f ms (%.0f-%.0f) | %.1f MB (%.1f-%.1f) | %s | %s | %s |",
                    system, mine.size(), medians[0], wall[0], wall[wall.length - 1], medians[1], cpu[0], cpu[cpu.length - 1],
                    medians[2], rss[0], rss[rss.length - 1],
                    base == null || system.equals(PLAIN) ? "" : String.format(Locale.ROOT, "%+.0f ms", medians[0] - base[0]),
                    base == null || system.equals(PLAIN) ? "" : String.format(Locale.ROOT, "%+.0f ms", medians[1] - base[1]),
                    base == null || system.equals(PLAIN) ? "" : String.format(Locale.ROOT, "%+.1f MB", medians[2] - base[2])));
        }
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double[] sorted(double[] values) {
        Arrays.sort(values);
        return values;
    }

    private static double median(double[] sorted) {
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }


    /** The kernel's transparent huge page mode (the bracketed word), which bears on RSS figures. */
    private static String transparentHugePages() {
        try {
            String modes = Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"));
            int open = modes.indexOf('[');
            return open < 0 ? modes.strip() : modes.substring(open + 1, modes.indexOf(']', open));
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Math.round(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0) + " GiB";
                }
            }
        } catch (IOException | NumberFormatException e) {
            return "memory unknown";
        }
        return "memory unknown";
    }

    private static int positive(String value) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        usage("--runs takes a positive number, not " + value);
        return 0;
    }

    private static void usage(String problem) {
        System.err.println("StartupHarness: " + problem);
        System.err.println("usage: StartupHarness [--runs 10] [--seed 1] [--agent <greening.jar>]... [--agent-options <options>]"
                + " [--apps <dir with com/acme/apps/Hello.class>] [--out <file prefix>]");
        System.exit(2);
    }

    /**
     * A child process started with {@code posix_spawn} and waited for with {@code wait4}, which gives its own
     * {@code rusage}: CPU time and peak RSS of exactly that child. (The JDK's {@code Process} gives neither once the
     * child has exited.)
     */
    private static final class Spawn {
        private static final Linker LINKER = Linker.nativeLinker();
        private static final SymbolLookup LIBC = LINKER.defaultLookup();
        private static final StructLayout ERRNO = Linker.Option.captureStateLayout();
        private static final MethodHandle POSIX_SPAWN = function("posix_spawn", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                ValueLayout.ADDRESS));
        private static final MethodHandle ACTIONS_INIT = function("posix_spawn_file_actions_init",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        private static final MethodHandle ACTIONS_ADD_OPEN = function("posix_spawn_file_actions_addopen",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        private static final MethodHandle ACTIONS_DESTROY = function("posix_spawn_file_actions_destroy",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        private static final MethodHandle WAIT4 = LINKER.downcallHandle(LIBC.find("wait4").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS), Linker.Option.captureCallState("errno"));
        private static final int O_WRONLY = 01, O_CREAT = 0100, O_TRUNC = 01000, EINTR = 4;
        /** struct rusage on 64-bit Linux: ru_utime and ru_stime (timeval: seconds, microseconds), then ru_maxrss in kB. */
        private static final int RUSAGE_BYTES = 144, UTIME = 0, STIME = 16, MAXRSS = 32;

        private static MethodHandle function(String name, FunctionDescriptor descriptor) {
            return LINKER.downcallHandle(LIBC.find(name).orElseThrow(
                    () -> new IllegalStateException("no " + name + " in the C library: StartupHarness needs Linux")), descriptor);
        }

        /** Runs {@code command} (stdout to /dev/null, stderr to {@code stderr}) to its end and measures it. */
        static Launch measure(List<String> command, Path stderr, int round, int position, String system) throws Throwable {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment argv = arena.allocate(ValueLayout.ADDRESS, command.size() + 1);
                for (int i = 0; i < command.size(); i++) {
                    argv.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(command.get(i)));
                }
                argv.setAtIndex(ValueLayout.ADDRESS, command.size(), MemorySegment.NULL);
                MemorySegment environ = LIBC.find("environ").orElseThrow().reinterpret(ValueLayout.ADDRESS.byteSize())
                        .get(ValueLayout.ADDRESS, 0);
                MemorySegment actions = arena.allocate(256);   // posix_spawn_file_actions_t: 80 bytes in glibc
                check((int) ACTIONS_INIT.invokeExact(actions), "posix_spawn_file_actions_init");
                check((int) ACTIONS_ADD_OPEN.invokeExact(actions, 1, arena.allocateFrom("/dev/null"), O_WRONLY, 0),
                        "posix_spawn_file_actions_addopen");
                check((int) ACTIONS_ADD_OPEN.invokeExact(actions, 2, arena.allocateFrom(stderr.toString()),
                        O_WRONLY | O_CREAT | O_TRUNC, 0644), "posix_spawn_file_actions_addopen");
                MemorySegment pid = arena.allocate(ValueLayout.JAVA_INT);
                long start = System.nanoTime();
                check((int) POSIX_SPAWN.invokeExact(pid, argv.getAtIndex(ValueLayout.ADDRESS, 0), actions,
                        MemorySegment.NULL, argv, environ), "posix_spawn " + command.getFirst());
                MemorySegment status = arena.allocate(ValueLayout.JAVA_INT);
                MemorySegment usage = arena.allocate(RUSAGE_BYTES);
                MemorySegment errno = arena.allocate(ERRNO);
                int child = pid.get(ValueLayout.JAVA_INT, 0);
                int waited;
                do {
                    waited = (int) WAIT4.invokeExact(errno, child, status, 0, usage);
                } while (waited == -1 && (int) ERRNO.varHandle(StructLayout.PathElement.groupElement("errno"))
                        .get(errno, 0L) == EINTR);
                long end = System.nanoTime();
                check((int) ACTIONS_DESTROY.invokeExact(actions), "posix_spawn_file_actions_destroy");
                if (waited != child) {
                    throw new IllegalStateException("wait4 failed for " + command);
                }
                int code = status.get(ValueLayout.JAVA_INT, 0);
                if ((code & 0x7f) != 0 || ((code >> 8) & 0xff) != 0) {
                    throw new IllegalStateException("the child failed (wait status " + code + "): " + String.join(" ", command)
                            + "\n" + Files.readString(stderr));
                }
                return new Launch(round, position, system, (end - start) / 1e6, millis(usage, UTIME), millis(usage, STIME),
                        usage.get(ValueLayout.JAVA_LONG, MAXRSS));
            }
        }

        private static double millis(MemorySegment usage, long timeval) {
            return usage.get(ValueLayout.JAVA_LONG, timeval) * 1e3 + usage.get(ValueLayout.JAVA_LONG, timeval + 8) / 1e3;
        }

        private static void check(int result, String what) {
            if (result != 0) {
                throw new IllegalStateException(what + " failed: " + result);
            }
        }
    }
}
