package io.greening.agent;

import java.util.*;
import java.util.jar.JarFile;

/**
 * The splicer alone, main's (MonitorEntrySplicerOld: main's MonitorEntrySplicer.java renamed) against this branch's:
 * for every class of the given jars that main's plans a splice for, plan and splice (target 1, no constant pool
 * shift; this branch's given the methods with a monitorenter, as the pre-scan hands them over), each class through both in turn (which goes first alternating per class), checking the bytes are the same;
 * then the median and sum of the per-class times. Run with -Xint for the walk's case (the splicer mostly
 * interpreted), without for the compiled one. Usage: SpliceProbe <passes> <jar>...
 */
public final class SpliceProbe {
    public static void main(String[] args) throws Exception {
        int passes = Integer.parseInt(args[0]);
        List<String> names = new ArrayList<>();
        List<byte[]> files = new ArrayList<>();
        for (String jar : Arrays.copyOfRange(args, 1, args.length)) {
            try (JarFile file = new JarFile(jar)) {
                for (var e : Collections.list(file.entries())) {
                    if (!e.getName().endsWith(".class") || e.getName().startsWith("META-INF/")) continue;
                    byte[] b = file.getInputStream(e).readAllBytes();
                    try {
                        int[][] plan = MonitorEntrySplicerOld.plan(new ClassFileIndex(b));
                        if (plan != null && plan != MonitorEntrySplicerOld.NOT_HERE) { names.add(e.getName()); files.add(b); }
                    } catch (RuntimeException ignored) { }
                }
            }
        }
        for (int pass = 1; pass <= passes; pass++) {
            long[] before = new long[files.size()], after = new long[files.size()];
            for (int c = 0; c < files.size(); c++) {
                byte[] b = files.get(c);
                ClassFileIndex ix = new ClassFileIndex(b);   // built by the pre-scan, as the methods below: not timed
                java.util.BitSet enters = monitorEnters(ix);
                byte[] a1 = null, a2 = null;
                for (int turn = 0; turn < 2; turn++) {
                    boolean old = (turn == 0) == (c % 2 == 0);
                    long t0 = System.nanoTime();
                    if (old) { int[][] p = MonitorEntrySplicerOld.plan(ix); a1 = MonitorEntrySplicerOld.splice(ix, p, b, 0, 1); before[c] = System.nanoTime() - t0; }
                    else { MonitorEntrySplicer p = MonitorEntrySplicer.plan(ix, enters); a2 = p.splice(b, 0, 1); after[c] = System.nanoTime() - t0; }
                }
                if (!Arrays.equals(a1, a2)) throw new AssertionError("different bytes: " + names.get(c));
            }
            System.out.printf(Locale.ROOT, "pass %d: %d classes spliced, same bytes; plan+splice per class, median: main %.1f us, this branch %.1f us; sum: main %.1f ms, this branch %.1f ms%n",
                    pass, files.size(), median(before) / 1e3, median(after) / 1e3, Arrays.stream(before).sum() / 1e6, Arrays.stream(after).sum() / 1e6);
        }
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** Per method, whether its code has a monitorenter: what the pre-scan (CallSiteFilter) hands the splicer. */
    static java.util.BitSet monitorEnters(ClassFileIndex ix) {
        java.util.BitSet enters = new java.util.BitSet();
        int[] method = {-1};
        ix.visitMethods(new ClassFileIndex.MethodVisitor() {
            @Override boolean method(int access) { method[0]++; return true; }
            @Override boolean instruction(int opcode, int at) { if (opcode == ClassFileIndex.MONITORENTER) enters.set(method[0]); return true; }
        });
        return enters;
    }
}
