package io.greening.forked;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The most OS threads a greened app may peak at in a JVM forked by {@link ForkedJvm}: what proves its threads went
 * green, on any processor count. The JVM's own threads and the agent's group of hubs both grow with the processors
 * (G1's GC workers, the JIT's compiler threads; a hub per processor and up to as many spares), so a fixed ceiling
 * fails on many cores or proves little on few. This one is the sum of
 * <ul>
 *   <li>the OS threads of a trivial JVM with the same forked JVM options ({@link JvmBaseline}, measured once per set
 *       of options and cached), and the JIT compiler threads and parallel GC workers that JVM may still add;</li>
 *   <li>the carriers of the agent's group: its hubs ({@code hubs=auto}: one per processor the forked JVM sees, which
 *       {@code -XX:ActiveProcessorCount} sets) and at most one spare per hub, never more spares than processors
 *       ({@code HubGroup.sparesWanted});</li>
 *   <li>a small fixed allowance for the agent's other threads and the app's own platform threads, given by each test.</li>
 * </ul>
 * An ungreened app (a platform thread per task) must still exceed it, which each test checks on its plain run.
 *
 * @param jvmThreads            the OS threads of the trivial JVM after a collection
 * @param workerThreadsToCome the JIT compiler threads and parallel GC workers it had not started yet
 * @param processors            the processors the forked JVM sees
 * @param hubs                  the agent's core hubs
 * @param allowance             the OS threads the test allows for the agent's other threads and the app's own
 */
public record OsThreadCeiling(int jvmThreads, int workerThreadsToCome, int processors, int hubs, int allowance) {
    private static final Pattern BASELINE =
            Pattern.compile("os-threads=(\\d+) processors=(\\d+) worker-threads-to-come=(\\d+) .*");
    /** The agent's bound on {@code hubs} ({@code Settings}), which {@code hubs=auto} is capped at. */
    private static final int MAX_HUBS = 1024;
    /** By forked JVM options ({@link ForkedJvm#EXTRA_OPTIONS}): what the trivial JVM said. */
    private static final Map<String, Baseline> BASELINES = new ConcurrentHashMap<>();

    private record Baseline(int jvmThreads, int processors, int workerThreadsToCome) { }

    /** The ceiling for an app greened with the agent's default group ({@code hubs=auto}). */
    public static OsThreadCeiling greened(int allowance) {
        return greenedWithHubs(Math.min(MAX_HUBS, baseline().processors()), allowance);
    }

    /** The ceiling for an app greened with {@code hubs=N}. */
    public static OsThreadCeiling greenedWithHubs(int hubs, int allowance) {
        Baseline baseline = baseline();
        return new OsThreadCeiling(baseline.jvmThreads(), baseline.workerThreadsToCome(), baseline.processors(), hubs,
                allowance);
    }

    /** The peak OS threads a greened app must stay under. */
    public int limit() {
        return jvmThreads + workerThreadsToCome + carriers() + allowance;
    }

    /** The group's carriers at most: one per hub, and a spare per stuck hub, no more spares than processors. */
    public int carriers() {
        return hubs + Math.min(hubs, processors);
    }

    @Override
    public String toString() {
        return limit() + " (a trivial JVM's " + jvmThreads + " OS threads + " + workerThreadsToCome
                + " compiler and GC threads to come + " + carriers() + " carriers of " + hubs + " hubs on " + processors
                + " processors + " + allowance + ")";
    }

    private static Baseline baseline() {
        String options = System.getProperty(ForkedJvm.EXTRA_OPTIONS, "").strip();
        return BASELINES.computeIfAbsent(options, ignored -> measureBaseline());
    }

    private static Baseline measureBaseline() {
        try {
            Path classes = Path.of(JvmBaseline.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            ForkedJvm.Result run = ForkedJvm.java(ForkedJvm.currentJava(), List.of(), classes,
                    JvmBaseline.class.getName(), List.of()).run(Duration.ofMinutes(2));
            Matcher line = BASELINE.matcher(run.output().isEmpty() ? "" : run.output().getFirst());
            if (run.exitCode() != 0 || !line.matches()) {
                throw new IllegalStateException("the trivial JVM did not say its threads:\n" + run.describe());
            }
            return new Baseline(Integer.parseInt(line.group(1)), Integer.parseInt(line.group(2)),
                    Integer.parseInt(line.group(3)));
        } catch (Exception e) {
            throw new IllegalStateException("cannot measure a trivial JVM's OS threads", e);
        }
    }
}
