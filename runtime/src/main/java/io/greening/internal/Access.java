package io.greening.internal;

import io.greening.Hub;
import io.greening.diagnostics.StallMonitor;

import java.lang.invoke.MethodHandles;

/**
 * Where greening's packages find each other's internals, as the JDK's {@code SharedSecrets}: a package that owns
 * internals other packages of greening need (the hub, the diagnostics) implements an access interface in its class
 * initializer and hands it here; {@code patch}, {@code greenlet}, {@code sync}, {@code net} and this package reach
 * them through it, so none of them has to be public API. Not for applications.
 */
public final class Access {
    private static GreeningAccess greening;
    private static DiagnosticsAccess diagnostics;

    private Access() {}

    /** The internals of {@code io.greening} (the hub and its green threads). */
    public static GreeningAccess greening() {
        GreeningAccess access = greening;
        if (access == null) {
            initialize(Hub.class);   // its initializer sets it
            access = greening;
        }
        return access;
    }

    /** The internals of {@code io.greening.diagnostics} (stall monitor, deadlock reports). */
    public static DiagnosticsAccess diagnostics() {
        DiagnosticsAccess access = diagnostics;
        if (access == null) {
            initialize(StallMonitor.class);   // its initializer sets it
            access = diagnostics;
        }
        return access;
    }

    /** Called once, by {@code Hub}'s class initializer. */
    public static void setGreening(GreeningAccess access) {
        greening = access;
    }

    /** Called once, by {@code StallMonitor}'s class initializer. */
    public static void setDiagnostics(DiagnosticsAccess access) {
        diagnostics = access;
    }

    private static void initialize(Class<?> owner) {
        try {
            MethodHandles.lookup().ensureInitialized(owner);
        } catch (IllegalAccessException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
