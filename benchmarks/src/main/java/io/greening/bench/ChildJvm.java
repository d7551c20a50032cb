package io.greening.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one measurement of a harness in a fresh JVM (same java, same class path), so one measurement's heap,
 * threads and JIT state never leak into the next. The child prints one result line starting with
 * {@value #RESULT_PREFIX}; everything else it prints is passed through.
 */
final class ChildJvm {
    static final String RESULT_PREFIX = "RESULT ";

    private ChildJvm() {}

    /** Runs {@code main} with {@code args} in a child JVM; returns its result line (without the prefix), or null. */
    static String run(Class<?> main, List<String> jvmOptions, String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "--add-opens", "java.base/java.lang=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return runCommand(command);
    }

    /** Runs {@code command} (a whole JVM command line); returns its result line (without the prefix), or null. */
    static String runCommand(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String result = null;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith(RESULT_PREFIX)) {
                        result = line.substring(RESULT_PREFIX.length());
                    } else {
                        System.out.println("    | " + line);
                    }
                }
            }
            int exit = process.waitFor();
            if (exit != 0) {
                System.out.println("    | (child exited with " + exit + ")");
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
