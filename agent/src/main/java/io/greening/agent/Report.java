package io.greening.agent;

import io.greening.agent.Rewrites.Rewrite;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the agent did: classes selected, transformed and failed, call sites rewritten by group and kind, and the time
 * the transformer took per selected class.
 */
public final class Report {

    private final boolean verbose;
    private final Map<Rewrite, LongAdder> rewritten = new ConcurrentHashMap<>();
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private final AtomicLong selected = new AtomicLong();
    private final AtomicLong transformed = new AtomicLong();
    private final Map<String, Integer> jdkRewrites = new ConcurrentHashMap<>();
    private final TransformTimes times = new TransformTimes();

    private volatile ClassSelector selector;

    Report(boolean verbose) {
        this.verbose = verbose;
    }

    /** The selector whose include patterns that selected no class the report names at exit. */
    void selectingWith(ClassSelector selector) {
        this.selector = selector;
    }

    /** The include patterns that selected no class so far; see {@link ClassSelector#includesThatSelectedNothing()}. */
    List<String> includesThatSelectedNothing() {
        ClassSelector s = selector;
        return s == null ? List.of() : s.includesThatSelectedNothing();
    }

    /**
     * A selected class went through the transformer: {@code counts} holds its rewritten call sites (empty when it had
     * nothing to rewrite and loaded unchanged); {@code nanos} is the time the transformer took for it.
     */
    void transformed(String className, Map<Rewrite, Integer> counts, long nanos) {
        selected.incrementAndGet();
        if (counts.isEmpty()) {
            times.add(false, nanos);
            return;
        }
        times.add(true, nanos);
        transformed.incrementAndGet();
        int sites = 0;
        for (Map.Entry<Rewrite, Integer> count : counts.entrySet()) {   // no lambdas: the application's first classes come here
            LongAdder adder = rewritten.get(count.getKey());
            if (adder == null) {
                LongAdder fresh = new LongAdder();
                adder = rewritten.putIfAbsent(count.getKey(), fresh);
                if (adder == null) {
                    adder = fresh;
                }
            }
            adder.add(count.getValue());
            sites += count.getValue();
        }
        if (verbose) {
            AgentLog.get().log(System.Logger.Level.INFO, "greening: rewrote " + sites + " call sites in " + className + ": "
                    + describe(counts));
        }
    }

    /** The transformation of {@code className} failed after {@code nanos}: it loads unchanged; reported once. */
    void failed(String className, Throwable error, long nanos) {
        selected.incrementAndGet();
        times.add(false, nanos);
        String reason = error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
        if (failures.putIfAbsent(className, reason) == null) {
            AgentLog.get().log(System.Logger.Level.WARNING, "greening: could not transform " + className
                    + "; it runs unchanged (not greened): " + reason, verbose ? error : null);
        }
    }

    /** A transformed class kept for the bytecode check at exit (the setting {@code check=true}). */
    private record Checked(String className, ClassLoader loader, byte[] bytes) { }

    /** Guarded by itself; not a ConcurrentLinkedQueue, whose VarHandles would be set up before main. */
    private final List<Checked> toCheck = new ArrayList<>();

    /** Keeps a transformed class for {@link #check()}. */
    void keepForCheck(String className, ClassLoader loader, byte[] bytes) {
        synchronized (toCheck) {
            toCheck.add(new Checked(className, loader, bytes));
        }
    }

    /**
     * Runs ASM's CheckClassAdapter (with its data-flow verifier) over the kept classes; returns one line per problem
     * and a summary. Done at exit, when loading the classes it needs can no longer disturb the transformation.
     */
    List<String> check() {
        List<String> lines = new ArrayList<>();
        int checked = 0;
        // the check itself loads classes (the verifier's type hierarchy), which are transformed and kept in turn:
        // check until none is left, as exit hooks may also still load some
        for (List<Checked> kept = takeKept(0); !kept.isEmpty(); kept = takeKept(checked)) {
            checked = checkEach(kept, checked, lines);
        }
        lines.add("checked: " + checked + " classes, " + lines.size() + " with problems (CheckClassAdapter)");
        return lines;
    }

    /** The kept classes from index {@code from} on. */
    private List<Checked> takeKept(int from) {
        synchronized (toCheck) {
            return new ArrayList<>(toCheck.subList(from, toCheck.size()));
        }
    }

    /** Checks {@code kept}, adds a line per class with problems to {@code lines}; returns {@code checked} counted on. */
    private static int checkEach(List<Checked> kept, int checked, List<String> lines) {
        for (Checked c : kept) {
            java.io.StringWriter problems = new java.io.StringWriter();
            try {
                org.objectweb.asm.util.CheckClassAdapter.verify(new org.objectweb.asm.ClassReader(c.bytes()), c.loader(), false,
                        new java.io.PrintWriter(problems));
            } catch (RuntimeException | LinkageError e) {
                problems.append(e.toString());
            }
            checked++;
            if (!problems.toString().isBlank()) {
                lines.add("check failed: " + c.className() + ": " + problems.toString().strip().replace('\n', ' '));
            }
        }
        return checked;
    }

