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
 * <p>Prints one line: {@code os-threads=T processors=P compiler-threads-to-come=C}, C being the JIT compiler threads
 * the JVM may add later ({@code CICompilerCount} less those running now: it starts them as its queue grows).
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
        int compilerCount = Integer.parseInt(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                .getVMOption("CICompilerCount").getValue());
        int threads = 0;
        int compilerThreads = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                threads++;
                if (Files.readString(task.resolve("comm")).contains("CompilerThre")) {
                    compilerThreads++;
                }
            }
        }
        System.out.println("os-threads=" + threads + " processors=" + Runtime.getRuntime().availableProcessors()
                + " compiler-threads-to-come=" + Math.max(0, compilerCount - compilerThreads) + " allocated=" + bytes);
    }
}
