package io.greening.agent;

import io.greening.agent.Rewrites.Rewrite;
import io.greening.internal.PatchGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.util.TraceClassVisitor;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The load-time transformer's two shortcuts, the in-place rewrite of a class whose rewrites are all call sites
 * ({@link MethodRefRetargeter#retarget}) and ASM's copy of the methods the pre-scan clears, change nothing but the
 * cost: over every class of a few real jars, the transformer's result reads (ASM's textual dump, frames expanded) as
 * that of the full pass, {@link CallSiteRewriter} over every method, and rewrites the same call sites.
 */
@Timeout(300)
class LoadTimeShortcutsTest {
    private static final Map<String, List<Rewrite>> ALL_ROWS = Rewrites.index(EnumSet.allOf(PatchGroup.class));

    /** Each jar by a class it holds: Guava, the Scala library, H2, kotlinx-coroutines, Spring core, the Kotlin stdlib. */
    @ParameterizedTest
    @ValueSource(strings = {"com.google.common.collect.ImmutableList", "scala.collection.immutable.List", "org.h2.Driver",
            "kotlinx.coroutines.Job", "org.springframework.core.SpringVersion", "kotlin.Unit"})
    void everyClassOfARealJarComesOutAsTheFullPassMakesIt(String classInJar) throws Exception {
        ClassLoader loader = LoadTimeShortcutsTest.class.getClassLoader();
        Path jar = Path.of(Class.forName(classInJar, false, loader).getProtectionDomain().getCodeSource().getLocation().toURI());
        Report report = new Report(false);
        LoadTimeTransformer transformer = new LoadTimeTransformer(new ClassSelector(List.of("**"), List.of()), ALL_ROWS,
                Map.of(), null, report, false);
        TypeHierarchy hierarchy = new TypeHierarchy();
        Map<String, Long> fullPassSites = new HashMap<>();
        int rewritten = 0;
        int inPlace = 0;
        int spliced = 0;
        List<String> different = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (JarEntry entry : (Iterable<JarEntry>) file.stream()::iterator) {
                String path = entry.getName();
                if (!path.endsWith(".class") || path.startsWith("META-INF/") || path.endsWith("-info.class")) {
                    continue;
                }
                byte[] original;
                try (InputStream in = file.getInputStream(entry)) {
                    original = in.readAllBytes();
                }
                String className = path.substring(0, path.length() - ".class".length());
                byte[] fullPass = fullPass(original, loader, hierarchy, fullPassSites);
                byte[] shortcut = transformer.transform(null, loader, className, null, null, original);
                if (fullPass == null || shortcut == null) {
                    if (fullPass != shortcut) {
                        different.add(className + (fullPass == null ? ": rewritten, by the full pass not" : ": not rewritten"));
                    }
                    continue;
                }
                rewritten++;
                if (changedInPlace(original, shortcut)) {
                    inPlace++;
                }
                MonitorEntrySplicer plan = MonitorEntrySplicer.plan(new ClassFileIndex(original));
                if (plan != null && plan != MonitorEntrySplicer.NOT_HERE) {
                    spliced++;
                }
                if (!dump(shortcut, true).equals(dump(fullPass, false))) {
                    different.add(className);
                }
            }
        }
        assertEquals(List.of(), different, rewritten + " classes rewritten in " + jar);
        assertEquals(fullPassSites, report.rewrittenByKind(), "call sites rewritten in " + jar);
        assertTrue(rewritten > 10, rewritten + " classes rewritten in " + jar);
        assertTrue(inPlace > 0, "no class of " + jar + " rewritten in place");
        assertTrue(spliced > 0, "no class of " + jar + " with a monitor entry the splicer takes");
    }

    /**
     * Synchronized methods and blocks get the monitor entry call spliced in without ASM, as the full pass puts it,
     * branches, handlers, line numbers, local variables and frames moved with it; and the class runs.
     */
    @Test
    void monitorEntriesAreSplicedInAsTheFullPassPutsThem() throws Exception {
        for (Class<?> type : List.of(Monitors.class, MonitorOnlyClassesTest.OnlyMonitors.class)) {
            byte[] original;
            try (InputStream in = type.getClassLoader().getResourceAsStream(type.getName().replace('.', '/') + ".class")) {
                original = in.readAllBytes();
            }
            ClassFileIndex index = new ClassFileIndex(original);
            MonitorEntrySplicer plan = MonitorEntrySplicer.plan(index);
            assertNotNull(plan, type.getName());
            assertNotSame(MonitorEntrySplicer.NOT_HERE, plan, type.getName());
            Map<Rewrite, Integer> counts = new HashMap<>();
            byte[] spliced = MethodRefRetargeter.retarget(index, new int[0], 0,
                    ALL_ROWS.get(Rewrites.MONITOR_ENTRY_KEY).getFirst(), null, (methodref, opcode) -> null, counts);
            assertNotSame(MethodRefRetargeter.NOT_IN_PLACE, spliced, type.getName());
            Map<String, Long> fullPassSites = new HashMap<>();
            byte[] fullPass = fullPass(original, type.getClassLoader(), new TypeHierarchy(), fullPassSites);
            assertEquals(dump(fullPass, false), dump(spliced, true), type.getName());
            assertEquals(fullPassSites.values().iterator().next(), (long) counts.values().iterator().next(), type.getName());
        }
        assertEquals(11, new SplicingLoader().loadClass(Monitors.class.getName()).getMethod("run").invoke(null));
    }

    /** Monitor entries among branches, a loop, a handler, switches and a local variable's range. */
    public static final class Monitors {
        private static final Object LOCK = new Object();
        private static int count;

        public static int run() {
            int total = 0;
            for (int i = 0; i < 3; i++) {
                synchronized (LOCK) {
                    if (i == 1) {
                        continue;
                    }
                    total += bump();
                }
            }
            try {
                synchronized (LOCK) {
                    total += i(new StringBuilder("x").length());
                    if (total > 100) {
                        throw new IllegalStateException();
                    }
                }
            } catch (IllegalStateException e) {
                total = -1;
            }
            return total + nested() + switches(2) + switches(1000);
        }

        /** A table switch and a lookup switch after monitor entries, whose padding the move changes. */
        private static synchronized int switches(int key) {
            int result;
            synchronized (LOCK) {
                switch (key) {
                    case 0 -> result = 10;
                    case 1 -> result = 20;
                    case 2 -> result = 1;
                    case 3 -> result = 40;
                    default -> result = 0;
                }
            }
            return result + switch (key) {
                case 1000 -> 2;
                case -7 -> 3;
                case 123456 -> 4;
                default -> 0;
            };
        }

        private static synchronized int bump() {
            return ++count;
        }

        private static int i(int value) {
            return value;
        }

        private static int nested() {
            int total = 0;
            synchronized (LOCK) {
                synchronized (Monitors.class) {
                    while (total < 4) {
                        total++;
                    }
                }
            }
            return total;
        }
    }

    /** Defines {@link Monitors} from its spliced bytes, everything else from the parent. */
    private static final class SplicingLoader extends ClassLoader {
        SplicingLoader() {
            super(LoadTimeShortcutsTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.equals(Monitors.class.getName())) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded != null) {
                    return loaded;
                }
                byte[] original;
                try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                    original = in.readAllBytes();
                } catch (java.io.IOException e) {
                    throw new ClassNotFoundException(name, e);
                }
                byte[] spliced = MethodRefRetargeter.retarget(new ClassFileIndex(original), new int[0], 0,
                        ALL_ROWS.get(Rewrites.MONITOR_ENTRY_KEY).getFirst(), null, (methodref, opcode) -> null, new HashMap<>());
                return defineClass(name, spliced, 0, spliced.length);
            }
        }
    }

    /** The in-place rewrite touches nothing but the invoke: the class file's tail after the constant pool keeps its length. */
    @Test
    void aClassWhoseRewritesAreAllCallSitesIsRewrittenInPlace() throws Exception {
        byte[] original;
        try (InputStream in = LoadTimeShortcutsTest.class.getResourceAsStream("LoadTimeShortcutsTest$Clock.class")) {
            original = in.readAllBytes();
        }
        LoadTimeTransformer transformer = new LoadTimeTransformer(new ClassSelector(List.of("**"), List.of()), ALL_ROWS,
                Map.of(), null, new Report(false), false);
        byte[] rewritten = transformer.transform(null, LoadTimeShortcutsTest.class.getClassLoader(), "com/acme/Clock",
                null, null, original);
        assertNotNull(rewritten);
        assertTrue(changedInPlace(original, rewritten), "rewritten by ASM, not in place");
        assertTrue(dump(rewritten, true).contains("INVOKESTATIC io/greening/patch/ClockPatches.nanoTime ()J"),
                dump(rewritten, true));
    }

    /** Names one row's method and nothing else a row rewrites (no monitor entry either). */
    static final class Clock {
        long elapsed(long since) {
            return System.nanoTime() - since;
        }
    }

    /** The full pass the shortcuts stand in for: every method through {@link CallSiteRewriter}, null if nothing changes. */
    private static byte[] fullPass(byte[] original, ClassLoader loader, TypeHierarchy hierarchy, Map<String, Long> sites) {
        ClassReader reader = new ClassReader(original);
        ClassWriter writer = new ClassWriter(reader, 0);
        int[] count = {0};
        reader.accept(new CallSiteRewriter(writer, ALL_ROWS, hierarchy.forClass(loader, reader.getClassName(), reader.getSuperName(),
                reader.getInterfaces()), null, row -> {
            sites.merge(row.label(), 1L, Long::sum);
            count[0]++;
        }), 0);
        return count[0] == 0 ? null : writer.toByteArray();
    }

    /**
     * Whether {@code rewritten} is {@code original} with constant pool entries appended and invokes changed in place: the
     * same number of bytes after the constant pool, few of them different.
     */
    private static boolean changedInPlace(byte[] original, byte[] rewritten) {
        int end = new ClassFileIndex(original).constantPoolEnd;
        int shift = rewritten.length - original.length;
        if (shift <= 0 || new ClassFileIndex(rewritten).constantPoolEnd != end + shift) {
            return false;
        }
        int changed = 0;
        for (int i = end; i < original.length; i++) {
            if (original[i] != rewritten[i + shift]) {
                changed++;
            }
        }
        return changed > 0 && changed < (original.length - end) / 20;
    }

    /**
     * ASM's textual dump, frames expanded; for an in-place rewrite without the two {@code NOP}s that pad an
     * {@code invokeinterface} turned {@code invokestatic} of a patch method.
     */
    private static String dump(byte[] classFile, boolean dropPadding) {
        StringWriter text = new StringWriter();
        new ClassReader(classFile).accept(new TraceClassVisitor(new PrintWriter(text)), ClassReader.EXPAND_FRAMES);
        if (!dropPadding) {
            return text.toString();
        }
        List<String> lines = new ArrayList<>(text.toString().lines().toList());
        for (int i = 0; i + 2 < lines.size(); i++) {
            if (lines.get(i).contains("INVOKESTATIC io/greening/patch/") && lines.get(i + 1).strip().equals("NOP")
                    && lines.get(i + 2).strip().equals("NOP")) {
                lines.remove(i + 1);
                lines.remove(i + 1);
            }
        }
        return String.join("\n", lines) + "\n";
    }
}
