package io.greening.internal;

import java.util.function.Predicate;

/**
 * Which classes the agent selected ({@code include=} minus {@code exclude=}), for the runtime's few decisions that
 * depend on who calls rather than on a rewritten call site: a virtual thread made inside the JDK (through a builder, a
 * factory, an executor or reflection) is green when selected code made it. Empty without the agent: then nothing is
 * selected and the runtime does what the JDK does.
 */
public final class AgentSelection {
    private static volatile Predicate<String> selects;

    private AgentSelection() {}

    /** Installed by the agent at start, with its own class selector (class binary name, dots). */
    public static void install(Predicate<String> selector) {
        selects = selector;
    }

    /** Whether the agent is set up in this JVM. */
    public static boolean isInstalled() {
        return selects != null;
    }

    /** Whether the agent selected {@code type}; false without the agent. */
    public static boolean selects(Class<?> type) {
        Predicate<String> s = selects;
        return s != null && type != null && s.test(type.getName());
    }
}
