package io.greening.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a macro harness prints, kept too so that it can write the same text to its raw results file. */
final class Printout {
    private final StringBuilder text = new StringBuilder();

    /** Prints {@code line} to stdout and keeps it. */
    void print(String line) {
        System.out.println(line);
        text.append(line).append('\n');
    }

    /** Everything printed so far. */
    String text() {
        return text.toString();
    }

    /** The machine's load average over 1, 5 and 15 minutes, as {@code /proc/loadavg} gives it. */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
