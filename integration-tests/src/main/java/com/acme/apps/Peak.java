package com.acme.apps;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What each app prints last, on a line of its own that starts with {@code #} so that output comparisons skip
 * it: the JVM's peak count of live platform threads, the process's peak resident set size and the CPU time
 * it used so far.
 */
public final class Peak {
    private Peak() {}

    /** Prints the line. */
    public static void print() {
        int peakThreads = ManagementFactory.getThreadMXBean().getPeakThreadCount();
        System.out.println("# peak-threads=" + peakThreads + " peak-rss-kb=" + procStatus("VmHWM:")
                + " os-threads-now=" + procStatus("Threads:") + " cpu-ms=" + cpuMillis());
    }

    /** The CPU time of the whole process (all its threads, user and system), or -1 where unknown. */
    private static long cpuMillis() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime() / 1_000_000;
        }
        return -1;
    }

    /** A numeric field of /proc/self/status, or -1 where there is none (not Linux). */
    private static long procStatus(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
