package io.greening.agent;

import io.greening.agent.Rewrites.Rewrite;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.Type;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** Every row names a JDK method that exists and a public static patch method of the derived shape. */
class RewritesTest {
    @Test
    void everyRowHasItsJdkMethodAndItsPatchMethod() throws Exception {
        Set<String> seen = new HashSet<>();
        for (Rewrite row : Rewrites.ALL) {
            assertTrue(seen.add(row.opcode() + " " + row.owner() + "." + row.name() + row.descriptor()), "duplicate row " + row);
            Class<?> owner = Class.forName(row.owner().replace('/', '.'));
            Type[] args = Type.getArgumentTypes(row.descriptor());
            Class<?>[] params = new Class<?>[args.length];
            for (int i = 0; i < args.length; i++) {
                params[i] = classOf(args[i]);
            }
            if (row.kind() == Rewrites.Kind.CONSTRUCTOR) {
                assertNotNull(owner.getConstructor(params), row.toString());
            } else {
                Method jdk = owner.getMethod(row.name(), params);
                assertEquals(Type.getMethodDescriptor(jdk), row.descriptor(), row.toString());
                assertEquals(row.opcode() == org.objectweb.asm.Opcodes.INVOKESTATIC, Modifier.isStatic(jdk.getModifiers()), row.toString());
            }
            Method patch = findPatch(row);
            assertNotNull(patch, "no public static " + row.patchClass() + "." + row.patchMethod() + row.patchDescriptor());
            assertTrue(Modifier.isStatic(patch.getModifiers()) && Modifier.isPublic(patch.getModifiers()), row.toString());
        }
    }

    private static Method findPatch(Rewrite row) throws ClassNotFoundException {
        Class<?> patchClass = Class.forName(row.patchClass().replace('/', '.'));
        assertTrue(row.patchClass().startsWith(Rewrites.PATCH_PACKAGE));
        for (Method m : patchClass.getMethods()) {
            if (m.getName().equals(row.patchMethod()) && Type.getMethodDescriptor(m).equals(row.patchDescriptor())) {
                return m;
            }
        }
        return null;
    }

    private static Class<?> classOf(Type type) throws ClassNotFoundException {
        return switch (type.getSort()) {
            case Type.BOOLEAN -> boolean.class;
            case Type.INT -> int.class;
            case Type.LONG -> long.class;
            case Type.ARRAY -> Class.forName(type.getDescriptor().replace('/', '.'));
            case Type.OBJECT -> Class.forName(type.getClassName());
            default -> throw new AssertionError("add the sort of " + type);
        };
    }

    @Test
    void patchDescriptorsPutTheReceiverFirst() {
        Rewrite join = Rewrites.call(AgentOptions.Group.THREADS, org.objectweb.asm.Opcodes.INVOKEVIRTUAL,
                "java/lang/Thread", "join", "(J)V", "ThreadPatches#join");
        assertEquals("(Ljava/lang/Thread;J)V", join.patchDescriptor());
        assertEquals("io/greening/patch/ThreadPatches", join.patchClass());
        assertEquals("Thread.join", join.label());
        Rewrite tpe = Rewrites.constructor(AgentOptions.Group.THREADS, "java/util/concurrent/ScheduledThreadPoolExecutor",
                "(I)V", "ThreadPatches#newScheduledThreadPoolExecutor");
        assertEquals("(I)Ljava/util/concurrent/ScheduledThreadPoolExecutor;", tpe.patchDescriptor());
        assertEquals("new ScheduledThreadPoolExecutor", tpe.label());
    }
}
