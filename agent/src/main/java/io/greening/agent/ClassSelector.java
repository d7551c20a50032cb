package io.greening.agent;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Which classes the agent rewrites: those matching an {@code include} pattern and no {@code exclude} pattern.
 * Patterns use dots: {@code com.acme.**} is a package tree, {@code com.acme.*} one package, {@code Native*} any
 * characters but a dot; a plain class name also covers its nested classes ({@code Name$Inner}, lambdas). greening's
 * own classes and the JDK's are never selected. Which patterns are valid is the settings' grammar
 * ({@code Settings.INCLUDE}); this says what they match.
 */
public final class ClassSelector {
    private final List<String> includeGlobs;
    private final List<Pattern> include;
    private final List<Pattern> exclude;
    /** Per include pattern: whether it has selected a class. Only ever set, so a racy write loses nothing. */
    private final boolean[] includeSelected;

    /** A selector from the {@code include} and {@code exclude} patterns. */
    public ClassSelector(List<String> include, List<String> exclude) {
        this.includeGlobs = List.copyOf(include);
        this.include = include.stream().map(ClassSelector::compile).toList();
        this.exclude = exclude.stream().map(ClassSelector::compile).toList();
        this.includeSelected = new boolean[include.size()];
    }

    /** Whether the class named {@code className} (binary name, dots) is rewritten. */
    public boolean selects(String className) {
        if (className == null || isOffLimits(className)) {
            return false;
        }
        int first = 0;
        while (first < include.size() && !include.get(first).matcher(className).matches()) {
            first++;
        }
        if (first == include.size() || matchesAny(exclude, className)) {
            return false;
        }
        includeSelected[first] = true;
        for (int i = first + 1; i < include.size(); i++) {   // overlapping patterns all count as used
            if (!includeSelected[i] && include.get(i).matcher(className).matches()) {
                includeSelected[i] = true;
            }
        }
        return true;
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

    private static boolean matchesAny(List<Pattern> patterns, String className) {
        for (Pattern p : patterns) {
            if (p.matcher(className).matches()) {
                return true;
            }
        }
        return false;
    }

    static Pattern compile(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    regex.append(".*");
                    i++;
                } else {
                    regex.append("[^.]*");
                }
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        if (!glob.endsWith("*")) {
            regex.append("(\\$.*)?");   // a class name covers its nested classes and lambdas
        }
        return Pattern.compile(regex.toString());
    }
}
