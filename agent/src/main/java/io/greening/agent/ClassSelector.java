package io.greening.agent;

import java.util.List;
import java.util.function.Predicate;

/**
 * Which classes the agent rewrites: those matching an {@code include} pattern and no {@code exclude} pattern.
 * Patterns use dots: {@code com.acme.**} is a package tree, {@code com.acme.*} one package, {@code Native*} any
 * characters but a dot; a plain class name also covers its nested classes ({@code Name$Inner}, lambdas). greening's
 * own classes and the JDK's are never selected. Which patterns are valid is the settings' grammar
 * ({@code Settings.INCLUDE}); this says what they match.
 */
public final class ClassSelector implements Predicate<String> {
    private final List<String> includeGlobs;
    private final String[] include;
    private final String[] exclude;
    /** Per include pattern: whether it has selected a class. Only ever set, so a racy write loses nothing. */
    private final boolean[] includeSelected;

    /** A selector from the {@code include} and {@code exclude} patterns. */
    public ClassSelector(List<String> include, List<String> exclude) {
        this.includeGlobs = List.copyOf(include);
        this.include = include.toArray(new String[0]);
        this.exclude = exclude.toArray(new String[0]);
        this.includeSelected = new boolean[include.size()];
    }

    /** Whether the class named {@code className} (binary name, dots) is rewritten. */
    public boolean selects(String className) {
        if (className == null || isOffLimits(className)) {
            return false;
        }
        int first = 0;
        while (first < include.length && !matches(include[first], className)) {
            first++;
        }
        if (first == include.length || matchesAny(exclude, className)) {
            return false;
        }
        includeSelected[first] = true;
        for (int i = first + 1; i < include.length; i++) {   // overlapping patterns all count as used
            if (!includeSelected[i] && matches(include[i], className)) {
                includeSelected[i] = true;
            }
        }
        return true;
    }

    /** {@link #selects}, as the runtime asks it ({@code AgentSelection}). */
    @Override
    public boolean test(String className) {
        return selects(className);
    }

    /**
     * The include patterns that have selected no class so far (a typo, a library not on the class path, or classes
     * all excluded), in the order given.
     */
    public List<String> includesThatSelectedNothing() {
        List<String> unused = new java.util.ArrayList<>();
        for (int i = 0; i < includeGlobs.size(); i++) {
            if (!includeSelected[i]) {
                unused.add(includeGlobs.get(i));
            }
        }
        return unused;
    }

    private static boolean isOffLimits(String className) {
        return className.startsWith("io.greening.") || className.startsWith("java.") || className.startsWith("javax.")
                || className.startsWith("jdk.") || className.startsWith("sun.") || className.startsWith("com.sun.");
    }

    private static boolean matchesAny(String[] globs, String className) {
        for (String glob : globs) {
            if (matches(glob, className)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code glob} matches the whole of {@code className}: {@code **} any characters, {@code *} any but a dot,
     * every other character itself; a glob not ending in {@code *} also matches its nested classes ({@code $...}).
     * Matched by hand, not by a compiled regular expression: selectors are built before {@code main}, where
     * {@code java.util.regex} costs start-up, and the globs are short.
     */
    static boolean matches(String glob, String className) {
        return matches(glob, 0, className, 0);
    }

    private static boolean matches(String glob, int g, String name, int n) {
        while (g < glob.length()) {
            char c = glob.charAt(g);
            if (c == '*') {
                boolean anyDepth = g + 1 < glob.length() && glob.charAt(g + 1) == '*';
                int rest = g + (anyDepth ? 2 : 1);
                for (int end = n; ; end++) {   // the star takes name[n, end): the shortest first
                    if (matches(glob, rest, name, end)) {
                        return true;
                    }
                    if (end == name.length() || !anyDepth && name.charAt(end) == '.') {
                        return false;
                    }
                }
            }
            if (n == name.length() || name.charAt(n) != c) {
                return false;
            }
            g++;
            n++;
        }
        return n == name.length() || !glob.endsWith("*") && name.charAt(n) == '$';   // a class name covers its nested classes
    }
}
