package io.greening.agent;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The runtime as greening.jar carries it: every runtime class, each after its superclass and interfaces (the boot
 * loader can only define a class whose supertypes it has), read back as written; and the bundle the build wrote is that
 * of the runtime built with it.
 */
class RuntimeBundleTest {
    private static final Path RUNTIME_CLASSES = Path.of("../runtime/target/classes");

    @Test
    void everyRuntimeClassComesAfterItsSupertypesAndReadsBackAsWritten() throws Exception {
        Map<String, byte[]> classes = RuntimeBundleWriter.read(RUNTIME_CLASSES);
        assertTrue(classes.size() > 100, "the runtime's classes: " + classes.size());
        List<RuntimeBundle.Entry> ordered = RuntimeBundleWriter.definitionOrder(classes);
        assertEquals(classes.keySet(), names(ordered));
        assertSupertypesFirst(ordered);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RuntimeBundleWriter.write(ordered, out);
        List<RuntimeBundle.Entry> read = RuntimeBundle.read(out.toByteArray());
        assertEquals(ordered.size(), read.size());
        for (int i = 0; i < ordered.size(); i++) {
            assertEquals(ordered.get(i).name(), read.get(i).name());
            assertArrayEquals(ordered.get(i).classFile(), read.get(i).classFile());
        }
    }

    @Test
    void theBuiltBundleHoldsTheWholeRuntimeInTwoPartsEachInDefinitionOrderAndClosedUnderSupertypes() throws Exception {
        Path built = Path.of("target/classes").resolve(RuntimeBundle.RESOURCE);
        Path builtSecond = Path.of("target/classes").resolve(RuntimeBundle.SECOND_RESOURCE);
        assertTrue(Files.isRegularFile(built), built + " (written in process-classes)");
        List<RuntimeBundle.Entry> first = RuntimeBundle.read(Files.readAllBytes(built));
        List<RuntimeBundle.Entry> second = RuntimeBundle.read(Files.readAllBytes(builtSecond));
        Set<String> all = new java.util.TreeSet<>(names(first));
        all.addAll(names(second));
        assertEquals(RuntimeBundleWriter.read(RUNTIME_CLASSES).keySet(), all);
        assertEquals(first.size() + second.size(), all.size(), "no class in both parts");
        assertSupertypesFirstAndClosed(first, all);
        assertSupertypesFirstAndClosed(second, all);
        assertTrue(Files.isRegularFile(Path.of("target/classes").resolve(RuntimeBundle.DEFINER_RESOURCE)));
    }

    /** Two threads define the parts at once: the split keeps each class with its supertypes, and the halves even. */
    @Test
    void theTwoPartsAreClosedUnderSupertypesAndOfAboutEqualSize() throws Exception {
        List<RuntimeBundle.Entry> ordered = RuntimeBundleWriter.definitionOrder(RuntimeBundleWriter.read(RUNTIME_CLASSES));
        List<List<RuntimeBundle.Entry>> parts = RuntimeBundleWriter.twoParts(ordered);
        Set<String> all = names(ordered);
        assertSupertypesFirstAndClosed(parts.get(0), all);
        assertSupertypesFirstAndClosed(parts.get(1), all);
        assertEquals(ordered.size(), parts.get(0).size() + parts.get(1).size());
        long one = bytes(parts.get(0));
        long two = bytes(parts.get(1));
        assertTrue(Math.min(one, two) > 0.4 * (one + two), "parts of " + one + " and " + two + " bytes");
    }

    /** Every runtime supertype of a class of {@code part} comes before it in {@code part}. */
    private static void assertSupertypesFirstAndClosed(List<RuntimeBundle.Entry> part, Set<String> runtime) {
        Set<String> defined = new HashSet<>();
        for (RuntimeBundle.Entry entry : part) {
            for (String supertype : RuntimeBundleWriter.supertypes(entry.classFile())) {
                if (runtime.contains(supertype)) {
                    assertTrue(defined.contains(supertype), entry.name() + " before, or apart from, its supertype " + supertype);
                }
            }
            defined.add(entry.name());
        }
    }

    private static long bytes(List<RuntimeBundle.Entry> entries) {
        long sum = 0;
        for (RuntimeBundle.Entry entry : entries) {
            sum += entry.classFile().length;
        }
        return sum;
    }

    @Test
    void notABundleIsOneClearError() {
        Exception e = assertThrows(java.io.IOException.class, () -> RuntimeBundle.read(new byte[] {1, 2, 3, 4, 0, 0, 0, 0}));
        assertEquals("not a greening runtime bundle", e.getMessage());
        byte[] header = {0x47, 0x52, 0x54, 0x01, 0, 0, 0, 2, 0, 3, 'a', '.', 'B', 0, 0, 0, 9, 1, 2};
        e = assertThrows(java.io.IOException.class, () -> RuntimeBundle.read(header));
        assertEquals("a truncated greening runtime bundle", e.getMessage());
    }

    private static void assertSupertypesFirst(List<RuntimeBundle.Entry> ordered) {
        Set<String> all = names(ordered);
        Set<String> defined = new HashSet<>();
        for (RuntimeBundle.Entry entry : ordered) {
            for (String supertype : RuntimeBundleWriter.supertypes(entry.classFile())) {
                if (all.contains(supertype)) {
                    assertTrue(defined.contains(supertype), entry.name() + " before its supertype " + supertype);
                }
            }
            defined.add(entry.name());
        }
    }

    private static Set<String> names(List<RuntimeBundle.Entry> entries) {
        Set<String> names = new java.util.TreeSet<>();
        for (RuntimeBundle.Entry entry : entries) {
            names.add(entry.name());
        }
        return names;
    }
}
