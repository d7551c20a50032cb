package io.greening.itests;

import io.greening.forked.ForkedJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The demo: the unmodified thread-per-connection echo app ({@code com.acme.apps.EchoApp}) run plain and greened
 * for each connection count, server and clients in two JVMs (each side holds one socket per connection, and
 * 10,000 connections in one process would need more than the usual 20,000 file descriptors), side by side:
 * wall time, peak OS threads, peak RSS, whether the outputs match; then what the agent rewrote. Run by
 * {@code ./demo} (which then measures the agent's start-up with {@code io.greening.bench.StartupHarness}); prints to
 * stdout.
 *
 * <pre>Demo --agent &lt;greening.jar&gt; --classes &lt;app classes&gt; [--connections 1000,10000] [--messages 10]</pre>
 */
public final class Demo {
    private static final String ECHO = "com.acme.apps.EchoApp";
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);
    /** The echo app's line with the time its main took, JVM and agent start-up excluded. */
    private static final String MAIN_MILLIS = "# main-ms=";

    private final Path java = ForkedJvm.currentJava();
    private final Path agent;
    private final Path classes;
    private final Path work;

    private Demo(Path agent, Path classes, Path work) {
        this.agent = agent;
        this.classes = classes;
        this.work = work;
    }

    /** One echo run: the server's and the clients' JVM. */
    private record EchoRun(ForkedJvm.Result server, ForkedJvm.Result clients, Duration wall) {
        List<String> comparableOutput() {
            List<String> lines = new ArrayList<>(server.comparableOutput());
            lines.addAll(clients.comparableOutput());
            return lines;
        }

        boolean succeeded() {
            return server.exitCode() == 0 && clients.exitCode() == 0
                    && clients.output().stream().anyMatch(line -> line.contains("mismatches=0 failures=0"))
                    && server.output().stream().anyMatch(line -> line.startsWith("server:")
                    && line.endsWith(" failures=0"));
        }
    }

    public static void main(String[] args) throws Exception {
        Path agent = null;
        Path classes = null;
        List<Integer> connectionCounts = List.of(1_000, 10_000);
        int messages = 10;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--agent" -> agent = Path.of(args[i + 1]);
                case "--classes" -> classes = Path.of(args[i + 1]);
                case "--connections" -> connectionCounts = List.of(args[i + 1].split(",")).stream()
                        .map(count -> Integer.parseInt(count.replace("_", ""))).toList();
                case "--messages" -> messages = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (agent == null || classes == null || args.length % 2 != 0) {
            System.err.println("usage: Demo --agent <greening.jar> --classes <app classes>"
                    + " [--connections 1000,10000] [--messages 10]");
            System.exit(2);
        }
        Path work = Files.createTempDirectory("greening-demo");
        boolean succeeded;
        try {
            succeeded = new Demo(agent, classes, work).run(connectionCounts, messages);
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
        if (!succeeded) {
            System.exit(1);
        }
    }

    /** Runs and prints everything; false if a run failed (its details are printed). */
    private boolean run(List<Integer> connectionCounts, int messages) throws Exception {
        System.out.println("greening demo: the unmodified echo app " + ECHO + ", a thread-per-connection server");
        System.out.println("and one client thread per connection (two JVMs), " + messages
                + " messages per connection, plain vs greened by");
        System.out.println("  " + AgentReport.agentOption(agent, Path.of("<file>")));
        System.out.println("java: " + java);
        System.out.println();

        List<EchoRun[]> runs = new ArrayList<>();
        Path firstReport = null;
        for (int connections : connectionCounts) {
            System.out.printf(Locale.ROOT, "running %,d connections plain...%n", connections);
            EchoRun plain = echo(connections, messages, null);
            System.out.printf(Locale.ROOT, "running %,d connections greened...%n", connections);
            Path report = work.resolve("report-" + connections + ".txt");
            EchoRun greened = echo(connections, messages, report);
            if (firstReport == null) {
                firstReport = report;
            }
            runs.add(new EchoRun[] {plain, greened});
        }
        System.out.println();
        printTable(connectionCounts, runs);


        System.out.println();
        System.out.println("what the agent rewrote in the echo app (its exit report, server JVM):");
        if (firstReport != null && Files.isRegularFile(firstReport)) {
            AgentReport report = AgentReport.read(firstReport);
            Map<String, Long> byKind = report.rewritesByKind();
            if (!byKind.isEmpty()) {
                System.out.println("  call sites by kind: " + byKind);
            }
            report.text().lines().forEach(line -> System.out.println("  | " + line));
        } else {
            System.out.println("  (no report written to " + firstReport + ")");
        }
        boolean allSucceeded = runs.stream().allMatch(pair -> pair[0].succeeded() && pair[1].succeeded());
        if (!allSucceeded) {
            for (EchoRun[] pair : runs) {
                for (EchoRun run : pair) {
                    if (!run.succeeded()) {
                        System.out.println("\nFAILED: " + String.join(" ", run.clients().command().subList(
                                run.clients().command().size() - 4, run.clients().command().size())));
                        System.out.println("  server exit " + run.server().exitCode() + ": "
                                + lastLines(run.server().errors()));
                        System.out.println("  clients exit " + run.clients().exitCode() + ": "
                                + lastLines(run.clients().errors()));
                    }
                }
            }
        }
        return allSucceeded;
    }

    /** Runs the echo server, then its clients, plain or (with a report file) greened. */
    private EchoRun echo(int connections, int messages, Path report) throws Exception {
        List<String> options = report == null ? List.of() : List.of(AgentReport.agentOption(agent, report));
        List<String> clientOptions = report == null ? List.of()
                : List.of(AgentReport.agentOption(agent, work.resolve("clients-" + report.getFileName())));
        long began = System.nanoTime();
        ForkedJvm server = ForkedJvm.start(java, options, classes, ECHO,
                List.of("server", Integer.toString(connections)));
        String port = server.awaitLine("# port=", Duration.ofMinutes(1));
        long clientsBegan = System.nanoTime();
        ForkedJvm clients = ForkedJvm.start(java, clientOptions, classes, ECHO,
                List.of("client", port, Integer.toString(connections), Integer.toString(messages)));
        CompletableFuture<Integer> serverExit = server.exit();
        CompletableFuture<Integer> clientsExit = clients.exit();
        try {
            CompletableFuture.anyOf(serverExit, clientsExit).get(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            server.kill();
            clients.kill();
        }
        // One side failing (e.g. no more threads) leaves the other waiting for ever.
        if (failed(serverExit) || failed(clientsExit)) {
            server.kill();
            clients.kill();
        }
        ForkedJvm.Result clientsResult = clients.await(RUN_TIMEOUT);
        ForkedJvm.Result serverResult = server.await(RUN_TIMEOUT);
        Duration wall = Duration.ofNanos(Math.max(serverResult.wall().toNanos(),
                clientsBegan - began + clientsResult.wall().toNanos()));
        return new EchoRun(serverResult, clientsResult, wall);
    }

    private static String lastLines(String text) {
        List<String> lines = text.lines().filter(line -> !line.isBlank()).toList();
        return String.join("\n    ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    }

    private static boolean failed(CompletableFuture<Integer> exit) {
        return exit.isDone() && exit.join() != 0;
    }

    private static void printTable(List<Integer> connectionCounts, List<EchoRun[]> runs) {
        String rowFormat = "%-26s" + "%13s%13s".repeat(connectionCounts.size()) + "%n";
        StringBuilder header = new StringBuilder(" ".repeat(26));
        List<Object> subHeader = new ArrayList<>(List.of(""));
        for (int connections : connectionCounts) {
            String title = String.format(Locale.ROOT, "%,d connections", connections);
            int pad = 26 - title.length();
            header.append(" ".repeat(pad - pad / 2)).append(title).append(" ".repeat(pad / 2));
            subHeader.add("plain");
            subHeader.add("greened");
        }
        System.out.println(header.toString().stripTrailing());
        System.out.printf(Locale.ROOT, rowFormat, subHeader.toArray());
        row(rowFormat, "wall time", runs, run -> run.succeeded()
                ? String.format(Locale.ROOT, "%.2f s", run.wall().toMillis() / 1000.0) : "FAILED");
        row(rowFormat, "clients' main() time", runs, run -> run.clients().output().stream()
                .filter(line -> line.startsWith(MAIN_MILLIS)).findFirst()
                .map(line -> String.format(Locale.ROOT, "%.2f s",
                        Long.parseLong(line.substring(MAIN_MILLIS.length())) / 1000.0))
                .orElse("?"));
        row(rowFormat, "CPU time, server+clients", runs, run -> run.server().cpu() == null || run.clients().cpu() == null
                ? "?" : String.format(Locale.ROOT, "%.2f s", run.server().cpu().plus(run.clients().cpu()).toMillis() / 1000.0));
        row(rowFormat, "peak OS threads, server", runs,
                run -> String.format(Locale.ROOT, "%,d", run.server().peakOsThreads()));
        row(rowFormat, "peak OS threads, clients", runs,
                run -> String.format(Locale.ROOT, "%,d", run.clients().peakOsThreads()));
        row(rowFormat, "peak RSS, server", runs, run -> megabytes(run.server().peakRssKb()));
        row(rowFormat, "peak RSS, clients", runs, run -> megabytes(run.clients().peakRssKb()));
        row(rowFormat, "echoes all correct", runs, run -> run.succeeded() ? "yes" : "NO");
        List<Object> same = new ArrayList<>(List.of("output same as plain"));
        for (EchoRun[] pair : runs) {
            same.add("");
            same.add(pair[0].comparableOutput().equals(pair[1].comparableOutput()) ? "yes" : "NO");
        }
        System.out.printf(Locale.ROOT, rowFormat, same.toArray());
    }

    private static void row(String format, String label, List<EchoRun[]> runs,
                            java.util.function.Function<EchoRun, String> cell) {
        List<Object> cells = new ArrayList<>(List.of(label));
        for (EchoRun[] pair : runs) {
            cells.add(cell.apply(pair[0]));
            cells.add(cell.apply(pair[1]));
        }
        System.out.printf(Locale.ROOT, format, cells.toArray());
    }

    private static String megabytes(long kilobytes) {
        return String.format(Locale.ROOT, "%,d MB", Math.round(kilobytes / 1024.0));
    }
}
