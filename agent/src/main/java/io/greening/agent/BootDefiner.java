package io.greening.agent;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.function.BiFunction;

/**
 * Defines a class into the boot loader with {@code jdk.internal.misc.Unsafe.defineClass}, which, unlike
 * {@code sun.misc.Unsafe}'s memory methods, prints no warning on JDK 25. {@link RuntimePlacement} loads this class in a
 * class loader of its own and exports {@code jdk.internal.misc} to that loader's unnamed module alone, so the
 * application's class path gains no access to the JDK's internals (a copy of this class loaded from the class path has
 * none: it stays in the application's module).
 */
public final class BootDefiner implements BiFunction<String, byte[], Class<?>> {
    private final Object unsafe;
    private final Method defineClass;

    /** Reaches {@code jdk.internal.misc.Unsafe}; fails unless its package is exported to this class's module. */
    public BootDefiner() throws ReflectiveOperationException {
        Class<?> type = Class.forName("jdk.internal.misc.Unsafe");
        unsafe = type.getMethod("getUnsafe").invoke(null);
        defineClass = type.getMethod("defineClass", String.class, byte[].class, int.class, int.class, ClassLoader.class,
                ProtectionDomain.class);
    }

    /** Defines the class {@code name} (binary name) from {@code bytes} into the boot loader and returns it. */
    @Override
    public Class<?> apply(String name, byte[] bytes) {
        try {
            return (Class<?>) defineClass.invoke(unsafe, name, bytes, 0, bytes.length, null, null);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException unchecked) {
                throw unchecked;
            }
            if (e.getCause() instanceof Error error) {   // LinkageError: a duplicate or a bad class
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
