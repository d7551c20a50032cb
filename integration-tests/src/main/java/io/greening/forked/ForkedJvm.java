package io.greening.forked;

import java.io.BufferedReader;
import java.io.File;
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
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM (or any command) running in a process of its own, watched from outside: its output lines, its exit, its wall
 * time, and, unless turned off, its peak OS thread count, peak resident set size and CPU time sampled from
 * {@code /proc/<pid>}. The one helper greening's tests, demo and benchmark harnesses fork JVMs with.
 *
 * <p>An app may print a last line {@code # peak-threads=T peak-rss-kb=R cpu-ms=C} (its JVM's own peak platform thread
 * count, VmHWM and CPU time at exit); the peaks reported are the larger of that and the samples, so a short-lived
 * peak between two samples is still counted. Lines starting with {@code #} are not part of the comparable output.
 */
public final class ForkedJvm {
    private static final Duration DEFAULT_SAMPLE_INTERVAL = Duration.ofMillis(2);
    private static final Pattern PEAK_LINE = Pattern.compile("# peak-threads=(\\d+) peak-rss-kb=(-?\\d+).*");
    private static final Pattern CPU = Pattern.compile(" cpu-ms=(\\d+)");

    /**
     * How a forked JVM ended and what it used.
     *
     * @param command       the command line it ran
     * @param exitCode      its exit code
     * @param output        its standard output, line by line (with its standard error when merged)
     * @param errors        its standard error (empty when merged into the output)
     * @param wall          from start to exit
     * @param peakOsThreads the most OS threads it had (0 when not sampled and not reported)
     * @param peakRssKb     its peak resident set size in KiB (0 when not sampled and not reported)
     * @param cpu           the CPU time (all threads, user and system) the app reported at its end, or null if it did not
     */
    public record Result(List<String> command, int exitCode, List<String> output, String errors, Duration wall,
                         int peakOsThreads, long peakRssKb, Duration cpu) {
        /** The output without the lines starting with {@code #} (peaks, ports): what must match across runs. */
        public List<String> comparableOutput() {
            return output.stream().filter(line -> !line.startsWith("#")).toList();
        }

        /** The output as one text, lines ended by newlines. */
        public String outputText() {
            return output.stream().map(line -> line + "\n").reduce("", String::concat);
        }

        /** A description for assertion messages. */
        public String describe() {
            return "command: " + String.join(" ", command) + "\nexit code: " + exitCode + "\nstdout:\n"
                    + String.join("\n", output) + "\nstderr:\n" + errors;
        }
    }

    /**
     * What a process has used so far, from {@code /proc/<pid>}.
     *
     * @param osThreads the most OS threads seen
     * @param rssKb     the peak resident set size (VmHWM) in KiB
     * @param cpuTicks  user and system CPU time in clock ticks, at the latest sample
     */
    public record Peaks(int osThreads, long rssKb, long cpuTicks) { }

    /** What to start and how to watch it; {@link #start()} or {@link #run(Duration)} launches it. */
    public static final class Launch {
        private final List<String> command;
        private Duration sampleInterval = DEFAULT_SAMPLE_INTERVAL;
        private boolean mergeErrors;
        private Consumer<String> echo = line -> { };

        private Launch(List<String> command) {
            this.command = List.copyOf(command);
        }

        /** Samples {@code /proc/<pid>} every {@code interval} (2 ms unless set), or never if null. */
        public Launch sampleEvery(Duration interval) {
            this.sampleInterval = interval;
            return this;
        }

        /** Puts standard error into the output lines, in order, instead of keeping it apart. */
        public Launch mergeErrors() {
            this.mergeErrors = true;
            return this;
        }

        /** Hands every output line to {@code onLine} as it comes (on a reader thread), besides keeping it. */
        public Launch echo(Consumer<String> onLine) {
            this.echo = onLine;
            return this;
        }

        /** Starts the process. */
        public ForkedJvm start() throws IOException {
            return new ForkedJvm(this);
        }

        /** Runs the process to its end: {@link #start()} then {@link ForkedJvm#await}. */
        public Result run(Duration timeout) throws IOException, InterruptedException, TimeoutException {
            return start().await(timeout);
        }
    }

    private final List<String> command;
    private final Process process;
    private final long startNanos;
    private final Consumer<String> echo;
    private final List<String> output = new ArrayList<>();
    private final StringBuilder errors = new StringBuilder();
    private final Thread outReader;
    private final Thread errReader;
    private final Thread sampler;
    private final CompletableFuture<Long> endNanos;
    private int sampledThreads;     // guarded by this
    private long sampledRssKb;      // guarded by this
    private long sampledCpuTicks;   // guarded by this

    private ForkedJvm(Launch launch) throws IOException {
        this.command = launch.command;
        this.echo = launch.echo;
        this.startNanos = System.nanoTime();
        this.process = new ProcessBuilder(command).redirectErrorStream(launch.mergeErrors).start();
        this.endNanos = process.onExit().thenApply(ended -> System.nanoTime());
        this.outReader = Thread.ofPlatform().daemon().start(() -> readLines(process.getInputStream()));
        this.errReader = Thread.ofPlatform().daemon().start(() -> readErrors(process.getErrorStream()));
        Duration interval = launch.sampleInterval;
        this.sampler = interval == null ? null : Thread.ofPlatform().daemon().start(() -> sampleUntilExit(interval));
    }

    /** A launch of {@code command}, a whole command line. */
    public static Launch command(List<String> command) {
        return new Launch(command);
    }

    /**
     * JVM options every forked JVM gets first: the system property {@value #EXTRA_OPTIONS} (options separated by
     * spaces), so that a whole suite can run its JVMs differently, e.g. {@code -XX:ActiveProcessorCount=16} to see the
     * agent's {@code hubs=auto} make 16 hubs on a smaller machine.
     */
    public static final String EXTRA_OPTIONS = "greening.forked.jvmOptions";

    /** A launch of {@code java [extra options] [jvmOptions] -cp classPath mainClass args...}; see {@link #EXTRA_OPTIONS}. */
    public static Launch java(Path java, List<String> jvmOptions, Path classPath, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        String extra = System.getProperty(EXTRA_OPTIONS, "").strip();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath.toString());
        command.add(mainClass);
        command.addAll(args);
        return new Launch(command);
    }

    /** A launch of {@code main} with this JVM's {@code java} and class path. */
    public static Launch thisJava(List<String> jvmOptions, Class<?> main, String... args) {
        return java(currentJava(), jvmOptions, Path.of(System.getProperty("java.class.path")), main.getName(), List.of(args));
    }

    /** Starts {@code java [jvmOptions] -cp classPath mainClass args...}, sampling its peaks. */
    public static ForkedJvm start(Path java, List<String> jvmOptions, Path classPath, String mainClass, List<String> args)
            throws IOException {
        return java(java, jvmOptions, classPath, mainClass, args).start();
    }

    /** Runs {@code java [jvmOptions] -cp classPath mainClass args...} to its end, sampling its peaks. */
    public static Result run(Path java, List<String> jvmOptions, Path classPath, String mainClass, List<String> args,
                             Duration timeout) throws IOException, InterruptedException, TimeoutException {
        return java(java, jvmOptions, classPath, mainClass, args).run(timeout);
    }

    /** The {@code java} launcher running this JVM. */
    public static Path currentJava() {
        return Path.of(ProcessHandle.current().info().command().orElseThrow(
                () -> new IllegalStateException("cannot tell which java runs this JVM")));
    }

    /**
     * The agent jar the reactor built: the system property {@code greening.agent.jar} (set by the build for the
     * modules that fork greened apps), else {@code ../agent/target/greening.jar} from a module's directory.
     *
     * @throws IllegalStateException if it is not there (build the agent first)
     */
    public static Path agentJar() {
        Path jar = Path.of(System.getProperty("greening.agent.jar", ".." + File.separator + "agent/target/greening.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the agent jar is built before this runs, but " + jar + " is not there");
        }
        return jar;
    }

    /** The process id. */
    public long pid() {
        return process.pid();
    }

    /** Completes with the exit code once the process has exited. */
    public CompletableFuture<Integer> exit() {
        return process.onExit().thenApply(Process::exitValue);
    }

    /** Kills the process; {@link #await} then reports how it ended. */
    public void kill() {
        process.destroyForcibly();
    }

    /** Waits up to {@code grace} for the process to end, then asks it to (SIGTERM) and waits up to {@code grace} more. */
    public void stop(Duration grace) throws InterruptedException {
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroy();
            process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Writes a line to the process's standard input. */
    public void sendLine(String line) throws IOException {
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    /** What the process has used so far: samples {@code /proc/<pid>} once more, then returns the peaks. */
    public Peaks peaks() {
        sample();
        synchronized (this) {
            return new Peaks(sampledThreads, sampledRssKb, sampledCpuTicks);
        }
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

    /** Waits until the standard error holds {@code text} (not merged into the output). */
    public void awaitError(String text, Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (errors) {
            while (errors.indexOf(text) < 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && !errReader.isAlive())) {
                    throw new TimeoutException("no '" + text + "' on the standard error of " + command + "; errors so far: "
                            + errors + "; output: " + snapshot());
                }
                TimeUnit.NANOSECONDS.timedWait(errors, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
        }
    }

    /** Waits for the process to end (killing it after {@code timeout}, then throwing) and sums up the run. */
    public Result await(Duration timeout) throws InterruptedException, TimeoutException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new TimeoutException("did not end within " + timeout + ": " + command + "\noutput: "
                    + snapshot() + "\nerrors: " + errors());
        }
        long end = endNanos.join();
        if (sampler != null) {
            sampler.join();
        }
        outReader.join();
        errReader.join();
        List<String> lines = snapshot();
        int peakThreads;
        long peakRss;
        synchronized (this) {
            peakThreads = sampledThreads;
            peakRss = sampledRssKb;
        }
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
                echo.accept(line);
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
                    errors.notifyAll();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            synchronized (errors) {
                errors.notifyAll();
            }
        }
    }

    /** Polls {@code /proc/<pid>} until the process is gone, keeping the peaks. */
    private void sampleUntilExit(Duration interval) {
        try {
            while (process.isAlive() && sample()) {
                Thread.sleep(interval);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One sample of {@code /proc/<pid>}; false once there is nothing left to read (the process ended, or no /proc). */
    private boolean sample() {
        Path proc = Path.of("/proc", Long.toString(process.pid()));
        try {
            int threads = 0;
            long rss = 0;
            for (String line : Files.readAllLines(proc.resolve("status"))) {
                if (line.startsWith("Threads:")) {
                    threads = (int) number(line);
                } else if (line.startsWith("VmHWM:")) {
                    rss = number(line);
                }
            }
            String stat = Files.readString(proc.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long cpuTicks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);   // utime + stime
            synchronized (this) {
                sampledThreads = Math.max(sampledThreads, threads);
                sampledRssKb = Math.max(sampledRssKb, rss);
                sampledCpuTicks = cpuTicks;
            }
            return true;
        } catch (NoSuchFileException | UncheckedIOException | NumberFormatException | IndexOutOfBoundsException e) {
            return false;
        } catch (IOException e) {
            return false;   // the process ended between isAlive and the read (ESRCH), or /proc is not there
        }
    }

    private static long number(String statusLine) {
        return Long.parseLong(statusLine.substring(statusLine.indexOf(':') + 1).trim().split("\\s+")[0]);
    }
}
