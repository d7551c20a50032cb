package io.greening.agent;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Properties;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * The settings as {@code premain} checks them, before any of the runtime is in the boot loader: the runtime classes
 * the parse needs (the bundle's first ones, {@link RuntimeBundle#early()}), {@link AgentOptions} and
 * {@link SettingsCheck} are defined into a class loader of their own, which the parse runs in and which is then dropped.
 * So a bad setting still stops the JVM before {@code main}, while the runtime's definition into the boot loader (its
 * {@code Instrumentation.redefineModule}, the largest step of the start) waits for the set-up thread, and for a class
 * that needs it. The set-up thread parses again, with the boot loader's copy, from the same argument and property
 * snapshot, so both see the same settings.
 */
final class EarlySettings {
    private static final String AGENT_OPTIONS = "io.greening.agent.AgentOptions";
    private static final String CHECK = "io.greening.agent.SettingsCheck";

    private EarlySettings() {}

    /** What {@code premain} needs of the settings, as plain values. */
    static final class Values {
        final List<String> include;
        final List<String> exclude;
        final boolean verbose;
        final boolean check;
        final boolean greenMain;
        final boolean monitorEntries;
        final String report;
        final Boolean jmx;

        @SuppressWarnings("unchecked")
        Values(Object[] values) {
            include = (List<String>) values[0];
            exclude = (List<String>) values[1];
            verbose = (Boolean) values[2];
            check = (Boolean) values[3];
            greenMain = (Boolean) values[4];
            monitorEntries = (Boolean) values[5];
            report = (String) values[6];
            jmx = (Boolean) values[7];
        }
    }

    /** The {@code greening.*} system properties now: the properties both parses read, whatever the application sets later. */
    static Properties snapshot(Properties system) {
        Properties snapshot = new Properties();
        for (String name : system.stringPropertyNames()) {
            if (name.startsWith("greening.")) {
                snapshot.setProperty(name, system.getProperty(name));
            }
        }
        return snapshot;
    }

    /**
     * The parse, from greening.jar: a function that parses and throws the one-line {@code IllegalArgumentException}
     * of a bad setting.
     *
     * @throws IOException if the jar lacks what the build puts there
     */
    static BiFunction<String, Properties, Object[]> parser(JarFile jar) throws IOException, ClassNotFoundException {
        try (InputStream bundle = jar.getInputStream(entry(jar, RuntimeBundle.RESOURCE))) {
            return parser(bundle, classFile(jar, AGENT_OPTIONS), classFile(jar, CHECK));
        }
    }

    /** The parse, from the bundle and the class files of {@link AgentOptions} and {@link SettingsCheck}. */
    static BiFunction<String, Properties, Object[]> parser(InputStream bundle, byte[] agentOptions, byte[] check)
            throws IOException, ClassNotFoundException {
        ParseLoader loader = new ParseLoader();
        RuntimeBundle classes = new RuntimeBundle(bundle);
        for (int i = 0; i < classes.early() && classes.next(); i++) {   // supertypes first, as written
            int[] at = classes.classFile();
            loader.define(classes.name(), classes.buffer(), at[0], at[1]);
        }
        loader.define(AGENT_OPTIONS, agentOptions, 0, agentOptions.length);
        loader.define(CHECK, check, 0, check.length);
        Class.forName(CHECK, true, loader);   // its initializer hands the loader an instance
        if (loader.parser == null) {
            throw new IllegalStateException(CHECK + " handed no parser to its loader");
        }
        return loader.parser;
    }

    private static ZipEntry entry(JarFile jar, String name) throws IOException {
        ZipEntry entry = jar.getEntry(name);
        if (entry == null) {
            throw new IOException(jar.getName() + " holds no " + name + "; was it built by Maven?");
        }
        return entry;
    }

    private static byte[] classFile(JarFile jar, String className) throws IOException {
        try (InputStream in = jar.getInputStream(entry(jar, className.replace('.', '/') + ".class"))) {
            return in.readAllBytes();
        }
    }

    /**
     * Holds the parse's classes, all defined up front (a name it lacks goes to the platform loader, which has no
     * runtime class: the early classes are closed under what they name, {@code RuntimeBundleTest} checks).
     */
    private static final class ParseLoader extends ClassLoader implements Consumer<Object> {
        private BiFunction<String, Properties, Object[]> parser;

        ParseLoader() {
            super("greening-settings-check", ClassLoader.getPlatformClassLoader());
        }

        void define(String name, byte[] bytes, int offset, int length) {
            defineClass(name, bytes, offset, length);
        }

        @Override
        @SuppressWarnings("unchecked")
        public void accept(Object instance) {
            parser = (BiFunction<String, Properties, Object[]>) instance;
        }
    }
}
