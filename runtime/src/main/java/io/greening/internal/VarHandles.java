package io.greening.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** The var handles greening's lock-free fields are reached through. */
public final class VarHandles {
    private VarHandles() {}

    /**
     * The var handle of field {@code name} of type {@code type} in {@code owner}, found with {@code lookup} (the
     * owner's own, for a private field). For a static initializer: a field that is not there is a build error.
     *
     * @throws ExceptionInInitializerError if there is no such field
     */
    public static VarHandle field(MethodHandles.Lookup lookup, Class<?> owner, String name, Class<?> type) {
        try {
            return lookup.findVarHandle(owner, name, type);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
