package io.greening.forked;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A trivial app that makes the JVM start what it starts for any app, and says how many OS threads that took: run by
 * {@link OsThreadCeiling} with the forked JVMs' options. It allocates and collects, since G1 starts its parallel GC
 * workers (one per processor up to 8, then 5 per 8 more) only when a collection needs them, and a plain hello-world
 * has 18 OS threads on 2 processors and on 64 alike.
 *
 * <p>Prints one line: {@code os-threads=T processors=P worker-threads-to-come=C}, C being the JVM's worker threads
 * it may still add: the JIT compiler threads ({@code CICompilerCount} less those running: it starts them as its queue
 * grows) and the parallel GC workers ({@code ParallelGCThreads} less those running: how many a collection starts
 * varies from run to run on many processors, 27 to 43 of 43 with 64).
 */
public final class JvmBaseline {
    private JvmBaseline() {}

    /** Runs the trivial work and prints the line; takes no arguments. */
    public static void main(String[] args) throws IOException {
        Object[] kept = new Object[1 << 16];
        long bytes = 0;
        for (int i = 0; i < 3_000_000; i++) {
            byte[] garbage = new byte[256 + (i & 1023)];
            kept[i & 0xffff] = garbage;
            bytes += garbage.length;
        }
        System.gc();   // a full collection: every parallel GC worker
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        int compilerCount = Integer.parseInt(vm.getVMOption("CICompilerCount").getValue());
        int gcWorkerCount = Integer.parseInt(vm.getVMOption("ParallelGCThreads").getValue());
        int threads = 0;
        int compilerThreads = 0;
        int gcWorkers = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                threads++;
                String name = Files.readString(task.resolve("comm"));
                if (name.contains("CompilerThre")) {
                    compilerThreads++;
                } else if (name.startsWith("GC Thread#")) {
                    gcWorkers++;
                }
            }
        }
        System.out.println("os-threads=" + threads + " processors=" + Runtime.getRuntime().availableProcessors()
                + " worker-threads-to-come=" + (Math.max(0, compilerCount - compilerThreads)
                + Math.max(0, gcWorkerCount - gcWorkers)) + " allocated=" + bytes);
    }
}
