package io.greening.bench;

import io.greening.GreenThread;
import io.greening.Hub;
import io.greening.internal.Deadlines;
import io.greening.internal.Parking;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Memory per parked thread: spawns N threads that park, collects garbage a few times, and divides the growth of
 * the used heap (MemoryMXBean) and of the RSS ({@code /proc/self/status}) by N. Green threads on one hub vs JDK
 * virtual threads at 10k / 100k / 1M, platform threads up to 10k (or where creating one fails). Each measurement
 * runs in a fresh JVM.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.greening.bench.MemoryHarness [outDir]          # the whole matrix
 * java --add-opens java.base/java.lang=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *      io.greening.bench.MemoryHarness green|virtual|platform N                                 # one measurement
 * </pre>
 */
public final class MemoryHarness {
    static final String HEADER = "system,threads,heap_bytes_per_thread,rss_bytes_per_thread,spawn_ns_per_thread,note";

    private MemoryHarness() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 2) {
            Harness.report(measure(args[0], Integer.parseInt(args[1])));
            return;
        }
        Path out = Path.of(args.length == 1 ? args[0] : "benchmarks");
        List<String> rows = new ArrayList<>();
        for (int n : new int[] {10_000, 100_000, 1_000_000}) {
            for (String system : new String[] {"green", "virtual"}) {
                rows.add(runOne(system, n));
            }
        }
        for (int n : new int[] {1_000, 10_000}) {
            rows.add(runOne("platform", n));
        }
        System.out.println(HEADER);
        rows.forEach(System.out::println);
        System.out.println("written to " + Harness.writeCsv(out, "memory.csv", HEADER, rows));
    }

    private static String runOne(String system, int threads) {
        System.out.println("memory: " + system + " x " + threads);
        String result = Harness.runChild(MemoryHarness.class, List.of("-Xmx8g", "-Dgreening.stall=off"), system, Integer.toString(threads));
        String row = result != null ? result : system + "," + threads + ",,,,child failed";
        System.out.println("  " + row);
        return row;
    }

    static String measure(String system, int threads) throws Exception {
        Hub hub = system.equals("green") ? Hub.start("memory-hub") : null;
        if (hub != null) {
            hub.spawn(() -> { }).join();   // the hub's own footprint belongs to the baseline
        }
        AtomicInteger parked = new AtomicInteger();
        AtomicBoolean released = new AtomicBoolean();
        settle();
        long heapBefore = usedHeap();
        long rssBefore = Harness.residentSetBytes();

        List<Object> handles = new ArrayList<>(threads);
        String note = "";
        long start = System.nanoTime();
        try {
            for (int i = 0; i < threads; i++) {
                handles.add(switch (system) {
                    case "green" -> hub.spawn(() -> parkUntilReleased(parked, released, true));
                    case "virtual" -> Thread.ofVirtual().start(() -> parkUntilReleased(parked, released, false));
                    case "platform" -> Thread.ofPlatform().daemon().start(() -> parkUntilReleased(parked, released, false));
                    default -> throw new IllegalArgumentException("system: green, virtual or platform, not " + system);
                });
            }
        } catch (OutOfMemoryError | RuntimeException e) {
            note = "creating thread " + (handles.size() + 1) + " failed: " + e;
        }
        int started = handles.size();
        while (parked.get() < started) {
            Thread.sleep(10);
        }
        long spawnNanos = System.nanoTime() - start;
        if (hub != null) {
            hub.spawn(() -> { }).join();   // runs after every green thread ahead of it in the ready queue has parked
        } else {
            Thread.sleep(200);   // let the last ones finish parking
        }
        settle();
        long heapAfter = usedHeap();
        long rssAfter = Harness.residentSetBytes();
        String histogram = System.getProperty("bench.histogram");
        if (histogram != null) {
            writeClassHistogram(Path.of(histogram));
        }

        released.set(true);
        for (Object handle : handles) {
            if (handle instanceof GreenThread<?> green) {
                LockSupport.unpark(green.thread());
            } else {
                LockSupport.unpark((Thread) handle);
            }
        }
        if (hub != null) {
            hub.close();   // waits for the released green threads to end
        }
        return String.join(",", system, Integer.toString(started),
                Long.toString((heapAfter - heapBefore) / Math.max(1, started)),
                Long.toString((rssAfter - rssBefore) / Math.max(1, started)),
                Long.toString(spawnNanos / Math.max(1, started)),
                note.replace(',', ';'));
    }

    private static void parkUntilReleased(AtomicInteger parked, AtomicBoolean released, boolean green) {
        parked.incrementAndGet();
        while (!released.get()) {
            if (green) {
                Parking.parkUntil(Deadlines.NO_DEADLINE);   // greening's blocking point, where a green thread waits
            } else {
                LockSupport.park();
            }
        }
    }

    /** With {@code -Dbench.histogram=FILE}: what the parked threads are made of, by class (jcmd GC.class_histogram). */
    private static void writeClassHistogram(Path file) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        new ProcessBuilder(jcmd.toString(), Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
                .redirectErrorStream(true).redirectOutput(file.toFile()).start().waitFor();
    }

    private static void settle() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
        }
    }

    private static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