    /**
     * Call sites a row rewrote inside the JDK (not counted as an application class), e.g. VirtualThread's timeouts; the
     * latest count replaces the row's earlier one, and 0 drops its line.
     */
    void jdkSitesRewritten(Rewrite row, int count) {
        String line = row.group().optionName() + " " + row.label();
        if (count > 0) {
            jdkRewrites.put(line, count);
        } else {
            jdkRewrites.remove(line);
        }
    }

    /** Call sites rewritten so far, by report label (e.g. {@code Thread.start}). */
    public Map<String, Long> rewrittenByKind() {
        Map<String, Long> byKind = new TreeMap<>();
        rewritten.forEach((row, n) -> byKind.merge(row.label(), n.sum(), Long::sum));
        return byKind;
    }

    /** The transformer's time per selected class, split by whether the class had call sites to rewrite. */
    public TransformTimes times() {
        return times;
    }

    /** The classes that failed to transform, with why. */
    public Map<String, String> failures() {
        return new TreeMap<>(failures);
    }

    private static String describe(Map<Rewrite, Integer> counts) {
        Map<String, Integer> byKind = new TreeMap<>();
        counts.forEach((row, n) -> byKind.merge(row.label(), n, Integer::sum));
        List<String> parts = new ArrayList<>();
        byKind.forEach((k, n) -> parts.add(k + " " + n));
        return String.join(", ", parts);
    }

    /**
     * The exit report. Its lines, for tools that read it:
     * <pre>
     * greening report
     *   classes: selected S, transformed T, failed F
     *   transform time: X ms for S classes; per class, median A ms with nothing to rewrite, B ms with rewrites
     *   call sites rewritten: N
     *     &lt;group&gt; &lt;kind&gt; &lt;count&gt;        (one line per kind, e.g. "threads Thread.start 3")
     *   jdk: &lt;group&gt; &lt;kind&gt; &lt;count&gt;  (call sites rewritten inside the JDK, not in the count above,
     *                                   e.g. "jdk: timed-waits VirtualThread.schedule 2")
     *   failed: &lt;class&gt;: &lt;reason&gt;     (one line per failed class)
     *   include selected no class: &lt;pattern&gt;  (one line per such include pattern)
     *   check failed: &lt;class&gt;: &lt;problem&gt; (with check=true, one line per bad class)
     *   checked: N classes, M with problems (CheckClassAdapter)   (with check=true)
     *   kept platform for their stack size: K (first: "name" with N bytes)   (threads made with a stack size)
     *   virtual threads made green: V (made by platform threads in selected code: P; by green threads: G)
     *   peak platform threads: P (ThreadMXBean); OS threads now: O (/proc/self/status)
     *   dns lookups offloaded: D    (host names green threads looked up on the offload pool; literals are parsed inline)
     *   green threads: G            (then one line per live green thread made by the agent)
     * </pre>
     */
    String render(String greenThreadDump, int peakPlatformThreads, String osThreadsNow, List<String> checks,
                  String keptForStackSize, String virtualThreadsMadeGreen, long offloadedLookups) {
        StringBuilder out = new StringBuilder("greening report\n");
        out.append("  classes: selected ").append(selected.get()).append(", transformed ").append(transformed.get())
                .append(", failed ").append(failures.size()).append('\n');
        out.append("  ").append(times.describe()).append('\n');
        Map<String, Long> lines = new TreeMap<>();
        long total = 0;
        for (Map.Entry<Rewrite, LongAdder> e : rewritten.entrySet()) {
            long n = e.getValue().sum();
            total += n;
            lines.merge(e.getKey().group().optionName() + " " + e.getKey().label(), n, Long::sum);
        }
        out.append("  call sites rewritten: ").append(total).append('\n');
        lines.forEach((k, n) -> out.append("    ").append(k).append(' ').append(n).append('\n'));
        new TreeMap<>(jdkRewrites).forEach((k, n) -> out.append("  jdk: ").append(k).append(' ').append(n).append('\n'));
        failures().forEach((c, why) -> out.append("  failed: ").append(c).append(": ").append(why).append('\n'));
        includesThatSelectedNothing().forEach(glob -> out.append("  ").append(unusedIncludeLine(glob)).append('\n'));
        checks.forEach(line -> out.append("  ").append(line).append('\n'));
        if (keptForStackSize != null) {
            out.append("  kept platform for their stack size: ").append(keptForStackSize).append('\n');
        }
        if (virtualThreadsMadeGreen != null) {
            out.append("  virtual threads made green: ").append(virtualThreadsMadeGreen).append('\n');
        }
        out.append("  peak platform threads: ").append(peakPlatformThreads).append(" (ThreadMXBean); OS threads now: ")
                .append(osThreadsNow).append(" (/proc/self/status)\n");
        out.append("  dns lookups offloaded: ").append(offloadedLookups).append('\n');
        for (String line : greenThreadDump.split("\n")) {
            out.append("  ").append(line).append('\n');
        }
        return out.toString();
    }

    /** The line that names an include pattern that selected no class, in the report and in the exit warning. */
    static String unusedIncludeLine(String glob) {
        return "include selected no class: " + glob;
    }
}
