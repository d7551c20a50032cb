package io.greening.agent;

import io.greening.agent.Rewrites.Rewrite;
import io.greening.internal.PatchGroup;
import io.greening.agent.shaded.org.objectweb.asm.ClassReader;
import io.greening.agent.shaded.org.objectweb.asm.ClassWriter;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.*;
import java.util.jar.JarFile;

/**
 * Where a rewritten class's time goes: every class of the given jars through the transformer's steps in turn (the
 * pre-scan, the call site matching with its header reads, the in-place retarget or the ASM pass), timed per step, in a
 * fresh JVM (cold, as in the walk), then the same classes again (warm). Usage: PerClassProbe <classpath> <walked jars>
 */
public final class PerClassProbe {
    static final long[] READS = new long[2];
    public static void main(String[] args) throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String jar : args[0].split(":")) urls.add(Path.of(jar).toUri().toURL());
        ClassLoader loader = new URLClassLoader("probe", urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader()) {
            @Override
            public java.io.InputStream getResourceAsStream(String name) {
                long a = System.nanoTime();
                java.io.InputStream in = super.getResourceAsStream(name);
                if (in == null) return null;
                try { byte[] b = in.readAllBytes(); READS[0]++; READS[1] += System.nanoTime() - a; return new java.io.ByteArrayInputStream(b); }
                catch (java.io.IOException e) { return null; }
            }
        };
        List<String> names = new ArrayList<>();
        List<byte[]> files = new ArrayList<>();
        for (String jar : args[1].split(":")) {
            try (JarFile file = new JarFile(jar)) {
                for (var e : Collections.list(file.entries())) {
                    String n = e.getName();
                    if (n.endsWith(".class") && !n.startsWith("META-INF/") && !n.endsWith("module-info.class") && !n.endsWith("package-info.class")) {
                        names.add(n.substring(0, n.length() - 6));
                        files.add(file.getInputStream(e).readAllBytes());
                    }
                }
            }
        }
        Set<PatchGroup> groups = new HashSet<>(EnumSet.allOf(PatchGroup.class));
        groups.remove(PatchGroup.MAIN);
        Map<String, List<Rewrite>> rows = Rewrites.index(groups);
        for (int pass = 1; pass <= 0; pass++) {}
        for (int pass = 1; pass <= Integer.getInteger("passes", 3); pass++) {
            TypeHierarchy hierarchy = new TypeHierarchy();
            CallSiteFilter filter = new CallSiteFilter(rows, hierarchy);
            List<long[]> spans = new ArrayList<>();
            long nothing = 0; int nothingCount = 0;
            for (int c = 0; c < files.size(); c++) {
                byte[] bytes = files.get(c);
                long t0 = System.nanoTime();
                CallSiteFilter.Scan scan = filter.scan(bytes);
                long t1 = System.nanoTime();
                if (scan == null) { nothing += t1 - t0; nothingCount++; continue; }
                Map<Rewrite, Integer> counts = new HashMap<>();
                long sites = 0, retarget = 0, asm = 0; int kind = 0;
                byte[] out = null;
                if (scan.callsAndMonitorsOnly) {
                    Rewrite me = scan.monitors ? rows.get(Rewrites.MONITOR_ENTRY_KEY).getFirst() : null;
                    long a = System.nanoTime();
                    // resolve every site first, so that the header reads are timed apart
                    CallSiteRewriter.Hierarchy types = hierarchy.forClass(loader, scan.classFile.className(), scan.classFile.superName(), scan.classFile.interfaces());
                    Rewrite[] matched = new Rewrite[4 * scan.classFile.count()];
                    boolean[] decided = new boolean[matched.length];
                    for (int i = 0; i < scan.invokeCount; i++) {
                        int at = scan.invokes[i];
                        int opcode = bytes[at] & 0xff, ref = ((bytes[at + 1] & 0xff) << 8) | (bytes[at + 2] & 0xff);
                        int slot = 4 * ref + opcode - ClassFileIndex.INVOKEVIRTUAL;
                        if (!decided[slot]) {
                            decided[slot] = true;
                            int nt = scan.classFile.operand(ref, 1);
                            matched[slot] = Rewrites.findCall(rows, types, opcode, scan.classFile.utf8(scan.classFile.operand(scan.classFile.operand(ref, 0), 0)),
                                    scan.classFile.utf8(scan.classFile.operand(nt, 0)), scan.classFile.utf8(scan.classFile.operand(nt, 1)));
                        }
                    }
                    long b = System.nanoTime();
                    sites = b - a;
                    out = MethodRefRetargeter.retarget(scan.classFile, scan.invokes, scan.invokeCount, me,
                            (ref, opcode) -> matched[4 * ref + opcode - ClassFileIndex.INVOKEVIRTUAL], counts);
                    retarget = System.nanoTime() - b;
                    kind = 1;
                    if (out == MethodRefRetargeter.NOT_IN_PLACE) { out = null; kind = 2; }
                }
                if (kind != 1) {
                    long a = System.nanoTime();
                    ClassReader reader = new ClassReader(bytes);
                    ClassWriter writer = new ClassWriter(reader, 0);
                    reader.accept(new CallSiteRewriter(writer, rows, hierarchy.forClass(loader, reader.getClassName(), reader.getSuperName(), reader.getInterfaces()), null, scan.methods,
                            row -> counts.merge(row, 1, Integer::sum)), 0);
                    out = counts.isEmpty() ? null : writer.toByteArray();
                    asm = System.nanoTime() - a;
                    kind = kind == 2 ? 3 : 2;
                }
                if (counts.isEmpty()) { nothing += System.nanoTime() - t0; nothingCount++; continue; }
                spans.add(new long[] {c, t1 - t0, sites, retarget, asm, kind, System.nanoTime() - t0});
            }
            long[] totals = new long[spans.size()];
            for (int i = 0; i < totals.length; i++) totals[i] = spans.get(i)[6];
            long[] sorted = totals.clone(); Arrays.sort(sorted);
            long scanSum = 0, sitesSum = 0, retSum = 0, asmSum = 0; int asmN = 0;
            for (long[] s : spans) { scanSum += s[1]; sitesSum += s[2]; retSum += s[3]; asmSum += s[4]; if (s[5] >= 2) asmN++; }
            System.out.printf(Locale.ROOT, "header reads so far %d, %.1f ms (resource lookup and read)%n", READS[0], READS[1] / 1e6);
            System.out.printf(Locale.ROOT, "pass %d: %d rewritten (%d through ASM), median %.3f ms, mean %.3f ms; sums ms: scan %.1f, sites+headers %.1f, retarget %.1f, asm %.1f; nothing to rewrite: %d, mean %.4f ms%n",
                    pass, spans.size(), asmN, sorted.length == 0 ? 0 : sorted[sorted.length / 2] / 1e6, Arrays.stream(totals).sum() / 1e6 / Math.max(1, totals.length),
                    scanSum / 1e6, sitesSum / 1e6, retSum / 1e6, asmSum / 1e6, nothingCount, nothing / 1e6 / Math.max(1, nothingCount));
            if (pass == 1 || pass == 3 && spans.size() < 30) {
                for (long[] s : spans) System.out.printf(Locale.ROOT, "  %-70s scan %.3f sites %.3f retarget %.3f asm %.3f total %.3f%n",
                        names.get((int) s[0]), s[1] / 1e6, s[2] / 1e6, s[3] / 1e6, s[4] / 1e6, s[6] / 1e6);
            }
        }
    }
}
