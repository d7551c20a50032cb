package io.greening.bench;

import io.greening.forked.ForkedJvm;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The agent's cost and completeness on real jars: every class of each jar group (Guava, Jetty, Netty, Spring core, the
 * Scala library, Hibernate core, the Kotlin stdlib, kotlinx-coroutines, Lucene core, Tomcat embed core, H2, Groovy,
 * OkHttp), fetched by Maven into {@code benchmarks/target/class-walk} ({@code mvn -B -f benchmarks/class-walk/pom.xml
 * package}), is loaded and linked in a JVM of its own, plain and with each given agent
 * ({@code -Dgreening.check=true -javaagent:<jar>=include=**,report=<file>}), side by side: each round runs every group under every
 * system in an order shuffled by a seeded PRNG.
 *
 * <p>Per group and system it prints: the classes walked and how many loaded and linked; the time of the walk and the
 * JVM's CPU time and peak RSS; for the greened runs the classes that load plain but not greened, the agent's report
 * (classes selected, with rewrites, failed, i.e. left ungreened, call sites, the agent's own median time per class with
 * nothing to rewrite and with rewrites, and {@code CheckClassAdapter}'s verdict over every transformed class), the
 * median of the per-class difference greened - plain, and every line the greened JVM wrote to stderr (none expected).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.greening.bench.ClassWalk [--jars benchmarks/target/class-walk]
 *     [--agent agent/target/greening.jar]... [--rounds 1] [--seed 1] [--groups guava,h2,...] [--out benchmarks/results/class-walk]
 * </pre>
 */
public final class ClassWalk {
    private static final String PLAIN = "plain";
    private static final Pattern CLASSES = Pattern.compile("classes: selected (\\d+), transformed (\\d+), failed (\\d+)");
    private static final Pattern TIMES = Pattern.compile("transform time: ([\\d.]+) ms for \\d+ classes; per class, median (\\S+)(?: ms)? "
            + "with nothing to rewrite \\((\\d+)\\), (\\S+)(?: ms)? with rewrites \\((\\d+)\\)");
    private static final Pattern SITES = Pattern.compile("call sites rewritten: (\\d+)");
    private static final Pattern CHECKED = Pattern.compile("checked: (\\d+) classes, (\\d+) with problems");
    private static final Pattern WALK = Pattern.compile("# classes=(\\d+) ok=(\\d+) walk-ms=([\\d.]+) cpu-ms=(\\d+) peak-rss-kb=(\\d+)");

    /** The jar groups: a name, and the file name prefixes of its jars in the class-walk directory. */
    static final Map<String, List<String>> GROUPS = new LinkedHashMap<>();

    static {
        GROUPS.put("guava", List.of("guava-"));
        GROUPS.put("jetty", List.of("jetty-"));
        GROUPS.put("netty", List.of("netty-"));
        GROUPS.put("spring-core", List.of("spring-core-"));
        GROUPS.put("scala-library", List.of("scala-library-"));
        GROUPS.put("hibernate-core", List.of("hibernate-core-"));
        GROUPS.put("kotlin-stdlib", List.of("kotlin-stdlib-"));
        GROUPS.put("kotlinx-coroutines", List.of("kotlinx-coroutines-core-jvm-"));
        GROUPS.put("lucene-core", List.of("lucene-core-"));
        GROUPS.put("tomcat-embed-core", List.of("tomcat-embed-core-"));
        GROUPS.put("h2", List.of("h2-"));
        GROUPS.put("groovy", List.of("groovy-"));
        GROUPS.put("okhttp", List.of("okhttp-", "okio-"));
    }

    /** One JVM's walk of one group. */
    record Run(int round, String group, String system, int classes, int ok, double walkMs, long cpuMs, long peakRssKb,
               Map<String, Long> micros, Map<String, String> status, String report, List<String> stderr) { }

    private ClassWalk() {}

    public static void main(String[] args) throws Exception {
        Path jars = Path.of("benchmarks/target/class-walk");
        List<Path> agents = new ArrayList<>();
        int rounds = 1;
        long seed = 1;
        List<String> groups = new ArrayList<>(GROUPS.keySet());
        Path out = null;
        for (String[] option : OptionPairs.of(args, ClassWalk::usage)) {
            String value = option[1];
            switch (option[0]) {
                case "--jars" -> jars = Path.of(value);
                case "--agent" -> agents.add(Path.of(value));
                case "--rounds" -> rounds = Integer.parseInt(value);
                case "--seed" -> seed = Long.parseLong(value);
                case "--groups" -> groups = List.of(value.split(","));
                case "--out" -> out = Path.of(value);
                default -> usage("unknown option " + option[0]);
            }
        }
        if (agents.isEmpty()) {
            agents.add(Path.of("agent/target/greening.jar"));
        }
        if (!Files.isDirectory(jars)) {
            usage("no " + jars + ": fetch the jars first with mvn -B -f benchmarks/class-walk/pom.xml package");
        }
        List<Path> allJars;
        try (Stream<Path> files = Files.list(jars)) {
            allJars = files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
        Map<String, List<String>> systems = new LinkedHashMap<>();
        systems.put(PLAIN, List.of());
        for (int i = 0; i < agents.size(); i++) {
            String name = agents.size() == 1 ? "greened" : "greened-" + (i + 1);
            systems.put(name, List.of(agents.get(i).toAbsolutePath().toString()));
        }
        Printout printout = new Printout();
        printout.print("ClassWalk, " + now() + ", load average before: " + Printout.loadAverage() + ", "
                + Runtime.getRuntime().availableProcessors() + " cores, java " + System.getProperty("java.version"));
        for (int i = 0; i < agents.size(); i++) {
            printout.print("agent " + (agents.size() == 1 ? "greened" : "greened-" + (i + 1)) + ": " + agents.get(i)
                    + ", " + Files.size(agents.get(i)) + " bytes");
        }
        printout.print("jars: " + jars + " (" + allJars.size() + " jars, all on the walk's class path)");

        Random order = new Random(seed);
        List<Run> runs = new ArrayList<>();
        Path work = Files.createTempDirectory("class-walk");
        try {
            for (int round = 1; round <= rounds; round++) {
                for (String group : groups) {
                    List<Path> groupJars = allJars.stream().filter(p -> GROUPS.get(group).stream()
                            .anyMatch(prefix -> p.getFileName().toString().startsWith(prefix))).toList();
                    if (groupJars.isEmpty()) {
                        usage("no jar of group " + group + " in " + jars);
                    }
                    List<String> names = new ArrayList<>(systems.keySet());
                    Collections.shuffle(names, order);
                    for (String system : names) {
                        runs.add(walk(round, group, system, systems.get(system), allJars, groupJars, work));
                        Run last = runs.getLast();
                        printout.print(String.format(Locale.ROOT, "round %d %s %s: %d classes, %d ok, walk %.0f ms, CPU %d ms",
                                round, group, system, last.classes(), last.ok(), last.walkMs(), last.cpuMs()));
                    }
                }
            }
        } finally {
            try (Stream<Path> left = Files.list(work)) {
                for (Path p : left.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(work);
        }
        printout.print("load average after: " + Printout.loadAverage());
        printout.print("");
        summarize(printout, groups, systems.keySet(), runs);
        if (out != null) {
            Path text = out.resolveSibling(out.getFileName() + ".txt");
            Files.createDirectories(text.toAbsolutePath().getParent());
            Files.writeString(text, printout.text(), StandardCharsets.UTF_8);
            System.out.println("wrote " + text);
        }
    }

    private static String now() {
        return java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    private static Run walk(int round, String group, String system, List<String> agent, List<Path> allJars,
                            List<Path> groupJars, Path work) throws Exception {
        Path tsv = work.resolve(group + "-" + system + "-" + round + ".tsv");
        Path report = work.resolve(group + "-" + system + "-" + round + ".report");
        List<String> options = new ArrayList<>();
        if (!agent.isEmpty()) {
            // check as a property, the one spelling that older builds (e.g. the baseline) accept too
            options.add("-Dgreening.check=true");
            options.add("-javaagent:" + agent.getFirst() + "=include=**,report=" + report);
        }
        ForkedJvm.Result r = ForkedJvm.thisJava(options, Walk.class, tsv.toString(), join(allJars), join(groupJars))
                .sampleEvery(null).run(Duration.ofMinutes(30));
        if (r.exitCode() != 0) {
            throw new IllegalStateException("the walk failed: " + r.describe());
        }
        Matcher m = r.output().stream().map(WALK::matcher).filter(Matcher::matches).findFirst()
                .orElseThrow(() -> new IllegalStateException("no summary line: " + r.describe()));
        Map<String, Long> micros = new HashMap<>();
        Map<String, String> status = new HashMap<>();
        for (String line : Files.readAllLines(tsv)) {
            String[] fields = line.split("\t", 3);
            micros.put(fields[0], Long.parseLong(fields[1]));
            status.put(fields[0], fields[2]);
        }
        String reportText = Files.isRegularFile(report) ? Files.readString(report) : "";
        List<String> stderr = r.errors().lines().filter(l -> !l.isBlank()).toList();
        return new Run(round, group, system, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Double.parseDouble(m.group(3)), Long.parseLong(m.group(4)), Long.parseLong(m.group(5)), micros, status,
                reportText, stderr);
    }

    private static void summarize(Printout printout, List<String> groups, Iterable<String> systems, List<Run> runs) {
        printout.print("| group | system | classes (loaded+linked plain) | walk ms | CPU ms | peak RSS MB | load plain, not greened | selected | with rewrites | call sites | failed (left ungreened) | checked / with problems | agent median per class: nothing to rewrite / with rewrites | agent total ms | greened - plain per class, median | added walk ms per class | stderr lines |");
        printout.print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        List<String> details = new ArrayList<>();
        for (String group : groups) {
            for (String system : systems) {
                for (Run run : runs.stream().filter(r -> r.group().equals(group) && r.system().equals(system)).toList()) {
                    Run plain = runs.stream().filter(r -> r.group().equals(group) && r.system().equals(PLAIN)
                            && r.round() == run.round()).findFirst().orElseThrow();
                    String row;
                    if (system.equals(PLAIN)) {
                        row = String.format(Locale.ROOT, "| %s | %s | %d (%d) | %.0f | %d | %.0f |  |  |  |  |  |  |  |  |  |  | %d |",
                                group, system, run.classes(), run.ok(), run.walkMs(), run.cpuMs(), run.peakRssKb() / 1024.0,
                                run.stderr().size());
                    } else {
                        List<String> notGreened = plain.status().entrySet().stream()
                                .filter(e -> e.getValue().equals("ok") && !"ok".equals(run.status().get(e.getKey())))
                                .map(e -> e.getKey() + ": " + run.status().get(e.getKey())).sorted().toList();
                        long[] diffs = plain.status().entrySet().stream()
                                .filter(e -> e.getValue().equals("ok") && "ok".equals(run.status().get(e.getKey())))
                                .mapToLong(e -> run.micros().get(e.getKey()) - plain.micros().get(e.getKey())).sorted().toArray();
                        Matcher classes = find(CLASSES, run.report());
                        Matcher times = find(TIMES, run.report());
                        Matcher sites = find(SITES, run.report());
                        Matcher checked = find(CHECKED, run.report());
                        row = String.format(Locale.ROOT, "| %s | %s | %d (%d) | %.0f | %d | %.0f | %d | %s | %s | %s | %s | %s | %s / %s | %s | %s | %.3f | %d |",
                                group, system, run.classes(), run.ok(), run.walkMs(), run.cpuMs(), run.peakRssKb() / 1024.0,
                                notGreened.size(), group(classes, 1), group(classes, 2), group(sites, 1), group(classes, 3),
                                group(checked, 1) + " / " + group(checked, 2), group(times, 2), group(times, 4),
                                group(times, 1), diffs.length == 0 ? "-" : String.format(Locale.ROOT, "%.3f ms", median(diffs) / 1e3),
                                (run.walkMs() - plain.walkMs()) / Math.max(1, run.classes()), run.stderr().size());
                        notGreened.forEach(line -> details.add(group + " " + system + ": loads plain, not greened: " + line));
                        run.report().lines().filter(l -> l.startsWith("  failed: ") || l.startsWith("  check failed: "))
                                .forEach(line -> details.add(group + " " + system + ":" + line.substring(1)));
                        run.stderr().stream().distinct().limit(20).forEach(line -> details.add(group + " " + system + " stderr: " + line));
                    }
                    printout.print(row);
                }
            }
        }
        printout.print("");
        details.forEach(printout::print);
    }

    private static Matcher find(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? m : null;
    }

    private static String group(Matcher m, int group) {
        return m == null ? "?" : m.group(group);
    }

    private static double median(long[] sorted) {
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
    }

    private static String join(List<Path> paths) {
        return String.join(java.io.File.pathSeparator, paths.stream().map(Path::toString).toList());
    }


    private static void usage(String problem) {
        System.err.println("ClassWalk: " + problem);
        System.err.println("usage: ClassWalk [--jars benchmarks/target/class-walk] [--agent <greening.jar>]... [--rounds 1]"
                + " [--seed 1] [--groups " + String.join(",", GROUPS.keySet()) + "] [--out <file prefix>]");
        System.exit(2);
    }

    /**
     * The walk in its own JVM: loads (without initialising) and links every class of the group's jars through one
     * class loader over all the jars (a child of the platform loader, so nothing of the benchmarks jar is seen), and
     * writes one line per class: name, microseconds for load and link, and {@code ok} or what failed
     * ({@code load <Throwable>} or {@code link <Throwable>}). Linking is forced by asking for the declared fields, which
     * links (and so verifies) the class first. {@code module-info} and multi-release variants are not walked.
     */
    public static final class Walk {
        private Walk() {}

        public static void main(String[] args) throws Exception {
            Path tsv = Path.of(args[0]);
            List<URL> all = new ArrayList<>();
            for (String jar : args[1].split(java.io.File.pathSeparator)) {
                all.add(Path.of(jar).toUri().toURL());
            }
            List<String> names = new ArrayList<>();
            for (String jar : args[2].split(java.io.File.pathSeparator)) {
                try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar)) {
                    file.stream().map(java.util.jar.JarEntry::getName)
                            .filter(n -> n.endsWith(".class") && !n.startsWith("META-INF/") && !n.endsWith("module-info.class"))
                            .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
                            .forEach(names::add);
                }
            }
            ClassLoader loader = new URLClassLoader("class-walk", all.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
            StringBuilder lines = new StringBuilder();
            int ok = 0;
            long total = 0;
            for (String name : names) {
                long began = System.nanoTime();
                String status = loadAndLink(name, loader);
                long nanos = System.nanoTime() - began;
                total += nanos;
                if (status.equals("ok")) {
                    ok++;
                }
                lines.append(name).append('\t').append(nanos / 1_000).append('\t').append(status).append('\n');
            }
            Files.writeString(tsv, lines, StandardCharsets.UTF_8);
            long cpuMs = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime() / 1_000_000;
            System.out.printf(Locale.ROOT, "# classes=%d ok=%d walk-ms=%.1f cpu-ms=%d peak-rss-kb=%d%n", names.size(), ok,
                    total / 1e6, cpuMs, peakRssKb());
        }

        private static String loadAndLink(String name, ClassLoader loader) {
            Class<?> type;
            try {
                type = Class.forName(name, false, loader);
            } catch (Throwable t) {
                return "load " + describe(t);
            }
            try {
                type.getDeclaredFields();
            } catch (Throwable t) {
                return "link " + describe(t);
            }
            return "ok";
        }

        private static String describe(Throwable t) {
            String message = t.getMessage() == null ? "" : ": " + t.getMessage();
            return (t.getClass().getName() + message).replaceAll("\\s+", " ");
        }

        private static long peakRssKb() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("VmHWM:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                return -1;
            }
            return -1;
        }
    }
}
