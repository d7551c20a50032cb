package io.greening.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.zip.Deflater;

/**
 * The agent's entry points: {@code -javaagent:greening.jar=include=com.acme.**,...} ({@link #premain}) and dynamic
 * attach ({@link #agentmain}). See docs/agent.md.
 *
 * <p>This class must not touch a runtime class ({@code io.greening.*} outside this package): the runtime is put on the
 * bootstrap class path here first, so that every class loader shares its one copy; only then do {@link Installer} and
 * {@link AgentOptions} (which use it) load.
 */
public final class GreeningAgent {
    /** Where greening.jar keeps the runtime's class files, out of every class loader's reach. */
    static final String RUNTIME_PREFIX = "META-INF/greening-runtime/";
    private static final System.Logger LOG = System.getLogger("io.greening.agent");
    private static boolean installed;   // guarded by GreeningAgent.class

    private GreeningAgent() {}

    /**
     * Called by the JVM before {@code main}. A bad setting stops the JVM with one line on stderr and exit code 2; any
     * other failure is logged and the application runs unchanged.
     */
    public static void premain(String arguments, Instrumentation instrumentation) {
        start(arguments, instrumentation, false);
    }

    /**
     * Called on dynamic attach: greens classes loaded from now on and retransforms the selected classes already
     * loaded. A bad setting fails the attach (the attaching tool sees the one-line message), never the running JVM.
     */
    public static void agentmain(String arguments, Instrumentation instrumentation) {
        start(arguments, instrumentation, true);
    }

    private static synchronized void start(String arguments, Instrumentation instrumentation, boolean attached) {
        if (installed) {
            LOG.log(System.Logger.Level.WARNING, "greening agent already installed; ignoring the second start");
            return;
        }
        // The settings come first: a bad one stops the JVM (premain) or fails the attach before anything changes.
        long start = System.nanoTime();
        String problem;
        try {
            problem = settingsProblem(arguments);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "greening agent could not start; the application runs unchanged", t);
            return;
        }
        if (problem != null) {
            if (attached) {
                throw new IllegalArgumentException(problem);
            }
            System.err.println(problem);
            System.err.flush();
            Runtime.getRuntime().halt(2);   // no shutdown hooks: nothing has started yet
            return;
        }
        try {
            putRuntimeOnBootClassPath(instrumentation);
            openPackagesToRuntime(instrumentation);
            // the runtime's own copy of the grammar now parses the settings the private copy accepted
            AgentOptions options = AgentOptions.parse(arguments, System.getProperties());
            Installer.install(options, instrumentation, attached);
            installed = true;
            if (options.verbose()) {
                LOG.log(System.Logger.Level.INFO, "greening: agent installed in {0} ms", (System.nanoTime() - start) / 1_000_000);
            }
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "greening agent could not start; the application runs unchanged", t);
        }
    }

    /**
     * Checks the settings with the runtime's grammar ({@code io.greening.internal.Settings}, the one list of keys) before
     * anything is touched, loading the runtime's classes privately from this jar: a bad setting then leaves no trace
     * (nothing appended to the boot class path, no JVM warning about it, no temporary file). Returns the one line that
     * says what is wrong, or null.
     */
    private static String settingsProblem(String arguments) throws ReflectiveOperationException {
        Method parse = Class.forName("io.greening.internal.Settings", true, new EmbeddedRuntime())
                .getMethod("parse", String.class, Properties.class);
        try {
            parse.invoke(null, arguments, System.getProperties());
            return null;
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException bad) {
                return bad.getMessage();
            }
            throw e;
        }
    }

    /** The runtime's classes as this jar holds them under {@link #RUNTIME_PREFIX}, in a loader of their own. */
    private static final class EmbeddedRuntime extends ClassLoader {
        EmbeddedRuntime() {
            super("greening-settings-check", ClassLoader.getPlatformClassLoader());
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            String file = RUNTIME_PREFIX + name.replace('.', '/') + ".class";
            try (InputStream in = GreeningAgent.class.getClassLoader().getResourceAsStream(file)) {
                if (in == null) {
                    throw new ClassNotFoundException(name + " (no " + file + " in the agent jar)");
                }
                byte[] bytes = in.readAllBytes();
                return defineClass(name, bytes, 0, bytes.length);
            } catch (IOException e) {
                throw new ClassNotFoundException(name, e);
            }
        }
    }

    private static Path agentJar() throws URISyntaxException {
        return Path.of(GreeningAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static void putRuntimeOnBootClassPath(Instrumentation instrumentation) throws IOException, URISyntaxException {
        try {
            Class.forName("io.greening.patch.GreenThreads", false, null);
            return;   // already there (a second attach, or -Xbootclasspath/a)
        } catch (ClassNotFoundException expected) {
            // extract it below
        }
        Path agentJar = agentJar();
        Path runtimeJar = Files.createTempFile("greening-runtime-", ".jar");
        runtimeJar.toFile().deleteOnExit();
        int classes = 0;
        try (JarFile jar = new JarFile(agentJar.toFile());
             JarOutputStream out = new JarOutputStream(Files.newOutputStream(runtimeJar))) {
            out.setLevel(Deflater.NO_COMPRESSION);   // a temporary file read once: compressing it only costs start-up
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                if (entry.isDirectory() || !entry.getName().startsWith(RUNTIME_PREFIX)) {
                    continue;
                }
                out.putNextEntry(new JarEntry(entry.getName().substring(RUNTIME_PREFIX.length())));
                try (InputStream in = jar.getInputStream(entry)) {
                    in.transferTo(out);
                }
                out.closeEntry();
                classes++;
            }
        }
        if (classes == 0) {
            throw new IOException(agentJar + " holds no runtime under " + RUNTIME_PREFIX + "; was it built by Maven?");
        }
        instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(runtimeJar.toFile()));
    }

    /**
     * The runtime's one reflective door needs java.lang open to it (with the agent no --add-opens is needed), and
     * java.base must read it for the retransformed JDK classes to call the runtime's patches. java.util.concurrent.locks
     * is opened too, so that deadlock reports can name the owner of a lock ({@code AbstractOwnableSynchronizer}).
     */
    private static void openPackagesToRuntime(Instrumentation instrumentation) throws ClassNotFoundException {
        Module runtime = Class.forName("io.greening.Hub", false, null).getModule();
        instrumentation.redefineModule(Object.class.getModule(), Set.of(runtime), Map.of(),
                Map.of("java.lang", Set.of(runtime), "java.util.concurrent.locks", Set.of(runtime)), Set.of(), Map.of());
    }
}
