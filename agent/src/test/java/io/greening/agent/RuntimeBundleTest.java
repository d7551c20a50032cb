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
        RuntimeBundleWriter.write(ordered, 7, out);
        List<RuntimeBundle.Entry> read = RuntimeBundle.read(out.toByteArray());
        assertEquals(7, new RuntimeBundle(new java.io.ByteArrayInputStream(out.toByteArray())).early());
        assertEquals(ordered.size(), read.size());
        for (int i = 0; i < ordered.size(); i++) {
            assertEquals(ordered.get(i).name(), read.get(i).name());
            assertArrayEquals(ordered.get(i).classFile(), read.get(i).classFile());
        }
    }

    @Test
    void theBuiltBundleHoldsTheWholeRuntimeInDefinitionOrder() throws Exception {
        Path built = Path.of("target/classes").resolve(RuntimeBundle.RESOURCE);
        assertTrue(Files.isRegularFile(built), built + " (written in process-classes)");
        List<RuntimeBundle.Entry> bundled = RuntimeBundle.read(Files.readAllBytes(built));
        assertEquals(RuntimeBundleWriter.read(RUNTIME_CLASSES).keySet(), names(bundled));
        assertSupertypesFirst(bundled);
        assertTrue(Files.isRegularFile(Path.of("target/classes").resolve(RuntimeBundle.DEFINER_RESOURCE)));
        int early = new RuntimeBundle(new java.io.ByteArrayInputStream(Files.readAllBytes(built))).early();
        assertEquals(RuntimeBundleWriter.earlyClosure(RuntimeBundleWriter.read(RUNTIME_CLASSES)), names(bundled.subList(0, early)));
    }

    /**
     * premain parses the settings with the bundle's first classes alone, in a loader of its own; the set-up thread
     * defines them into the boot loader first, builds the rows, and only then defines the rest. So the early classes
     * must be all that the parse and the rows' classes may load: a runtime class resolved before it is defined fails
     * for good (NoClassDefFoundError). And they must be few.
     */
    @Test
    void theEarlyClassesHoldEveryRuntimeClassTheyOrPremainsOwnClassesName() throws Exception {
        Map<String, byte[]> classes = RuntimeBundleWriter.read(RUNTIME_CLASSES);
        List<RuntimeBundle.Entry> ordered = RuntimeBundleWriter.definitionOrder(classes);
        Set<String> early = RuntimeBundleWriter.earlyClosure(classes);
        assertEquals(early, names(ordered.subList(0, early.size())), "the early classes come first");
        assertTrue(early.contains("io.greening.internal.Settings") && early.contains("io.greening.HubOptions"), early.toString());
        assertTrue(early.size() < 20, "few: " + early);
        for (String name : early) {
            Set<String> named = RuntimeBundleWriter.namedRuntimeClasses(classes.get(name), classes.keySet());
            assertTrue(early.containsAll(named), name + " names " + named);
        }
        // premain's parse in a loader of its own has only the early classes; the set-up thread builds the rows once only
        // they are in the boot loader
        for (String agentClass : List.of("AgentOptions", "SettingsCheck", "Rewrites", "Rewrites$Rewrite", "Rewrites$Kind",
                "CallSiteFilter", "ClassFileIndex", "GreeningAgent$SetUp")) {
            byte[] bytes = Files.readAllBytes(Path.of("target/classes/io/greening/agent/" + agentClass + ".class"));
            Set<String> named = RuntimeBundleWriter.namedRuntimeClasses(bytes, classes.keySet());
            assertTrue(early.containsAll(named), agentClass + " names " + named + ", not all early");
        }
        byte[] installer = Files.readAllBytes(Path.of("target/classes/io/greening/agent/Installer.class"));
        assertFalse(early.containsAll(RuntimeBundleWriter.namedRuntimeClasses(installer, classes.keySet())),
                "the check sees a class that names later runtime classes");
    }

    @Test
    void notABundleIsOneClearError() {
        Exception e = assertThrows(java.io.IOException.class, () -> RuntimeBundle.read(new byte[] {1, 2, 3, 4, 0, 0, 0, 0}));
        assertEquals("not a greening runtime bundle", e.getMessage());
        byte[] header = {0x47, 0x52, 0x54, 0x02, 0, 0, 0, 2, 0, 0, 0, 1, 0, 3, 'a', '.', 'B', 0, 0, 0, 9, 1, 2};
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
