package io.greening.agent;

import io.greening.agent.Rewrites.Kind;
import io.greening.agent.Rewrites.Rewrite;
import io.greening.internal.PatchGroup;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The one table test: every row of {@link Rewrites} names JDK code that exists in this JDK (25) as the row says, and
 * a public static patch method of exactly the shape the row implies; every group has rows.
 */
class RewritesTest {
    @Test
    void everyRowHasItsJdkCodeAndItsPatchMethod() throws Exception {
        Set<String> seen = new HashSet<>();
        for (Rewrite row : Rewrites.ALL) {
            assertTrue(seen.add(row.kind() + " " + row.opcode() + " " + row.owner() + "." + row.name() + row.descriptor()
                    + " " + row.jdkClasses()), "duplicate row " + row);
            switch (row.kind()) {
                case CALL -> assertPublicJdkMethod(row);
                case CONSTRUCTOR -> assertNotNull(Class.forName(binaryName(row.owner())).getConstructor(parameters(row.descriptor())), row.toString());
                case JDK_CALL -> assertJdkCallSites(row);
                case MAIN_PROLOGUE -> assertEquals("main([Ljava/lang/String;)V", row.name() + row.descriptor(), row.toString());
                case MONITOR_ENTRY -> assertEquals(Rewrites.MONITOR_ENTRY_KEY, row.name() + row.descriptor(), row.toString());
            }
            assertTrue(row.patchClass().startsWith(Rewrites.PATCH_PACKAGE), row.toString());
            Method patch = findPatch(row);
            assertNotNull(patch, "no public static " + row.patchClass() + "." + row.patchMethod() + row.patchDescriptor());
            assertTrue(Modifier.isStatic(patch.getModifiers()) && Modifier.isPublic(patch.getModifiers())
                    && Modifier.isPublic(patch.getDeclaringClass().getModifiers()), row.toString());
        }
    }

    /**
     * A pool constructor without a row keeps platform workers in selected code: HikariCP's housekeeper, built with
     * {@code new ScheduledThreadPoolExecutor(1, factory, new DiscardPolicy())}, stayed a platform thread in a
     * greened Spring Boot app (SpringBootIT) while the other three constructors had rows.
     */
    @Test
    void everyPublicConstructorOfTheJdkThreadPoolsHasARow() {
        for (Class<?> pool : List.of(java.util.concurrent.ThreadPoolExecutor.class,
                java.util.concurrent.ScheduledThreadPoolExecutor.class)) {
            for (java.lang.reflect.Constructor<?> constructor : pool.getConstructors()) {
                String descriptor = Type.getConstructorDescriptor(constructor);
                assertTrue(Rewrites.ALL.stream().anyMatch(row -> row.kind() == Kind.CONSTRUCTOR
                                && row.owner().equals(Type.getInternalName(pool)) && row.descriptor().equals(descriptor)),
                        "no row for new " + pool.getSimpleName() + descriptor);
            }
        }
    }

    @Test
    void staticRowsAreOnClassesWhoseSubclassesInheritThem() throws Exception {
        // a static row matches call sites on subtypes (Rewrite.matchesSubtypes): an interface's statics are not inherited
        for (Rewrite row : Rewrites.ALL) {
            if (row.kind() == Rewrites.Kind.CALL && row.opcode() == Opcodes.INVOKESTATIC) {
                assertFalse(Class.forName(binaryName(row.owner())).isInterface(), row.toString());
            }
        }
    }

    @Test
    void everyGroupHasRowsAndOnlyJdkRowsWaitForTheVirtualClock() {
        Set<PatchGroup> groups = EnumSet.noneOf(PatchGroup.class);
        for (Rewrite row : Rewrites.ALL) {
            groups.add(row.group());
            assertTrue(!row.virtualClockOnly() || row.kind() == Kind.JDK_CALL, row.toString());
            assertEquals(row.kind() == Kind.MAIN_PROLOGUE, row.group() == PatchGroup.MAIN, row.toString());
        }
        assertEquals(EnumSet.allOf(PatchGroup.class), groups);
    }

