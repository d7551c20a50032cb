package io.greening.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
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
 * ASM. {@code premain} defines only the classes its settings' parse needs ({@link #defineEarly}); the set-up thread
 * defines the rest ({@link Rest#define}) while {@code main} starts.
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
        Rest rest = defineEarly(instrumentation);
        return rest.earlyDefined() + rest.define();
    }

    /**
     * Defines the first part of the runtime, the classes the settings' parse may load ({@link RuntimeBundle#early()}),
     * and returns the rest, which {@link Rest#define()} defines (on the set-up thread: {@code premain} returns before
     * it). When the runtime is there already, only opens the packages to it, and the rest is nothing.
     */
    static Rest defineEarly(Instrumentation instrumentation) throws IOException, URISyntaxException, ClassNotFoundException {
        if (inBootLoader(PROBE)) {
            openToRuntime(instrumentation);
            return new Rest(null, null, null, null, 0);
        }
        JarFile jar = new JarFile(RuntimeBundle.jar().toFile(), false);
        InputStream in = null;
        try {
            byte[] definerClass = definerClass(jar);
            Object definer = isolatedDefiner(instrumentation, definerClass);
            in = jar.getInputStream(entry(jar, RuntimeBundle.RESOURCE));
            RuntimeBundle bundle = new RuntimeBundle(in);
            Rest rest = new Rest(jar, in, bundle, definer, 0);
            rest.earlyDefined = rest.defineNext(bundle.early());
            return rest;
        } catch (Throwable e) {
            closeQuietly(in, jar);
            throw e;
        }
    }

    /** The runtime classes after the early ones, still to define, from the open bundle. */
    static final class Rest {
        private final JarFile jar;
        private final InputStream in;
        private final RuntimeBundle bundle;
        private final Object definer;
        private int earlyDefined;

        private Rest(JarFile jar, InputStream in, RuntimeBundle bundle, Object definer, int earlyDefined) {
            this.jar = jar;
            this.in = in;
            this.bundle = bundle;
            this.definer = definer;
            this.earlyDefined = earlyDefined;
        }

        /** How many classes {@link #defineEarly} defined. */
        int earlyDefined() {
            return earlyDefined;
        }

        /**
         * Defines the rest of the runtime, then has {@code java.base} read it and open its two packages to it; closes the
         * bundle. Returns how many classes it defined.
         */
        int define() throws IOException, ClassNotFoundException {
            if (bundle == null) {
                return 0;
            }
            int defined;
            try {
                defined = defineNext(Integer.MAX_VALUE);
            } finally {
                close();
            }
            @SuppressWarnings("unchecked")
            Consumer<Module> openTo = (Consumer<Module>) definer;
            openTo.accept(Class.forName(PROBE, false, null).getModule());
            return defined;
        }

        /** Closes the bundle without defining the rest (the start stopped: a bad setting). */
        void close() {
            closeQuietly(in, jar);
        }

        /** Defines up to {@code count} classes more; returns how many. */
        private int defineNext(int count) throws IOException {
            @SuppressWarnings("unchecked")
            BiFunction<byte[], int[], Class<?>> define = (BiFunction<byte[], int[], Class<?>>) definer;
            int defined = 0;
            while (defined < count && bundle.next()) {
                try {
                    define.apply(bundle.buffer(), bundle.classFile());
                } catch (LinkageError e) {
                    if (!inBootLoader(bundle.name())) {   // else a copy is there already, from an earlier attempt that stopped half-way
                        throw e;
                    }
                }
                defined++;
            }
            return defined;
        }
    }

    private static void closeQuietly(InputStream in, JarFile jar) {
        try {
            if (in != null) {
                in.close();
            }
        } catch (IOException ignored) {
            // nothing was written: nothing lost
        }
        try {
            if (jar != null) {
                jar.close();
            }
        } catch (IOException ignored) {
            // as above
        }
    }

    /** For a runtime that was there already: {@code java.base} reads it and opens the two packages to it. */
    private static void openToRuntime(Instrumentation instrumentation) throws ClassNotFoundException {
        Module runtime = Class.forName(PROBE, false, null).getModule();
        instrumentation.redefineModule(Object.class.getModule(), Set.of(runtime), Map.of(),
                Map.of(OPENED_TO_RUNTIME, Set.of(runtime), ALSO_OPENED_TO_RUNTIME, Set.of(runtime)), Set.of(), Map.of());
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
