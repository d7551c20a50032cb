package io.greening.agent;

import io.greening.agent.Rewrites.Rewrite;
import io.greening.internal.PatchGroup;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The pre-scan's view without the table ({@link RowNames}), used while the set-up thread builds it: its lists are the
 * table's (written into its class file at build time, {@link RowNamesWriter}), so that it never lets through a class
 * with something to rewrite.
 */
class RowNamesTest {

    @Test
    void theListsAreTheTablesCallNamesAndConstructedClasses() {
        Set<String> called = new TreeSet<>();
        Set<String> constructed = new TreeSet<>();
        for (Rewrite row : Rewrites.ALL) {
            switch (row.kind()) {
                case CALL -> called.add(row.name());
                case CONSTRUCTOR -> constructed.add(row.owner());
                default -> { }
            }
        }
        assertNotNull(RowNames.CALLED, "the build did not write the table's names into RowNames.class");
        assertNotNull(RowNames.CONSTRUCTED, "the build did not write the table's names into RowNames.class");
        assertEquals(called, new TreeSet<>(List.of(RowNames.CALLED)));
        assertEquals(constructed, new TreeSet<>(List.of(RowNames.CONSTRUCTED)));
    }

    @Test
    void withoutTheBuildsNamesEveryClassMayHaveSomethingToRewrite() throws Exception {
        // RowNames as javac compiled it, before RowNamesWriter: it must let every class through to the table
        Class<?> compiled = new ClassLoader(getClass().getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (!name.equals(RowNames.class.getName())) {
                    return super.loadClass(name, resolve);
                }
                synchronized (getClassLoadingLock(name)) {
                    Class<?> known = findLoadedClass(name);
                    if (known != null) {
                        return known;
                    }
                    try {
                        byte[] bytes = withoutNames(classFileOf(RowNames.class));
                        return defineClass(name, bytes, 0, bytes.length);
                    } catch (java.io.IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
            }
        }.loadClass(RowNames.class.getName());
        var mayRewrite = compiled.getDeclaredMethod("mayRewrite", byte[].class, boolean.class);
        mayRewrite.setAccessible(true);
        byte[] nothing = classFileOf(SetUpOnItsOwnThreadTest.NothingToRewrite.class);
        assertFalse(RowNames.mayRewrite(nothing, true));
        assertEquals(true, mayRewrite.invoke(null, nothing, true));
    }

    /** RowNames' class file with its name methods returning null again, as javac writes them. */
    private static byte[] withoutNames(byte[] rowNames) {
        var reader = new org.objectweb.asm.ClassReader(rowNames);
        var writer = new org.objectweb.asm.ClassWriter(reader, org.objectweb.asm.ClassWriter.COMPUTE_MAXS);
        reader.accept(new org.objectweb.asm.ClassVisitor(org.objectweb.asm.Opcodes.ASM9, writer) {
            @Override
            public org.objectweb.asm.MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                                               String[] exceptions) {
                var target = super.visitMethod(access, name, descriptor, signature, exceptions);
                if (!name.equals(RowNamesWriter.CALLED_METHOD) && !name.equals(RowNamesWriter.CONSTRUCTED_METHOD)) {
                    return target;
                }
                target.visitCode();
                target.visitInsn(org.objectweb.asm.Opcodes.ACONST_NULL);
                target.visitInsn(org.objectweb.asm.Opcodes.ARETURN);
                target.visitMaxs(0, 0);
                target.visitEnd();
                return null;
            }
        }, 0);
        return writer.toByteArray();
    }

    private static byte[] classFileOf(Class<?> type) throws java.io.IOException {
        try (var in = type.getClassLoader().getResourceAsStream(type.getName().replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
    }

    @Test
    void theMonitorEntryRowIsInForceExactlyWhenTheTableSaysSo() {
        for (PatchGroup group : PatchGroup.values()) {
            for (Set<PatchGroup> groups : List.of(EnumSet.of(group), EnumSet.complementOf(EnumSet.of(group)))) {
                assertEquals(Rewrites.index(groups).containsKey(Rewrites.MONITOR_ENTRY_KEY), AgentOptions.monitorEntriesIn(groups),
                        groups.toString());
            }
        }
    }

    @Test
    void itLetsThroughEveryClassThePreScanLetsThrough() throws Exception {
        // every fixture with rewrites, under every group: RowNames may say yes more often, never no when the table says yes
        for (Class<?> type : List.of(io.greening.agent.fixtures.ThreadsFixture.class, io.greening.agent.fixtures.WaitsFixture.class,
                io.greening.agent.fixtures.MainFixture.class, MonitorOnlyClassesTest.OnlyMonitors.class,
                SetUpOnItsOwnThreadTest.NothingToRewrite.class)) {
            byte[] bytes;
            try (var in = type.getClassLoader().getResourceAsStream(type.getName().replace('.', '/') + ".class")) {
                bytes = in.readAllBytes();
            }
            for (PatchGroup group : PatchGroup.values()) {
                Set<PatchGroup> groups = EnumSet.of(group);
                boolean tableSaysYes = new CallSiteFilter(Rewrites.index(groups), new TypeHierarchy()).scan(bytes) != null;
                if (tableSaysYes) {
                    assertTrue(RowNames.mayRewrite(bytes, AgentOptions.monitorEntriesIn(groups)), type + " under " + group);
                }
            }
        }
        byte[] nothing;
        try (var in = getClass().getClassLoader().getResourceAsStream(
                SetUpOnItsOwnThreadTest.NothingToRewrite.class.getName().replace('.', '/') + ".class")) {
            nothing = in.readAllBytes();
        }
        assertFalse(RowNames.mayRewrite(nothing, true));
    }
}
