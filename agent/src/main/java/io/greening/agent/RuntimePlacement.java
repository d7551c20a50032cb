package io.greening.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * Puts greening's runtime into the boot loader, so that every class loader, {@code java.base} included (the
 * retransformed JDK classes call {@code io.greening.patch}), shares its one copy: greening.jar holds the runtime's
 * class files in one resource ({@link RuntimeBundle#RESOURCE}), a path no class loader searches, already in an order the
 * boot loader can define them in (supertypes first, worked out at build time), and each is defined into the boot loader
 * at start.
 *
 * <p>Not by appending a jar to the boot class path: that would need a file (left in the temporary directory when the
 * JVM is killed) and makes the JVM print "Sharing is only supported for boot loader classes because bootstrap
 * classpath has been appended" and turn class data sharing off for every class outside the boot loader. The classes are
 * defined eagerly, all of them, since the boot loader cannot ask for a class it lacks, and a package only partly in the
 * boot loader would be split from the rest of it in an application's own copy of the runtime.
 *
 * <p>This runs before {@code main} on every greened start, so it keeps to plain code: no lambda, stream or ASM.
 */
final class RuntimePlacement {
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
        List<RuntimeBundle.Entry> classes;
        byte[] definerClass;
        try (JarFile jar = new JarFile(agentJar().toFile(), false)) {
            classes = RuntimeBundle.read(resource(jar, RuntimeBundle.RESOURCE));
            definerClass = resource(jar, RuntimeBundle.DEFINER_RESOURCE);
        }
        BiFunction<String, byte[], Class<?>> definer = isolatedDefiner(instrumentation, definerClass);
        for (RuntimeBundle.Entry entry : classes) {
            try {
                definer.apply(entry.name(), entry.classFile());
            } catch (LinkageError e) {
                if (!inBootLoader(entry.name())) {   // else a copy is there already, from an earlier attempt that stopped half-way
                    throw e;
                }
            }
        }
        return classes.size();
    }

    private static Path agentJar() throws URISyntaxException {
        return Path.of(RuntimePlacement.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static byte[] resource(JarFile jar, String name) throws IOException {
        ZipEntry entry = jar.getEntry(name);
        if (entry == null) {
            throw new IOException(jar.getName() + " holds no " + name + "; was it built by Maven?");
        }
        int size = (int) entry.getSize();   // known: the jar's central directory has it
        try (InputStream in = jar.getInputStream(entry)) {
            byte[] bytes = size >= 0 ? in.readNBytes(size) : in.readAllBytes();
            if (size >= 0 && bytes.length != size) {
                throw new IOException(jar.getName() + ": " + name + " is shorter than its entry says");
            }
            return bytes;
        }
    }

    /**
     * The class {@link BootDefiner} wrote at build time, defined in a class loader of its own, whose unnamed module
     * alone gets {@code jdk.internal.misc} exported (no other module gains anything).
     */
    @SuppressWarnings("unchecked")
    private static BiFunction<String, byte[], Class<?>> isolatedDefiner(Instrumentation instrumentation, byte[] classFile)
            throws ReflectiveOperationException {
        Class<?> definerClass = new IsolatedLoader().define(BootDefiner.NAME, classFile);
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
