package io.greening.agent;

import org.objectweb.asm.ClassReader;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The runtime as greening.jar carries it: every class file of the runtime in one resource, {@link #RESOURCE}, in an
 * order the boot loader can define them in (a class after its superclass and interfaces), and next to it the class
 * file {@link BootDefiner} writes ({@link #DEFINER_RESOURCE}). Both are written at build time ({@link #main}, run by
 * Maven in {@code process-classes}), so that {@code premain} reads one stream and defines, without listing the jar,
 * parsing class file headers or loading ASM. Neither path ends in {@code .class}: no class loader finds them.
 *
 * <p>Format of {@link #RESOURCE}: {@code int} {@link #MAGIC}, {@code int} count, then per class its binary name
 * ({@link DataOutputStream#writeUTF}), {@code int} length and the class file bytes.
 */
final class RuntimeBundle {
    /** The runtime's class files, supertypes first. */
    static final String RESOURCE = "META-INF/greening-runtime.bin";
    /** The class file of {@link BootDefiner#NAME}. */
    static final String DEFINER_RESOURCE = "META-INF/greening-boot-definer.bin";
    /** The first four bytes of {@link #RESOURCE}: "GRT" and format version 1. */
    static final int MAGIC = 0x47525401;

    private RuntimeBundle() {}

    /** One runtime class: its binary name and class file. */
    record Entry(String name, byte[] classFile) {}

    /**
     * Writes {@link #RESOURCE} and {@link #DEFINER_RESOURCE} under {@code args[1]} (the agent's class output
     * directory) from the runtime's compiled classes in {@code args[0]}.
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: RuntimeBundle <runtime classes dir> <agent classes dir>");
            System.exit(2);
        }
        Path runtimeClasses = Path.of(args[0]);
        Path out = Path.of(args[1]);
        List<Entry> ordered = definitionOrder(read(runtimeClasses));
        if (ordered.isEmpty()) {
            System.err.println("RuntimeBundle: no class files under " + runtimeClasses + "; build the runtime first");
            System.exit(1);
        }
        Path bundle = out.resolve(RESOURCE);
        Files.createDirectories(bundle.getParent());
        try (OutputStream file = Files.newOutputStream(bundle)) {
            write(ordered, file);
        }
        Files.write(out.resolve(DEFINER_RESOURCE), BootDefiner.classFile());
    }

    /** The class files under {@code root} (module-info aside), by binary name, sorted so the build is reproducible. */
    static Map<String, byte[]> read(Path root) throws IOException {
        Map<String, byte[]> classes = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String relative = root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
                if (relative.endsWith(".class") && !relative.endsWith("module-info.class")) {
                    classes.put(relative.substring(0, relative.length() - ".class".length()).replace('/', '.'),
                            Files.readAllBytes(file));
                }
            }
        }
        return classes;
    }

    /** {@code classes} in an order in which each comes after its superclass and interfaces among them. */
    static List<Entry> definitionOrder(Map<String, byte[]> classes) {
        Map<String, Entry> ordered = new LinkedHashMap<>();
        for (String name : classes.keySet()) {
            visit(name, classes, ordered, new HashSet<>());
        }
        return new ArrayList<>(ordered.values());
    }

    private static void visit(String name, Map<String, byte[]> classes, Map<String, Entry> ordered, Set<String> underway) {
        if (ordered.containsKey(name) || !underway.add(name)) {
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
                visit(binaryName, classes, ordered, underway);
            }
        }
        ordered.put(name, new Entry(name, bytes));
    }

    static void write(List<Entry> entries, OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out));
        data.writeInt(MAGIC);
        data.writeInt(entries.size());
        for (Entry entry : entries) {
            data.writeUTF(entry.name());
            data.writeInt(entry.classFile().length);
            data.write(entry.classFile());
        }
        data.flush();
    }

    /**
     * Reads what {@link #write} wrote, in order. Used at start: plain stream reads, no lambda, no ASM.
     *
     * @throws IOException if the stream is not such a bundle
     */
    static List<Entry> read(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        if (data.readInt() != MAGIC) {
            throw new IOException("not a greening runtime bundle");
        }
        int count = data.readInt();
        List<Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = data.readUTF();
            byte[] classFile = new byte[data.readInt()];
            data.readFully(classFile);
            entries.add(new Entry(name, classFile));
        }
        return entries;
    }
}
