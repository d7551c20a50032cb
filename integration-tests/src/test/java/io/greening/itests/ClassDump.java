package io.greening.itests;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * A second agent for the forked apps that saves the {@code com/acme/} classes as the JVM defines them, that is
 * after greening transformed them (it registers a retransformation-capable transformer after greening's, and
 * the JVM runs those last), so the tests can run ASM's {@link CheckClassAdapter} over them.
 */
public final class ClassDump {
    private static final String PREFIX = "com/acme/";

    private ClassDump() {}

    /** The agent entry point; {@code directory} is where the class files go. */
    public static void premain(String directory, Instrumentation instrumentation) {
        Path root = Path.of(directory);
        instrumentation.addTransformer(new ClassFileTransformer() {
            @Override
            public byte[] transform(ClassLoader loader, String className, Class<?> redefined,
                                    ProtectionDomain domain, byte[] bytes) {
                if (className != null && className.startsWith(PREFIX)) {
                    try {
                        Path file = root.resolve(className + ".class");
                        Files.createDirectories(file.getParent());
                        Files.write(file, bytes);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                return null;
            }
        }, true);
    }

    /** Writes a jar holding this agent, to add as {@code -javaagent:<jar>=<directory>} after greening. */
    static Path writeAgentJar(Path jar) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", ClassDump.class.getName());
        manifest.getMainAttributes().putValue("Can-Retransform-Classes", "true");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out, manifest)) {
            for (String name : List.of(ClassDump.class.getName(), ClassDump.class.getName() + "$1")) {
                String entry = name.replace('.', '/') + ".class";
                zip.putNextEntry(new JarEntry(entry));
                try (InputStream in = ClassDump.class.getClassLoader().getResourceAsStream(entry)) {
                    in.transferTo(zip);
                }
                zip.closeEntry();
            }
        }
        return jar;
    }

    /** The dumped classes that call into greening's patches ({@code io/greening/patch/}): the greened ones. */
    static List<String> greenedClasses(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(f -> f.toString().endsWith(".class"))
                    .filter(f -> {
                        try {
                            return new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)
                                    .contains("io/greening/patch/");
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .map(f -> directory.relativize(f).toString()).sorted().toList();
        }
    }

    /**
     * Runs {@link CheckClassAdapter#verify} (structure and data flow) over every class file under
     * {@code directory}, resolving types through {@code appClasses} and this JVM; returns the complaints by class.
     */
    static Map<String, String> verifyAll(Path directory, Path appClasses) throws IOException {
        Map<String, String> complaints = new TreeMap<>();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {appClasses.toUri().toURL()});
             Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                StringWriter problems = new StringWriter();
                CheckClassAdapter.verify(new ClassReader(Files.readAllBytes(file)), loader, false,
                        new PrintWriter(problems));
                if (!problems.toString().isBlank()) {
                    complaints.put(directory.relativize(file).toString(), problems.toString());
                }
            }
        }
        return complaints;
    }
}
