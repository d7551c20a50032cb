package io.greening.itests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An app's main class running in a JVM of its own, watched from outside: its output, its wall time, and its
 * peak OS thread count and peak resident set size sampled from {@code /proc/<pid>/status}.
 *
 * <p>The apps print a last line {@code # peak-threads=T peak-rss-kb=R ...} (the JVM's own peak platform thread
 * count, VmHWM and CPU time at exit); the figures reported are the larger of that and the samples, so a short-lived
 * peak between two samples is still counted. Lines starting with {@code #} are not part of the comparable
 * output.
 */
public final class ForkedApp {
    private static final Duration SAMPLE_INTERVAL = Duration.ofMillis(2);
    private static final Pattern PEAK_LINE = Pattern.compile("# peak-threads=(\\d+) peak-rss-kb=(-?\\d+).*");
    private static final Pattern CPU = Pattern.compile(" cpu-ms=(\\d+)");

    /**
     * How a forked app ended and what it used.
     *
     * @param cpu the CPU time (all threads, user and system) the app reported at its end, or null if it did not
     */
    public record Result(List<String> command, int exitCode, List<String> output, String errors, Duration wall,
                         int peakOsThreads, long peakRssKb, Duration cpu) {
        /** The output without the lines starting with {@code #} (peaks, ports): what must match across runs. */
        public List<String> comparableOutput() {
            return output.stream().filter(line -> !line.startsWith("#")).toList();
        }

        /** A description for assertion messages. */
        public String describe() {
            return "command: " + String.join(" ", command) + "\nexit code: " + exitCode + "\nstdout:\n"
                    + String.join("\n", output) + "\nstderr:\n" + errors;
        }
    }

    private final List<String> command;
    private final Process process;
    private final long startNanos;
    private final List<String> output = new ArrayList<>();
    private final StringBuilder errors = new StringBuilder();
    private final Thread outReader;
    private final Thread errReader;
    private final Thread sampler;
    private final CompletableFuture<Long> endNanos;
    private int sampledThreads;
    private long sampledRssKb;

    private ForkedApp(List<String> command) throws IOException {
        this.command = List.copyOf(command);
        this.startNanos = System.nanoTime();
        this.process = new ProcessBuilder(command).start();
        this.endNanos = process.onExit().thenApply(ended -> System.nanoTime());
        this.outReader = Thread.ofPlatform().daemon().start(() -> readLines(process.getInputStream()));
        this.errReader = Thread.ofPlatform().daemon().start(() -> readErrors(process.getErrorStream()));
        this.sampler = Thread.ofPlatform().daemon().start(this::sample);
    }

    /**
     * Starts {@code java [jvmOptions] -cp classPath mainClass args...}.
     *
     * @param java the {@code java} launcher of JDK 25
     */
    public static ForkedApp start(Path java, List<String> jvmOptions, Path classPath, String mainClass,
                                  List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath.toString());
        command.add(mainClass);
        command.addAll(args);
        return new ForkedApp(command);
    }

    /** The {@code java} launcher running this JVM. */
    public static Path currentJava() {
        return Path.of(ProcessHandle.current().info().command().orElseThrow(
                () -> new IllegalStateException("cannot tell which java runs this JVM")));
    }

    /** The agent option greening an app: {@code -javaagent:<jar>=include=com.acme.**,report=<report>}. */
    public static String agentOption(Path agentJar, Path report) {
        return "-javaagent:" + agentJar + "=include=com.acme.**,report=" + report;
    }

    /** The process id of the app's JVM. */
    public long pid() {
        return process.pid();
    }

    /** Completes with the exit code once the app's JVM has exited. */
    public CompletableFuture<Integer> exit() {
        return process.onExit().thenApply(Process::exitValue);
    }

    /** Kills the app's JVM; {@link #await} then reports how it ended. */
    public void kill() {
        process.destroyForcibly();
    }

    /** Writes a line to the app's standard input. */
    public void sendLine(String line) throws IOException {
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    /** Waits for the first output line starting with {@code prefix} and returns the rest of it. */
    public String awaitLine(String prefix, Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (output) {
            while (true) {
                for (String line : output) {
                    if (line.startsWith(prefix)) {
                        return line.substring(prefix.length());
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && !outReader.isAlive())) {
                    throw new TimeoutException("no line starting with '" + prefix + "' from " + command
                            + "; output so far: " + output + "; errors: " + errors());
                }
                TimeUnit.NANOSECONDS.timedWait(output, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
        }
    }

    /** Waits for the app to end (killing it after {@code timeout}) and sums up the run. */
    public Result await(Duration timeout) throws InterruptedException, TimeoutException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new TimeoutException("app did not end within " + timeout + ": " + command + "\noutput: "
                    + snapshot() + "\nerrors: " + errors());
        }
        long end = endNanos.join();
        sampler.join();
        outReader.join();
        errReader.join();
        List<String> lines = snapshot();
        int peakThreads = sampledThreads;
        long peakRss = sampledRssKb;
        Duration cpu = null;
        for (String line : lines) {
            Matcher peak = PEAK_LINE.matcher(line);
            if (peak.matches()) {
                peakThreads = Math.max(peakThreads, Integer.parseInt(peak.group(1)));
                peakRss = Math.max(peakRss, Long.parseLong(peak.group(2)));
                Matcher cpuMillis = CPU.matcher(line);
                cpu = cpuMillis.find() ? Duration.ofMillis(Long.parseLong(cpuMillis.group(1))) : null;
            }
        }
        return new Result(command, process.exitValue(), lines, errors(), Duration.ofNanos(end - startNanos),
                peakThreads, peakRss, cpu);
    }

    /** Runs an app to its end: {@link #start} then {@link #await}. */
    public static Result run(Path java, List<String> jvmOptions, Path classPath, String mainClass,
                             List<String> args, Duration timeout)
            throws IOException, InterruptedException, TimeoutException {
        return start(java, jvmOptions, classPath, mainClass, args).await(timeout);
    }

    private List<String> snapshot() {
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    private String errors() {
        synchronized (errors) {
            return errors.toString();
        }
    }

    private void readLines(InputStream in) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                synchronized (output) {
                    output.add(line);
                    output.notifyAll();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            synchronized (output) {
                output.notifyAll();
            }
        }
    }

    private void readErrors(InputStream in) {
        byte[] buffer = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                synchronized (errors) {
                    errors.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls /proc/<pid>/status until the process is gone, keeping the peaks. */
    private void sample() {
        Path status = Path.of("/proc", Long.toString(process.pid()), "status");
        try {
            while (process.isAlive()) {
                try {
                    for (String line : Files.readAllLines(status)) {
                        if (line.startsWith("Threads:")) {
                            sampledThreads = Math.max(sampledThreads, (int) number(line));
                        } else if (line.startsWith("VmHWM:")) {
                            sampledRssKb = Math.max(sampledRssKb, number(line));
                        }
                    }
                } catch (NoSuchFileException | UncheckedIOException e) {
                    break;
                } catch (IOException e) {
                    // The process ended between isAlive and the read (ESRCH), or /proc is not there.
                    break;
                }
                Thread.sleep(SAMPLE_INTERVAL);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long number(String statusLine) {
        return Long.parseLong(statusLine.substring(statusLine.indexOf(':') + 1).trim().split("\\s+")[0]);
    }
}
