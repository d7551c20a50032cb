package io.greening.agent;

import org.objectweb.asm.ClassReader;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Puts greening's runtime into the boot loader, so that every class loader, {@code java.base} included (the
 * retransformed JDK classes call {@code io.greening.patch}), shares its one copy: greening.jar holds the runtime's
 * class files under {@link #RUNTIME_PREFIX}, a path no class loader searches, and each is defined into the boot loader
 * at start, supertypes first.
 *
 * <p>Not by appending a jar to the boot class path: that would need a file (left in the temporary directory when the
 * JVM is killed) and makes the JVM print "Sharing is only supported for boot loader classes because bootstrap
 * classpath has been appended" and turn class data sharing off for every class outside the boot loader. The classes are
 * defined eagerly, all of them, since the boot loader cannot ask for a class it lacks.
 */
final class RuntimePlacement {
    /** Where greening.jar keeps the runtime's class files, out of every class loader's reach. */
    static final String RUNTIME_PREFIX = "META-INF/greening-runtime/";
    /** A runtime class that is there once the runtime is in the boot loader. */
    private static final String PROBE = "io.greening.patch.GreenThreads";

    private RuntimePlacement() {}

    /**
     * Defines the runtime's classes into the boot loader, unless they are there already (a second attach, or the
     * runtime jar given with {@code -Xbootclasspath/a}); returns how many it defined.
     */
    static int defineRuntime(Instrumentation instrumentation) throws IOException, ReflectiveOperationException, URISyntaxException {
        if (inBootLoader(PROBE)) {
            return 0;
        }
        Map<String, byte[]> classes = runtimeClasses();
        BiFunction<String, byte[], Class<?>> definer = isolatedDefiner(instrumentation);
        Set<String> defined = new HashSet<>();
        for (String name : classes.keySet()) {
            define(name, classes, definer, defined, new HashSet<>());
        }
        return defined.size();
    }

    /** The runtime's class files in greening.jar, by binary name. */
    private static Map<String, byte[]> runtimeClasses() throws IOException, URISyntaxException {
        Path agentJar = Path.of(RuntimePlacement.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Map<String, byte[]> classes = new LinkedHashMap<>();
        try (JarFile jar = new JarFile(agentJar.toFile(), false)) {
            for (JarEntry entry : (Iterable<JarEntry>) jar.stream()::iterator) {
                String path = entry.getName();
                if (entry.isDirectory() || !path.startsWith(RUNTIME_PREFIX) || !path.endsWith(".class")
                        || path.endsWith("module-info.class")) {
                    continue;
                }
                try (InputStream in = jar.getInputStream(entry)) {
                    String internalName = path.substring(RUNTIME_PREFIX.length(), path.length() - ".class".length());
                    classes.put(internalName.replace('/', '.'), in.readAllBytes());
                }
            }
        }
        if (classes.isEmpty()) {
            throw new IOException(agentJar + " holds no runtime under " + RUNTIME_PREFIX + "; was it built by Maven?");
        }
        return classes;
    }

    /** Defines {@code name} after its superclass and interfaces among {@code classes}. */
    private static void define(String name, Map<String, byte[]> classes, BiFunction<String, byte[], Class<?>> definer,
                               Set<String> defined, Set<String> underway) {
        if (defined.contains(name) || !underway.add(name)) {
            return;
        }
        byte[] bytes = classes.get(name);
        ClassReader header = new ClassReader(bytes);
        List<String> supertypes = new ArrayList<>(List.of(header.getInterfaces()));
        if (header.getSuperName() != null) {
            supertypes.add(header.getSuperName());
        }
        for (String supertype : supertypes) {
            String binaryName = supertype.replace('/', '.');
            if (classes.containsKey(binaryName)) {
                define(binaryName, classes, definer, defined, underway);
            }
        }
        try {
            definer.apply(name, bytes);
        } catch (LinkageError e) {
            if (!inBootLoader(name)) {   // else a copy is there already, from an earlier attempt that stopped half-way
                throw e;
            }
        }
        defined.add(name);
    }

    /**
     * The class {@link BootDefiner} writes, defined in a class loader of its own, whose unnamed module alone gets
     * {@code jdk.internal.misc} exported (no other module gains anything).
     */
    @SuppressWarnings("unchecked")
    private static BiFunction<String, byte[], Class<?>> isolatedDefiner(Instrumentation instrumentation)
            throws ReflectiveOperationException {
        Class<?> definerClass = new IsolatedLoader().define(BootDefiner.NAME, BootDefiner.classFile());
        Module javaBase = Object.class.getModule();
        instrumentation.redefineModule(javaBase, Set.of(), Map.of("jdk.internal.misc", Set.of(definerClass.getModule())),
                Map.of(), Set.of(), Map.of());
        return (BiFunction<String, byte[], Class<?>>) definerClass.getConstructor().newInstance();
    }

    private static boolean inBootLoader(String name) {
        try {
            Class.forName(name, false, null);
            return true;
        } catch (ClassNotFoundException absent) {
            return false;
        }
    }

    /** Holds the one class ({@link BootDefiner}'s) that may reach {@code jdk.internal.misc}; sees only the JDK besides. */
    private static final class IsolatedLoader extends ClassLoader {
        IsolatedLoader() {
            super("greening-boot-definer", ClassLoader.getPlatformClassLoader());
        }

        Class<?> define(String name, byte[] bytes) {
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
