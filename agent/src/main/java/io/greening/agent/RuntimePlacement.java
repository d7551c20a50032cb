package io.greening.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Consumer;
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
 * <p>This runs before {@code main} on every greened start, so it keeps to plain code: no lambda, stream, reflection or
 * ASM.
 */
final class RuntimePlacement {
    /** A runtime class that is there once the runtime is in the boot loader. */
    private static final String PROBE = "io.greening.patch.GreenThreads";
    /**
     * The package of {@code java.base} opened to the runtime: its one reflective door (a virtual thread with a
     * scheduler of its own) needs it, so with the agent no {@code --add-opens} is needed.
     */
    static final String OPENED_TO_RUNTIME = "java.lang";
    /** Opened to the runtime too, so that deadlock reports can name the owner of a lock ({@code AbstractOwnableSynchronizer}). */
    static final String ALSO_OPENED_TO_RUNTIME = "java.util.concurrent.locks";

    private RuntimePlacement() {}

    /**
     * Defines the runtime's classes into the boot loader, makes {@code java.base} read the runtime (the retransformed
     * JDK classes call its patches) and opens
     * {@link #OPENED_TO_RUNTIME} and {@link #ALSO_OPENED_TO_RUNTIME} to it; when the runtime is there already (a second
     * attach, or the runtime jar given with {@code -Xbootclasspath/a}) only the latter. Returns how many classes it
     * defined.
     */
    static int defineRuntime(Instrumentation instrumentation) throws IOException, URISyntaxException, ClassNotFoundException {
        if (inBootLoader(PROBE)) {
            openToRuntime(instrumentation);
            return 0;
        }
        int defined = 0;
        Object definer;
        try (JarFile jar = new JarFile(agentJar().toFile(), false)) {
            definer = isolatedDefiner(instrumentation, definerClass(jar));
            @SuppressWarnings("unchecked")
            BiFunction<byte[], int[], Class<?>> define = (BiFunction<byte[], int[], Class<?>>) definer;
            try (InputStream in = jar.getInputStream(entry(jar, RuntimeBundle.RESOURCE))) {
                RuntimeBundle bundle = new RuntimeBundle(in);
                while (bundle.next()) {
                    try {
                        define.apply(bundle.buffer(), bundle.classFile());
                    } catch (LinkageError e) {
                        if (!inBootLoader(bundle.name())) {   // else a copy is there already, from an earlier attempt that stopped half-way
                            throw e;
                        }
                    }
                    defined++;
                }
            }
        }
        @SuppressWarnings("unchecked")
        Consumer<Module> openTo = (Consumer<Module>) definer;
        openTo.accept(Class.forName(PROBE, false, null).getModule());
        return defined;
    }

    /** For a runtime that was there already: {@code java.base} reads it and opens the two packages to it. */
    private static void openToRuntime(Instrumentation instrumentation) throws ClassNotFoundException {
        Module runtime = Class.forName(PROBE, false, null).getModule();
        instrumentation.redefineModule(Object.class.getModule(), Set.of(runtime), Map.of(),
                Map.of(OPENED_TO_RUNTIME, Set.of(runtime), ALSO_OPENED_TO_RUNTIME, Set.of(runtime)), Set.of(), Map.of());
    }

    private static Path agentJar() throws URISyntaxException {
        return Path.of(RuntimePlacement.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static ZipEntry entry(JarFile jar, String name) throws IOException {
        ZipEntry entry = jar.getEntry(name);
        if (entry == null) {
            throw new IOException(jar.getName() + " holds no " + name + "; was it built by Maven?");
        }
        return entry;
    }

    private static byte[] definerClass(JarFile jar) throws IOException {
        ZipEntry entry = entry(jar, RuntimeBundle.DEFINER_RESOURCE);
        try (InputStream in = jar.getInputStream(entry)) {
            byte[] bytes = in.readAllBytes();
            if (entry.getSize() >= 0 && bytes.length != entry.getSize()) {
                throw new IOException(jar.getName() + ": " + entry.getName() + " is shorter than its entry says");
            }
            return bytes;
        }
    }

    /**
     * The class {@link BootDefiner} wrote at build time, defined in a class loader of its own, whose unnamed module
     * alone gets {@code jdk.internal.misc} and {@code jdk.internal.module} exported (no other module gains anything):
     * an instance, both a {@code BiFunction<byte[], int[], Class<?>>} and a {@code Consumer<Module>}.
     */
    private static Object isolatedDefiner(Instrumentation instrumentation, byte[] classFile) throws ClassNotFoundException {
        IsolatedLoader loader = new IsolatedLoader();
        Module definerModule = loader.define(BootDefiner.NAME, classFile).getModule();
        instrumentation.redefineModule(Object.class.getModule(), Set.of(),
                Map.of("jdk.internal.misc", Set.of(definerModule), "jdk.internal.module", Set.of(definerModule)),
                Map.of(), Set.of(), Map.of());
        Class.forName(BootDefiner.NAME, true, loader);   // its initializer hands the loader an instance
        return loader.definer;
    }

    private static boolean inBootLoader(String name) {
        try {
            Class.forName(name, false, null);
            return true;
        } catch (ClassNotFoundException absent) {
            return false;
        }
    }

    /**
     * Holds the one class ({@link BootDefiner}'s) that may reach {@code jdk.internal.misc}; sees only the JDK besides.
     * That class's initializer hands it an instance ({@link #accept}).
     */
    private static final class IsolatedLoader extends ClassLoader implements Consumer<Object> {
        private Object definer;

        IsolatedLoader() {
            super("greening-boot-definer", ClassLoader.getPlatformClassLoader());
        }

        Class<?> define(String name, byte[] bytes) {
            return defineClass(name, bytes, 0, bytes.length);
        }

        @Override
        public void accept(Object instance) {
            definer = instance;
        }
    }
}
