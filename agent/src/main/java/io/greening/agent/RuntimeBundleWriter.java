package io.greening.agent;

import org.objectweb.asm.ClassReader;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The build's side of {@link RuntimeBundle}, run by Maven with the toolchain's java: {@code bundle} in
 * {@code process-classes} writes the bundle and the boot definer's class file; {@code store} after the shade plugin
 * rewrites greening.jar with every entry stored, not deflated (inflating the 600 kB bundle cost premain about 9 ms).
 */
final class RuntimeBundleWriter {
    private RuntimeBundleWriter() {}

    /**
     * {@code bundle <runtime classes dir> <agent classes dir>} or {@code store <greening.jar>}; bad arguments: one
     * line and exit code 2.
     */
    public static void main(String[] args) throws IOException {
        if (args.length == 3 && args[0].equals("bundle")) {
            bundle(Path.of(args[1]), Path.of(args[2]));
        } else if (args.length == 2 && args[0].equals("store")) {
            storeUncompressed(Path.of(args[1]));
        } else {
            System.err.println("usage: RuntimeBundleWriter bundle <runtime classes dir> <agent classes dir> | store <greening.jar>");
            System.exit(2);
        }
    }

    /**
     * Writes {@link RuntimeBundle#RESOURCE} and {@link RuntimeBundle#DEFINER_RESOURCE} under {@code out} (the agent's
     * class output directory) from the runtime's compiled classes in {@code runtimeClasses}.
     */
    static void bundle(Path runtimeClasses, Path out) throws IOException {
        Map<String, byte[]> classes = read(runtimeClasses);
        List<RuntimeBundle.Entry> ordered = definitionOrder(classes);
        if (ordered.isEmpty()) {
            System.err.println("RuntimeBundleWriter: no class files under " + runtimeClasses + "; build the runtime first");
            System.exit(1);
        }
        Path bundle = out.resolve(RuntimeBundle.RESOURCE);
        Files.createDirectories(bundle.getParent());
        try (OutputStream file = Files.newOutputStream(bundle)) {
            write(ordered, earlyClosure(classes).size(), file);
        }
        Files.write(out.resolve(RuntimeBundle.DEFINER_RESOURCE), BootDefiner.classFile());
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

    /**
     * {@code classes} in an order in which each comes after its superclass and interfaces among them, the
     * {@linkplain #earlyClosure early closure} first.
     */
    static List<RuntimeBundle.Entry> definitionOrder(Map<String, byte[]> classes) {
        Map<String, RuntimeBundle.Entry> ordered = new LinkedHashMap<>();
        for (String name : earlyClosure(classes)) {
            visit(name, classes, ordered, new HashSet<>());
        }
        for (String name : classes.keySet()) {
            visit(name, classes, ordered, new HashSet<>());
        }
        return new ArrayList<>(ordered.values());
    }

    private static void visit(String name, Map<String, byte[]> classes, Map<String, RuntimeBundle.Entry> ordered,
                              Set<String> underway) {
        if (ordered.containsKey(name) || !underway.add(name)) {
            return;
        }
        byte[] bytes = classes.get(name);
        for (String supertype : supertypes(bytes)) {
            if (classes.containsKey(supertype)) {
                visit(supertype, classes, ordered, underway);
            }
        }
        ordered.put(name, new RuntimeBundle.Entry(name, bytes));
    }

    /**
     * {@link RuntimeBundle#EARLY_ROOT} and every class of {@code classes} that it names, transitively (anywhere in a
     * constant pool: class references, descriptors, strings), sorted: the classes that the agent's settings parse may
     * load or verify against, whatever the input. Closed under supertypes, which a class names.
     */
    static Set<String> earlyClosure(Map<String, byte[]> classes) {
        Set<String> closure = new TreeSet<>();
        List<String> todo = new ArrayList<>(List.of(RuntimeBundle.EARLY_ROOT));
        while (!todo.isEmpty()) {
            String name = todo.removeLast();
            byte[] bytes = classes.get(name);
            if (bytes == null || !closure.add(name)) {
                continue;
            }
            todo.addAll(namedRuntimeClasses(bytes, classes.keySet()));
        }
        if (!closure.contains(RuntimeBundle.EARLY_ROOT)) {
            throw new IllegalStateException("the runtime has no " + RuntimeBundle.EARLY_ROOT);
        }
        return closure;
    }

    /** The classes of {@code among} (binary names) that a class file names anywhere in its constant pool. */
    static Set<String> namedRuntimeClasses(byte[] classFile, Set<String> among) {
        Set<String> named = new TreeSet<>();
        ClassFileIndex pool = new ClassFileIndex(classFile);
        for (int i = 1; i < pool.count(); i++) {
            if (pool.tag(i) != ClassFileIndex.UTF8) {
                continue;
            }
            String text = pool.utf8(i);
            for (int at = text.indexOf("io"); at >= 0; at = text.indexOf("io", at + 1)) {
                int end = at;
                while (end < text.length() && (Character.isJavaIdentifierPart(text.charAt(end)) || text.charAt(end) == '/'
                        || text.charAt(end) == '.')) {
                    end++;
                }
                String candidate = text.substring(at, end).replace('/', '.');
                while (!candidate.isEmpty()) {   // the longest prefix that is a class: "io.greening.Hub.run" names Hub
                    if (among.contains(candidate)) {
                        named.add(candidate);
                        break;
                    }
                    int dot = candidate.lastIndexOf('.');
                    candidate = dot < 0 ? "" : candidate.substring(0, dot);
                }
            }
        }
        return named;
    }

    /** The direct superclass and interfaces of a class file, by binary name. */
    static List<String> supertypes(byte[] classFile) {
        ClassReader header = new ClassReader(classFile);
        List<String> supertypes = new ArrayList<>();
        for (String type : header.getInterfaces()) {
            supertypes.add(type.replace('/', '.'));
        }
        if (header.getSuperName() != null) {
            supertypes.add(header.getSuperName().replace('/', '.'));
        }
        return supertypes;
    }

    /** Writes the bundle: {@code early} is how many of {@code entries}, at the front, are the early closure. */
    static void write(List<RuntimeBundle.Entry> entries, int early, OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out));
        data.writeInt(RuntimeBundle.MAGIC);
        data.writeInt(entries.size());
        data.writeInt(early);
        for (RuntimeBundle.Entry entry : entries) {
            for (int i = 0; i < entry.name().length(); i++) {
                if (entry.name().charAt(i) > 0x7f) {   // writeUTF's form is then the ASCII bytes read() decodes
                    throw new IOException("a runtime class name outside ASCII: " + entry.name());
                }
            }
            data.writeUTF(entry.name());
            data.writeInt(entry.classFile().length);
            data.write(entry.classFile());
        }
        data.flush();
    }

    /**
     * Rewrites {@code jar} entry by entry, in order, every file stored uncompressed, so that {@code premain} reads
     * {@link RuntimeBundle#RESOURCE} and the agent's classes without inflating (side by side, storing the classes too
     * took about 8 ms of CPU off the start, for a jar of 1.6 MB instead of 1.1 MB).
     */
    static void storeUncompressed(Path jar) throws IOException {
        Path rewritten = jar.resolveSibling(jar.getFileName() + ".tmp");
        boolean found = false;
        try (ZipFile in = new ZipFile(jar.toFile());
             ZipOutputStream out = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(rewritten)))) {
            for (Enumeration<? extends ZipEntry> entries = in.entries(); entries.hasMoreElements(); ) {
                ZipEntry entry = entries.nextElement();
                byte[] bytes;
                try (InputStream data = in.getInputStream(entry)) {
                    bytes = data.readAllBytes();
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(entry.getTime());
                if (!entry.isDirectory()) {   // every entry stored: the agent's start reads its classes without inflating
                    CRC32 crc = new CRC32();
                    crc.update(bytes);
                    copy.setMethod(ZipEntry.STORED);
                    copy.setSize(bytes.length);
                    copy.setCompressedSize(bytes.length);
                    copy.setCrc(crc.getValue());
                    found |= entry.getName().equals(RuntimeBundle.RESOURCE);
                }
                out.putNextEntry(copy);
                out.write(bytes);
                out.closeEntry();
            }
        }
        if (!found) {
            Files.delete(rewritten);
            throw new IOException(jar + " holds no " + RuntimeBundle.RESOURCE);
        }
        Files.move(rewritten, jar, StandardCopyOption.REPLACE_EXISTING);
    }
}
