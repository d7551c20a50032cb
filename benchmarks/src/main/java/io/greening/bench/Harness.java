package io.greening.bench;

import io.greening.forked.ForkedJvm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * What the harnesses share: each measurement runs in a fresh JVM ({@link ForkedJvm}, same java, same class path), so
 * one measurement's heap, threads and JIT state never leak into the next. The child prints one result line starting
 * with {@value #RESULT_PREFIX}; everything else it prints is passed through as it comes. Also the CSV files the
 * harnesses write and the RSS they read.
 */
final class Harness {
    static final String RESULT_PREFIX = "RESULT ";
    /** A bound no measurement reaches; a child still running then is stopped. */
    private static final Duration CHILD_LIMIT = Duration.ofHours(2);

    private Harness() {}

    /** Runs {@code main} with {@code args} in a child JVM; returns its result line (without the prefix), or null. */
    static String runChild(Class<?> main, List<String> jvmOptions, String... args) {
        List<String> options = new ArrayList<>(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED"));
        options.addAll(jvmOptions);
        return runChild(ForkedJvm.thisJava(options, main, args));
    }

    /** Runs {@code command} (a whole JVM command line); returns its result line (without the prefix), or null. */
    static String runCommand(List<String> command) {
        return runChild(ForkedJvm.command(command));
    }

    private static String runChild(ForkedJvm.Launch launch) {
        try {
            ForkedJvm.Result r = launch.mergeErrors().sampleEvery(null).echo(line -> {
                if (!line.startsWith(RESULT_PREFIX)) {
                    System.out.println("    | " + line);
                }
            }).run(CHILD_LIMIT);
            if (r.exitCode() != 0) {
                System.out.println("    | (child exited with " + r.exitCode() + ")");
            }
            String result = null;
            for (String line : r.output()) {
                if (line.startsWith(RESULT_PREFIX)) {
                    result = line.substring(RESULT_PREFIX.length());
                }
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Prints the result line a parent collects. */
    static void report(String csvLine) {
        System.out.println(RESULT_PREFIX + csvLine);
    }

    /** Writes {@code header} and {@code rows} as a CSV file {@code name} in the directory {@code dir}. */
    static Path writeCsv(Path dir, String name, String header, List<String> rows) {
        try {
            Files.createDirectories(dir);
            List<String> lines = new ArrayList<>();
            lines.add(header);
            lines.addAll(rows);
            Path file = dir.resolve(name);
            Files.write(file, lines, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The resident set size of this process in bytes, from {@code /proc/self/status} (0 where there is none). */
    static long residentSetBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
