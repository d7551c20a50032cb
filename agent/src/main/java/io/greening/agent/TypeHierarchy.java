package io.greening.agent;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers the rewriter's subtype questions ("is {@code com/acme/Worker} a {@code java/lang/Thread}?") without loading
 * an application class, so that no class loads while another is being defined (no circularity, no class escaping the
 * transformation): a JDK type is looked up among the JDK's own classes (boot and platform loaders, mostly from the
 * boot image), any other type by reading the header of its class file through the class loader that defines the class
 * being transformed ({@code getResourceAsStream}, parent first as class resolution is), once per loader and type. A
 * type found nowhere is no subtype: its call site stays as it is.
 */
final class TypeHierarchy {
    /** Deeper than any real hierarchy; guards against a cycle among malformed class files. */
    private static final int MAX_DEPTH = 64;
    private static final Header ABSENT = new Header(null, new String[0]);

    private final Map<String, Optional<Class<?>>> jdkClasses = new ConcurrentHashMap<>();
    private final Map<ClassLoader, Map<String, Header>> headersByLoader = Collections.synchronizedMap(new WeakHashMap<>());

    /** A class file's direct supertypes (internal names); {@code superName} null for Object, a module or an absent type. */
    private record Header(String superName, String[] interfaces) { }

    /**
     * Subtype answers for the class {@code self}, with these direct supertypes, which {@code loader} is defining (its
     * class file cannot be read through the loader yet).
     */
    CallSiteRewriter.Hierarchy forClass(ClassLoader loader, String self, String superName, String[] interfaces) {
        Header own = new Header(superName, interfaces);
        Map<String, Header> headers;
        synchronized (headersByLoader) {   // no computeIfAbsent lambda: this runs as the application's first classes load
            headers = headersByLoader.get(loader);
            if (headers == null) {
                headers = new ConcurrentHashMap<>();
                headersByLoader.put(loader, headers);
            }
        }
        Map<String, Header> loaderHeaders = headers;
        return new CallSiteRewriter.Hierarchy() {
            @Override
            public boolean isSubtype(String type, String supertype) {
                return TypeHierarchy.this.isSubtype(type, supertype, self, own, loader, loaderHeaders, 0);
            }
        };
    }

    private boolean isSubtype(String type, String supertype, String self, Header own, ClassLoader loader,
                              Map<String, Header> headers, int depth) {
        if (type.equals(supertype)) {
            return true;
        }
        if (depth > MAX_DEPTH) {
            return false;
        }
        Class<?> jdkType = mayBeJdk(type) ? jdkClass(type) : null;
        if (jdkType != null) {
            Class<?> jdkSupertype = jdkClass(supertype);
            return jdkSupertype != null && jdkSupertype.isAssignableFrom(jdkType);   // the JDK never extends an app type
        }
        Header header = type.equals(self) ? own : header(type, loader, headers);
        if (header.superName() != null && isSubtype(header.superName(), supertype, self, own, loader, headers, depth + 1)) {
            return true;
        }
        for (String implemented : header.interfaces()) {
            if (isSubtype(implemented, supertype, self, own, loader, headers, depth + 1)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code type}, a JDK class or interface, is {@code supertype} or a subtype of it; false when either is no
     * JDK type. Answers the cheap half of the pre-scan's question without any class file.
     */
    boolean isJdkSubtype(String type, String supertype) {
        if (type.equals(supertype)) {
            return true;
        }
        Class<?> t = mayBeJdk(type) ? jdkClass(type) : null;
        Class<?> s = t == null ? null : jdkClass(supertype);
        return s != null && s.isAssignableFrom(t);
    }

    /** Whether {@code type} is a class or interface of the JDK. */
    boolean isJdkClass(String type) {
        return mayBeJdk(type) && jdkClass(type) != null;
    }

    /** Whether the name is in a package where JDK classes live (javax.* may also be an application's). */
    static boolean mayBeJdk(String internalName) {
        return internalName.startsWith("java/") || internalName.startsWith("javax/") || internalName.startsWith("jdk/")
                || internalName.startsWith("sun/") || internalName.startsWith("com/sun/");
    }

    private Class<?> jdkClass(String internalName) {
        Optional<Class<?>> known = jdkClasses.get(internalName);
        if (known == null) {
            known = Optional.ofNullable(findJdkClass(internalName.replace('/', '.')));
            jdkClasses.putIfAbsent(internalName, known);
        }
        return known.orElse(null);
    }

    private static Class<?> findJdkClass(String binaryName) {
        for (ClassLoader jdkLoader : new ClassLoader[] {null, ClassLoader.getPlatformClassLoader()}) {
            try {
                return Class.forName(binaryName, false, jdkLoader);
            } catch (ClassNotFoundException | LinkageError notThere) {
                // next loader
            }
        }
        return null;
    }

    private static Header header(String type, ClassLoader loader, Map<String, Header> headers) {
        Header known = headers.get(type);
        if (known == null) {
            known = readHeader(type, loader);
            headers.putIfAbsent(type, known);
        }
        return known;
    }

    private static Header readHeader(String type, ClassLoader loader) {
        try (InputStream in = loader.getResourceAsStream(type + ".class")) {
            if (in == null) {
                return ABSENT;
            }
            // the agent's own constant pool index, not ASM's ClassReader: it is compiled early (every selected class's
            // pre-scan runs it), where ClassReader, used only here and by the few classes the ASM pass takes, stays
            // interpreted, and would load ASM for classes that are otherwise rewritten without it
            ClassFileIndex header = new ClassFileIndex(in.readAllBytes());
            return new Header(header.superName(), header.interfaces());
        } catch (IOException | RuntimeException unreadable) {
            return ABSENT;
        }
    }
}
