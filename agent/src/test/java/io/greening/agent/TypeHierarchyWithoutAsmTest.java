package io.greening.agent;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The header reads of {@link TypeHierarchy} need no ASM: a class rewritten in place ({@link MethodRefRetargeter}) whose
 * call site's owner is an application type asks for that type's supertypes, and that must neither load ASM nor run
 * its (otherwise little used, so interpreted) parser. Checked in a class loader that holds the agent's classes and
 * refuses every ASM class.
 */
class TypeHierarchyWithoutAsmTest {

    static class Worker extends Thread { }

    static class NightWorker extends Worker implements Runnable { }

    static class NotAThread { }

    @Test
    void headerReadsAnswerSubtypeQuestionsWithoutAsm() throws Exception {
        ClassLoader withoutAsm = new AgentWithoutAsm(getClass().getClassLoader());
        Class<?> hierarchyType = withoutAsm.loadClass(TypeHierarchy.class.getName());
        assertSame(withoutAsm, hierarchyType.getClassLoader());
        Constructor<?> make = hierarchyType.getDeclaredConstructor();
        make.setAccessible(true);
        Object hierarchy = make.newInstance();
        Method forClass = hierarchyType.getDeclaredMethod("forClass", ClassLoader.class, String.class, String.class, String[].class);
        forClass.setAccessible(true);
        // the class being transformed is some other class; NightWorker and Worker are read from their class files
        Object types = forClass.invoke(hierarchy, getClass().getClassLoader(), "com/acme/Caller", "java/lang/Object", new String[0]);
        Method isSubtype = withoutAsm.loadClass(CallSiteRewriter.Hierarchy.class.getName())
                .getDeclaredMethod("isSubtype", String.class, String.class);
        isSubtype.setAccessible(true);
        assertEquals(true, isSubtype.invoke(types, internalName(NightWorker.class), "java/lang/Thread"));
        assertEquals(true, isSubtype.invoke(types, internalName(NightWorker.class), "java/lang/Runnable"));
        assertEquals(false, isSubtype.invoke(types, internalName(NotAThread.class), "java/lang/Thread"));
        assertThrows(ClassNotFoundException.class, () -> withoutAsm.loadClass("org.objectweb.asm.ClassReader"));
    }

    private static String internalName(Class<?> type) {
        return type.getName().replace('.', '/');
    }

    /** Defines the agent's classes itself, from the parent's class files, and refuses ASM's. */
    private static final class AgentWithoutAsm extends ClassLoader {
        AgentWithoutAsm(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                if (name.startsWith("org.objectweb.asm.")) {
                    throw new ClassNotFoundException(name + " (refused: no ASM here)");
                }
                if (!name.startsWith("io.greening.agent.")) {
                    return super.loadClass(name, resolve);
                }
                Class<?> known = findLoadedClass(name);
                if (known != null) {
                    return known;
                }
                try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                    if (in == null) {
                        throw new ClassNotFoundException(name);
                    }
                    byte[] bytes = in.readAllBytes();
                    return defineClass(name, bytes, 0, bytes.length);
                } catch (java.io.IOException e) {
                    throw new ClassNotFoundException(name, e);
                }
            }
        }
    }
}