    @Test
    void jdkRowsApplyByGroupAndClockAndNeverToLoadingClasses() {
        Set<PatchGroup> all = EnumSet.allOf(PatchGroup.class);
        assertEquals(List.of("ThreadBuilders.newVirtualThread in java.lang", "Executors.newCachedThreadPool in jdk.internal.net.http",
                        "VirtualThread.schedule"),
                Rewrites.jdkRows(all, false).stream().map(Rewrite::label).toList());
        assertEquals(List.of("ThreadBuilders.newVirtualThread in java.lang", "Executors.newCachedThreadPool in jdk.internal.net.http",
                        "System.nanoTime in java.util.concurrent", "LockSupport.park in sun.nio.ch", "LockSupport.parkNanos in sun.nio.ch",
                        "VirtualThread.schedule"),
                Rewrites.jdkRows(all, true).stream().map(Rewrite::label).toList());
        assertEquals(List.of("ThreadBuilders.newVirtualThread in java.lang", "Executors.newCachedThreadPool in jdk.internal.net.http"),
                Rewrites.jdkRows(EnumSet.of(PatchGroup.THREADS), true).stream().map(Rewrite::label).toList());
        assertEquals(List.of(), Rewrites.jdkRows(EnumSet.of(PatchGroup.SLEEPS), true));
        assertTrue(Rewrites.index(all).values().stream().flatMap(List::stream).noneMatch(row -> row.kind() == Kind.JDK_CALL));
        assertTrue(Rewrites.index(EnumSet.of(PatchGroup.THREADS)).values().stream().flatMap(List::stream)
                .noneMatch(row -> row.kind() == Kind.MAIN_PROLOGUE), "the prologue comes with main=green only");
    }

    @Test
    void patchDescriptorsPutTheReceiverFirst() {
        Rewrite join = Rewrites.call(PatchGroup.THREADS, Opcodes.INVOKEVIRTUAL, "java/lang/Thread", "join", "(J)V", "ThreadPatches#join");
        assertEquals("(Ljava/lang/Thread;J)V", join.patchDescriptor());
        assertEquals("io/greening/patch/ThreadPatches", join.patchClass());
        assertEquals("Thread.join", join.label());
        Rewrite tpe = Rewrites.constructor(PatchGroup.THREADS, "java/util/concurrent/ScheduledThreadPoolExecutor",
                "(I)V", "ThreadPatches#newScheduledThreadPoolExecutor");
        assertEquals("(I)Ljava/util/concurrent/ScheduledThreadPoolExecutor;", tpe.patchDescriptor());
        assertEquals("new ScheduledThreadPoolExecutor", tpe.label());
        Rewrite hidden = Rewrites.insideJdk(PatchGroup.TIMED_WAITS, List.of("java/lang/VirtualThread"), Opcodes.INVOKEVIRTUAL,
                "java/lang/VirtualThread", "park", "()V", "X#park").receivedAs("java/lang/Thread");
        assertEquals("(Ljava/lang/Thread;)V", hidden.patchDescriptor());
        assertEquals("([Ljava/lang/String;Ljava/lang/Class;)Z", Rewrites.mainPrologue("GreenMain#enter").patchDescriptor());
    }

    /** docs/sockets.md shows the sockets rows as they are written in the table: the same rows, in the same order. */
    @Test
    void theSocketRowsTheDocsShowAreTheTablesRows() throws IOException {
        List<String> documented = Files.readAllLines(Path.of("../docs/sockets.md")).stream()
                .filter(line -> line.startsWith("constructor(SOCKETS, ") || line.startsWith("call(SOCKETS, ")).toList();
        List<String> table = Rewrites.ALL.stream().filter(row -> row.group() == PatchGroup.SOCKETS).map(RewritesTest::asWritten).toList();
        assertEquals(table, documented);
    }

    /** A row as the table's source writes it, e.g. {@code call(SOCKETS, INVOKEVIRTUAL, "java/nio/...", ...),}. */
    private static String asWritten(Rewrite row) {
        String patch = "\"" + row.patchClass().substring(Rewrites.PATCH_PACKAGE.length()) + "#" + row.patchMethod() + "\"),";
        String group = row.group().name();
        return switch (row.kind()) {
            case CONSTRUCTOR -> "constructor(" + group + ", \"" + row.owner() + "\", \"" + row.descriptor() + "\", " + patch;
            case CALL -> "call(" + group + ", " + OPCODES.get(row.opcode()) + ", \"" + row.owner() + "\", \"" + row.name()
                    + "\", \"" + row.descriptor() + "\", " + patch;
            default -> throw new AssertionError("not a row of selected classes: " + row);
        };
    }

    private static final Map<Integer, String> OPCODES = Map.of(Opcodes.INVOKESTATIC, "INVOKESTATIC",
            Opcodes.INVOKEVIRTUAL, "INVOKEVIRTUAL", Opcodes.INVOKEINTERFACE, "INVOKEINTERFACE", Opcodes.INVOKESPECIAL, "INVOKESPECIAL");

