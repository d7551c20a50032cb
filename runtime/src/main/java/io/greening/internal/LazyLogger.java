package io.greening.internal;

import java.util.ResourceBundle;

/**
 * A {@link System.Logger} that asks {@link System#getLogger} for the real one only when it first logs or is asked
 * whether it would. For a class of the boot loader, as the runtime's are under the agent, {@code System.getLogger}
 * itself looks for a logging backend on the class path (a {@code ServiceLoader} scan of every jar, some 5-90 ms at
 * start); a static logger field would pay that on the first green thread's start even in a program that never logs.
 * Not for applications.
 */
public final class LazyLogger implements System.Logger {
    private final String name;
    private volatile System.Logger logger;

    private LazyLogger(String name) {
        this.name = name;
    }

    /** The logger named {@code name}, made on first use. */
    public static System.Logger named(String name) {
        return new LazyLogger(name);
    }

    private System.Logger logger() {
        System.Logger l = logger;
        if (l == null) {
            l = System.getLogger(name);   // the module asking is this one's, as for the classes that use it
            logger = l;
        }
        return l;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean isLoggable(Level level) {
        return logger().isLoggable(level);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
        logger().log(level, bundle, message, thrown);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        logger().log(level, bundle, format, params);
    }
}
