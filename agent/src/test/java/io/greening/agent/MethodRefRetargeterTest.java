package io.greening.agent;

import io.greening.agent.Rewrites.Kind;
import io.greening.agent.Rewrites.Rewrite;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.util.CheckClassAdapter;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;
import static org.objectweb.asm.Opcodes.INVOKESTATIC;

/**
 * The in-place rewrite of the JDK classes the table names, checked against ASM's reading of the same class files: every
 * call site a row names (and only those) becomes the patch method's invokestatic, every other instruction of every
 * method stays as it was, and the result passes ASM's class checks.
 */
class MethodRefRetargeterTest {

    @Test
    void rewritesExactlyTheRowsCallSitesInEveryJdkClassTheTableNames() throws Exception {
        List<Rewrite> jdkRows = new ArrayList<>();
        for (Rewrite row : Rewrites.ALL) {
            if (row.kind() == Kind.JDK_CALL) {
                jdkRows.add(row);
            }
        }
        Set<String> classes = new LinkedHashSet<>();
        for (Rewrite row : jdkRows) {
            classes.addAll(row.jdkClasses());
        }
        assertTrue(classes.contains("java/lang/VirtualThread"));
        for (String jdkClass : classes) {
            List<Rewrite> here = new ArrayList<>();
            for (Rewrite row : jdkRows) {
                if (row.jdkClasses().contains(jdkClass)) {
                    here.add(row);
                }
            }
            byte[] original = classFile(jdkClass);
            Map<Rewrite, Integer> counts = new LinkedHashMap<>();
            byte[] rewritten = MethodRefRetargeter.rewrite(original, here, counts);
            assertNotNull(rewritten, jdkClass + " holds a call site of its rows");
            assertSameCodeButTheRowsCallSites(jdkClass, original, rewritten, here, counts);
            assertChecks(jdkClass, rewritten);
        }
    }

    @Test
    void aClassWithoutTheRowsCallSitesIsLeftAlone() throws Exception {
        List<Rewrite> virtualThreadRows = new ArrayList<>();
        for (Rewrite row : Rewrites.ALL) {
            if (row.kind() == Kind.JDK_CALL && row.jdkClasses().contains("java/lang/VirtualThread")) {
                virtualThreadRows.add(row);
            }
        }
        Map<Rewrite, Integer> counts = new LinkedHashMap<>();
        assertNull(MethodRefRetargeter.rewrite(classFile("java/lang/String"), virtualThreadRows, counts));
        assertTrue(counts.isEmpty());
    }

    private static void assertSameCodeButTheRowsCallSites(String jdkClass, byte[] original, byte[] rewritten,
                                                          List<Rewrite> rows, Map<Rewrite, Integer> counts) {
        ClassNode before = node(original);
        ClassNode after = node(rewritten);
        assertEquals(before.methods.size(), after.methods.size());
        Map<Rewrite, Integer> expected = new LinkedHashMap<>();
        for (int m = 0; m < before.methods.size(); m++) {
            MethodNode was = before.methods.get(m);
            MethodNode is = after.methods.get(m);
            assertEquals(was.name + was.desc, is.name + is.desc);
            assertEquals(was.instructions.size(), is.instructions.size(), jdkClass + "." + was.name);
            for (int i = 0; i < was.instructions.size(); i++) {
                AbstractInsnNode a = was.instructions.get(i);
                AbstractInsnNode b = is.instructions.get(i);
                Rewrite row = a instanceof MethodInsnNode call ? rowOf(call, rows) : null;
                if (row != null) {
                    MethodInsnNode patched = (MethodInsnNode) b;
                    assertEquals(INVOKESTATIC, patched.getOpcode());
                    assertEquals(row.patchClass(), patched.owner);
                    assertEquals(row.patchMethod(), patched.name);
                    assertEquals(row.patchDescriptor(), patched.desc);
                    expected.merge(row, 1, Integer::sum);
                } else {
                    assertEquals(describe(a), describe(b), jdkClass + "." + was.name + " instruction " + i);
                }
            }
        }
        assertFalse(expected.isEmpty(), jdkClass);
        assertEquals(expected, counts, jdkClass);
    }

    private static Rewrite rowOf(MethodInsnNode call, List<Rewrite> rows) {
        for (Rewrite row : rows) {
            if (row.opcode() == call.getOpcode() && row.owner().equals(call.owner) && row.name().equals(call.name)
                    && row.descriptor().equals(call.desc)) {
                return row;
            }
        }
        return null;
    }

    private static String describe(AbstractInsnNode insn) {
        if (insn instanceof MethodInsnNode call) {
            return call.getOpcode() + " " + call.owner + "." + call.name + call.desc;
        }
        return insn.getClass().getSimpleName() + " " + insn.getOpcode();
    }

    private static void assertChecks(String jdkClass, byte[] rewritten) {
        StringWriter problems = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(rewritten), null, false, new PrintWriter(problems));
        assertEquals("", problems.toString(), jdkClass);
    }

    private static ClassNode node(byte[] classFile) {
        ClassNode node = new ClassNode();
        new ClassReader(classFile).accept(node, 0);
        return node;
    }

    private static byte[] classFile(String internalName) throws Exception {
        Module module = Class.forName(internalName.replace('/', '.'), false, ClassLoader.getPlatformClassLoader()).getModule();
        try (InputStream in = module.getResourceAsStream(internalName + ".class")) {
            assertNotNull(in, internalName);
            return in.readAllBytes();
        }
    }
}