    /**
     * A call row: the JDK's public method, static exactly when the opcode is, on an interface exactly when
     * invokeinterface; the patch takes the owner as its receiver, or a public supertype that declares the same method
     * (one patch method for an interface and the JDK classes implementing it).
     */
    private static void assertPublicJdkMethod(Rewrite row) throws ClassNotFoundException, NoSuchMethodException {
        Class<?> owner = Class.forName(binaryName(row.owner()));
        Method jdk = owner.getMethod(row.name(), parameters(row.descriptor()));
        assertEquals(Type.getMethodDescriptor(jdk), row.descriptor(), row.toString());
        assertEquals(row.opcode() == Opcodes.INVOKESTATIC, Modifier.isStatic(jdk.getModifiers()), row.toString());
        assertEquals(row.opcode() == Opcodes.INVOKEINTERFACE, owner.isInterface(), row.toString());
        Class<?> receiver = Class.forName(binaryName(row.receiver()));
        assertTrue(receiver.isAssignableFrom(owner) && Modifier.isPublic(receiver.getModifiers()), row.toString());
        assertNotNull(receiver.getMethod(row.name(), parameters(row.descriptor())), row.toString());
    }

    /**
     * A row inside the JDK: the method called is declared by its owner, the receiver the patch takes is a supertype of
     * the owner, and every class listed exists and holds at least one such call site with the row's opcode.
     */
    private static void assertJdkCallSites(Rewrite row) throws ClassNotFoundException, IOException {
        Class<?> owner = Class.forName(binaryName(row.owner()), false, null);
        assertTrue(declares(row.owner(), row.name(), row.descriptor()), "no " + row.owner() + "." + row.name() + row.descriptor());
        if (row.opcode() != Opcodes.INVOKESTATIC) {   // a static call has no receiver: its patch takes the JDK's arguments
            assertTrue(Class.forName(binaryName(row.receiver()), false, null).isAssignableFrom(owner), row.toString());
            assertTrue(Modifier.isPublic(Class.forName(binaryName(row.receiver()), false, null).getModifiers()), row.toString());
        }
        assertFalse(row.jdkClasses().isEmpty(), row.toString());
        Module module = Class.forName(binaryName(row.jdkClasses().getFirst()), false, ClassLoader.getPlatformClassLoader()).getModule();
        assertEquals(module == Object.class.getModule(), JdkCallSites.inJavaBase(row), row.toString());
        for (String jdkClass : row.jdkClasses()) {
            Class<?> c = Class.forName(binaryName(jdkClass), false, ClassLoader.getPlatformClassLoader());
            assertSame(module, c.getModule(), "every class of a row in one module: " + row);
            assertTrue(c.getClassLoader() == null || c.getClassLoader() == ClassLoader.getPlatformClassLoader(),
                    jdkClass + " is a class of the JDK's own loaders");
            assertTrue(callSites(jdkClass, row) > 0, jdkClass + " holds no call " + row.owner() + "." + row.name() + row.descriptor());
        }
    }

    private static boolean declares(String owner, String name, String descriptor) throws IOException, ClassNotFoundException {
        boolean[] found = new boolean[1];
        read(owner, new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String method, String desc, String signature, String[] exceptions) {
                found[0] |= method.equals(name) && desc.equals(descriptor);
                return null;
            }
        });
        return found[0];
    }

    private static int callSites(String jdkClass, Rewrite row) throws IOException, ClassNotFoundException {
        int[] count = new int[1];
        read(jdkClass, new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String method, String desc, String signature, String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
                        if (opcode == row.opcode() && owner.equals(row.owner()) && name.equals(row.name())
                                && descriptor.equals(row.descriptor())) {
                            count[0]++;
                        }
                    }
                };
            }
        });
        return count[0];
    }

    private static void read(String internalName, ClassVisitor visitor) throws IOException, ClassNotFoundException {
        Module module = Class.forName(binaryName(internalName), false, ClassLoader.getPlatformClassLoader()).getModule();
        try (InputStream in = module.getResourceAsStream(internalName + ".class")) {
            assertNotNull(in, internalName + " in " + module);
            new ClassReader(in).accept(visitor, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        }
    }

    private static Method findPatch(Rewrite row) throws ClassNotFoundException {
        Class<?> patchClass = Class.forName(binaryName(row.patchClass()));
        for (Method m : patchClass.getMethods()) {
            if (m.getName().equals(row.patchMethod()) && Type.getMethodDescriptor(m).equals(row.patchDescriptor())) {
                return m;
            }
        }
        return null;
    }

    private static String binaryName(String internalName) {
        return internalName.replace('/', '.');
    }

    private static Class<?>[] parameters(String descriptor) throws ClassNotFoundException {
        Type[] args = Type.getArgumentTypes(descriptor);
        Class<?>[] params = new Class<?>[args.length];
        for (int i = 0; i < args.length; i++) {
            params[i] = classOf(args[i]);
        }
        return params;
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
}
