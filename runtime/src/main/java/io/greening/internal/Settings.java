package io.greening.internal;

import io.greening.HubOptions;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.StringJoiner;

/**
 * THE list of greening's settings: every {@code greening.*} key, each with its grammar, its default and a one-line
 * doc. The agent takes them as {@code key=value} options and as {@code -Dgreening.<key>=} system properties and
 * parses them all once at start ({@link #parse}), then {@linkplain #install hands the values} to the runtime; the
 * runtime reads its settings through {@link #get}, which without the agent parses the system property. The agent's
 * "valid options" line and the tables in {@code docs/agent.md} and {@code README.md} are generated from this list
 * ({@code SettingsTest} checks the docs), so they cannot drift from it.
 */
public final class Settings {
    /** The system property prefix: {@code -Dgreening.stall=1s} is the setting {@code stall}. */
    public static final String PROPERTY_PREFIX = "greening.";

    private static final String CLASS_PATTERN_EXPECTED = "expected a class pattern such as com.acme.**, com.acme.* or com.acme.Main";

    /** Which classes the agent rewrites. */
    public static final Setting<List<String>> INCLUDE = new Setting<>("include", "<pattern>", "(required)",
            "which classes are rewritten: `com.acme.**` a package tree, `com.acme.*` one package, `com.acme.Main` a class "
                    + "(and its nested classes); `*` matches within one name segment",
            false, Kind.REQUIRED_LIST, List.of(), Grammar.CLASS_PATTERN);
    /** Classes taken out of {@link #INCLUDE}. */
    public static final Setting<List<String>> EXCLUDE = new Setting<>("exclude", "<pattern>", "none",
            "taken out of `include`", false, Kind.LIST, List.of(), Grammar.CLASS_PATTERN);
    /** The rewrite groups applied. */
    public static final Setting<Set<PatchGroup>> PATCH = new Setting<>("patch", String.join("|", PatchGroup.names()), "all",
            "the rewrite groups to apply (below); the older names `sleep`, `locks`, `files` still work",
            false, Kind.LIST, PatchGroup.patchValues(), Grammar.PATCH_GROUPS);
    /** Whether {@code main} runs as a green thread; null when not given (then it follows the schedule and clock). */
    public static final Setting<Boolean> MAIN = new Setting<>("main", "green|platform",
            "`platform`; `green` with a seeded `schedule` or `clock=virtual`",
            "`green` runs the app's `main` itself as a green thread (eventlet's main greenlet)",
            false, Kind.SINGLE, null, Grammar.GREEN_OR_PLATFORM);
    /** How many hubs the agent's work-stealing group has; {@code auto} is one per available processor. */
    public static final Setting<Integer> HUBS = new Setting<>("hubs", "auto|<n>", "auto",
            "hubs of the agent's work-stealing group (`HubGroup`): `auto` one per available processor, or 2 to 1024; "
                    + "`1` is the shared hub alone, one loop and no group; a seeded `schedule` or `clock=virtual` always runs on one hub of its own, so that it replays",
            false, Kind.SINGLE, HubCounts.auto(), Grammar.HUB_COUNT);
    /** The stall monitor's threshold; {@link Duration#ZERO} is off. */
    public static final Setting<Duration> STALL = new Setting<>("stall", "<duration>|off", "100ms",
            "threshold of the stall monitor, which logs a green thread that keeps its hub's carrier too long; a duration "
                    + "is `100ms`, `2s`, `500us`, `1m` or a bare number of milliseconds",
            true, Kind.SINGLE, Duration.ofMillis(100), Grammar.DURATION);
    /** How long a green thread may keep a hub of a group before the hub's other work is handed on; ZERO is off. */
    public static final Setting<Duration> HANDOFF = new Setting<>("handoff", "<duration>|off", "5ms",
            "in a group of hubs (the agent's, or a `HubGroup`): once a green thread has kept its hub's carrier this long, "
                    + "the hub's ready threads, due timers and ready I/O go to the other hubs or a spare carrier, as Go's "
                    + "sysmon hands off a P stuck in a system call",
            true, Kind.SINGLE, Duration.ofMillis(5), Grammar.DURATION);
    /** Where the agent's exit report goes. */
    public static final Setting<String> REPORT = new Setting<>("report", "off|stderr|<file>", "off",
            "a summary written at JVM exit; a file's directory must exist",
            false, Kind.SINGLE, "off", Grammar.REPORT_TARGET);
    /** Whether the agent logs every transformed class. */
    public static final Setting<Boolean> VERBOSE = new Setting<>("verbose", "true|false", "false",
            "logs every transformed class, its rewrites, and the agent's install time (System.Logger `io.greening.agent`)",
            false, Kind.SINGLE, false, Grammar.TRUE_OR_FALSE);
    /** How hubs pick among ready green threads, as {@link HubOptions} with a real clock. */
    public static final Setting<HubOptions> SCHEDULE = new Setting<>("schedule", "fifo|random:<seed>|pct:<seed>:<depth>[:<steps>]",
            "fifo", "how hubs pick among ready green threads; the same seed and inputs replay the same interleaving",
            true, Kind.SINGLE, HubOptions.DEFAULT, Grammar.SCHEDULE);
    /** Whether hubs keep virtual time; null when not given (then it follows the schedule: {@link HubOptions#withClock}). */
    public static final Setting<Boolean> CLOCK = new Setting<>("clock", "real|virtual",
            "`real`; `virtual` with a seeded `schedule`",
            "`virtual`: hub time stands still while green threads run and jumps to the next timer when all are blocked, so "
                    + "sleeps and timed waits take no real time; beside real I/O it follows real time for a short grace first "
                    + "(docs/agent.md, virtual time and real I/O). `real` with a seeded `schedule` warns once: the machine's "
                    + "timing then decides which sleeper wakes first, so a seed may not replay",
            true, Kind.SINGLE, null, Grammar.REAL_OR_VIRTUAL);
    /** The size of the offload pool. */
    public static final Setting<Integer> OFFLOAD_THREADS = new Setting<>("offload.threads", "<n>", "20",
            "threads of the offload pool (1 to 10000) that runs `Green.offload`, file and DNS calls (eventlet's tpool)",
            true, Kind.SINGLE, 20, Grammar.WHOLE_NUMBER_1_TO_10000);
    /** How long a hub stays quiet before it reports a deadlock, in milliseconds. */
    public static final Setting<Long> DEADLOCK_GRACE_MS = new Setting<>("deadlock.grace.ms", "<ms>", "1000",
            "how long a hub stays quiet (every green thread blocked, nothing pending) before it reports the wait-for cycles",
            true, Kind.SINGLE, 1000L, Grammar.WHOLE_NUMBER_1_UP);
    /** Whether the agent checks every class it transformed with ASM's {@code CheckClassAdapter} at exit. */
    public static final Setting<Boolean> CHECK = new Setting<>("check", "true|false", "false",
            "keeps every transformed class and runs ASM's `CheckClassAdapter` over them at exit (lines in the report)",
            false, Kind.SINGLE, false, Grammar.TRUE_OR_FALSE);
    /** Whether the agent registers its JMX MBean; null when not given (then: when the JVM is set up for JMX). */
    public static final Setting<Boolean> JMX = new Setting<>("jmx", "true|false", "when `-Dcom.sun.management.jmxremote*` is set",
            "registers the MBean `io.greening:type=GreenThreads` (below)",
            false, Kind.SINGLE, null, Grammar.TRUE_OR_FALSE);

    /** Every setting, in the order the docs list them. */
    public static final List<Setting<?>> ALL = List.of(INCLUDE, EXCLUDE, PATCH, MAIN, HUBS, HANDOFF, STALL, REPORT, VERBOSE, SCHEDULE,
            CLOCK, OFFLOAD_THREADS, DEADLOCK_GRACE_MS, CHECK, JMX);

    private static volatile Values installed;

    private Settings() {}

    /** How many values a setting takes. */
    private enum Kind {
        SINGLE, LIST, REQUIRED_LIST
    }

    /**
     * One setting.
     *
     * @param <T> its value's type
     */
    public static final class Setting<T> {
        private final String key;
        private final String syntax;
        private final String defaultText;
        private final String doc;
        private final boolean readByRuntime;
        private final Kind kind;
        private final T defaultValue;
        private final Grammar grammar;

        private Setting(String key, String syntax, String defaultText, String doc, boolean readByRuntime, Kind kind,
                        T defaultValue, Grammar grammar) {
            this.key = key;
            this.syntax = syntax;
            this.defaultText = defaultText;
            this.doc = doc;
            this.readByRuntime = readByRuntime;
            this.kind = kind;
            this.defaultValue = defaultValue;
            this.grammar = grammar;
        }

        /** The key in the agent argument, e.g. {@code offload.threads}. */
        public String key() {
            return key;
        }

        /** The system property, e.g. {@code greening.offload.threads}. */
        public String property() {
            return PROPERTY_PREFIX + key;
        }

        /** The values it takes, e.g. {@code <duration>|off}. */
        public String syntax() {
            return syntax;
        }

        /** Its default, as the docs say it. */
        public String defaultText() {
            return defaultText;
        }

        /** What it sets, in one line (Markdown). */
        public String doc() {
            return doc;
        }

        /** Whether the runtime reads it without the agent too (as a system property). */
        public boolean isReadByRuntime() {
            return readByRuntime;
        }

        /** Whether it takes several values (repeated in the agent argument, comma-separated in a property). */
        public boolean isRepeatable() {
            return kind != Kind.SINGLE;
        }

        /** Whether the agent needs it. */
        public boolean isRequired() {
            return kind == Kind.REQUIRED_LIST;
        }

        /** Its value when not given (null where the default depends on other settings). */
        public T defaultValue() {
            return defaultValue;
        }

        /**
         * Parses one value with this setting's grammar.
         *
         * @throws IllegalArgumentException (one line) naming the setting and what it expects
         */
        public T parseOne(String text) {
            return parse(List.of(text), key);
        }

        /** Parses the given values; a bad one is named as {@code shownKey=value}. */
        @SuppressWarnings("unchecked")
        private T parse(List<String> texts, String shownKey) {
            List<Object> elements = new ArrayList<>();
            for (String text : texts) {
                try {
                    elements.add(grammar.parse(text));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("bad value " + shownKey + "=" + text + " (" + e.getMessage() + ")");
                }
            }
            return (T) grammar.combine(elements);
        }

        /** How {@link #validOptions()} shows it, e.g. {@code include=<pattern> (required, repeatable)}. */
        public String usage() {
            String usage = key + "=" + syntax;
            if (isRequired()) {
                return usage + " (required, repeatable)";
            }
            return isRepeatable() ? usage + " (repeatable)" : usage;
        }

        @Override
        public String toString() {
            return key;
        }
    }

    /** A bad setting: its message is the one line shown to the user, naming it and listing the valid options. */
    public static final class BadSettingException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        BadSettingException(String problem) {
            super("greening: " + problem + "; " + validOptions());
        }
    }

    /** The values of the settings given; the others have their defaults. */
    public static final class Values {
        private final Map<Setting<?>, Object> given;

        private Values(Map<Setting<?>, Object> given) {
            this.given = given;
        }

        /** The value of {@code setting}: the one given, else its default. */
        @SuppressWarnings("unchecked")
        public <T> T get(Setting<T> setting) {
            return given.containsKey(setting) ? (T) given.get(setting) : setting.defaultValue;
        }

        /** Whether {@code setting} was given (as an option or a property). */
        public boolean isGiven(Setting<?> setting) {
            return given.containsKey(setting);
        }
    }

    /** {@code valid options: key=values, ...}: every setting, shown with any bad setting. */
    public static String validOptions() {
        StringJoiner usages = new StringJoiner(", ", "valid options: ", "");
        for (Setting<?> setting : ALL) {
            usages.add(setting.usage());
        }
        return usages.toString();
    }

    /** The setting named {@code key}, or null. */
    public static Setting<?> named(String key) {
        for (Setting<?> setting : ALL) {
            if (setting.key.equals(key)) {
                return setting;
            }
        }
        return null;
    }

    /**
     * Parses the agent argument ({@code key=value} pairs separated by commas, a repeatable key repeated once per
     * value; may be null or empty) and every {@code greening.*} property. For each key the argument wins over the
     * property; a property that is bad or unknown is an error all the same.
     *
     * @throws BadSettingException naming the first problem: a malformed pair, an unknown key or property, a key given
     *                             twice, a bad value, a missing required key
     */
    public static Values parse(String argument, Properties properties) {
        Map<Setting<?>, Object> given = new LinkedHashMap<>();
        Map<Setting<?>, List<String>> fromArgument = new LinkedHashMap<>();
        if (argument != null) {
            for (String pair : argument.split(",")) {
                if (pair.isBlank()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new BadSettingException("malformed option '" + pair.trim() + "' (expected key=value)");
                }
                String key = pair.substring(0, eq).trim();
                Setting<?> setting = named(key);
                if (setting == null) {
                    throw new BadSettingException("unknown option '" + key + "'");
                }
                List<String> values = fromArgument.get(setting);
                if (values == null) {
                    values = new ArrayList<>();
                    fromArgument.put(setting, values);
                } else if (!setting.isRepeatable()) {
                    throw new BadSettingException("option '" + key + "' given twice");
                }
                values.add(pair.substring(eq + 1).trim());
            }
        }
        for (Map.Entry<Setting<?>, List<String>> e : fromArgument.entrySet()) {
            given.put(e.getKey(), parseOrThrow(e.getKey(), e.getValue(), e.getKey().key));
        }
        List<String> names = new ArrayList<>();   // the greening.* properties, sorted: the first bad one is named
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith(PROPERTY_PREFIX)) {
                names.add(name);
            }
        }
        if (names.size() > 1) {   // usually none: a TreeSet of every property name loaded classes outside the CDS archive
            names.sort(null);
        }
        for (String name : names) {
            Setting<?> setting = named(name.substring(PROPERTY_PREFIX.length()));
            if (setting == null) {
                throw new BadSettingException("unknown property -D" + name);
            }
            Object value = parseOrThrow(setting, split(setting, properties.getProperty(name)), "-D" + name);
            given.putIfAbsent(setting, value);   // the agent argument wins
        }
        for (Setting<?> setting : ALL) {
            if (setting.isRequired() && ((List<?>) given.getOrDefault(setting, List.of())).isEmpty()) {
                throw new BadSettingException("missing option '" + setting.key + "': name the classes to green, e.g. "
                        + "include=com.acme.** (a package tree), include=com.acme.* (one package) or include=com.acme.Main (a class)");
            }
        }
        return new Values(Map.copyOf(given));
    }

    private static Object parseOrThrow(Setting<?> setting, List<String> values, String shownKey) {
        try {
            return setting.parse(values, shownKey);
        } catch (IllegalArgumentException e) {
            throw new BadSettingException(e.getMessage());
        }
    }

    /** A property's values: comma-separated for a repeatable setting. */
    private static List<String> split(Setting<?> setting, String text) {
        if (!setting.isRepeatable()) {
            return List.of(text.trim());
        }
        List<String> values = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                values.add(part.trim());
            }
        }
        return values;
    }

    /**
     * Makes {@code values} the settings the runtime reads ({@link #get}) from now on; called by the agent at start,
     * before any other runtime class reads a setting.
     */
    public static void install(Values values) {
        installed = Objects.requireNonNull(values);
    }

    /** Back to the system properties (tests). */
    static void uninstall() {
        installed = null;
    }

    /**
     * The value of {@code setting} for the runtime: the agent's (option or property) under the agent, else the system
     * property parsed, else the default.
     *
     * @throws IllegalArgumentException (one line) if the system property is malformed
     */
    public static <T> T get(Setting<T> setting) {
        Values values = installed;
        if (values != null) {
            return values.get(setting);
        }
        String text = System.getProperty(setting.property());
        if (text == null) {
            return setting.defaultValue;
        }
        try {
            return setting.parse(split(setting, text), "-D" + setting.property());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("greening: " + e.getMessage());
        }
    }

    /** Whether {@code setting} was given: to the agent (option or property), or else as a system property. */
    public static boolean isGiven(Setting<?> setting) {
        Values values = installed;
        return values != null ? values.isGiven(setting) : System.getProperty(setting.property()) != null;
    }

    /**
     * The grammars of the settings' values, each parsing one value or throwing {@link IllegalArgumentException} that
     * says what it expects. (An enum rather than lambdas: the agent parses the settings before {@code main}, where
     * every lambda class spun costs start-up.)
     */
    private enum Grammar {
        CLASS_PATTERN, PATCH_GROUPS, GREEN_OR_PLATFORM, TRUE_OR_FALSE, REAL_OR_VIRTUAL, DURATION, REPORT_TARGET, SCHEDULE,
        HUB_COUNT, WHOLE_NUMBER_1_TO_10000, WHOLE_NUMBER_1_UP;

        Object parse(String text) {
            return switch (this) {
                case CLASS_PATTERN -> classPattern(text);
                case PATCH_GROUPS -> PatchGroup.named(text);
                case GREEN_OR_PLATFORM -> choice(text, "green", true, "platform", false);
                case TRUE_OR_FALSE -> choice(text, "true", true, "false", false);
                case REAL_OR_VIRTUAL -> choice(text, "real", false, "virtual", true);
                case DURATION -> Durations.parse(text);
                case REPORT_TARGET -> reportTarget(text);
                case SCHEDULE -> HubOptions.parseSchedule(text);
                case HUB_COUNT -> text.trim().equalsIgnoreCase("auto") ? HubCounts.auto()
                        : (int) wholeNumberOr(text, 1, HubCounts.MAX, "auto or ");
                case WHOLE_NUMBER_1_TO_10000 -> (int) wholeNumber(text, 1, 10_000);
                case WHOLE_NUMBER_1_UP -> wholeNumber(text, 1, Long.MAX_VALUE);
            };
        }

        /** The value of a setting from its values' parses: the one, a list, or the union of the groups named. */
        Object combine(List<Object> elements) {
            return switch (this) {
                case CLASS_PATTERN -> List.copyOf(elements);
                case PATCH_GROUPS -> {
                    Set<PatchGroup> groups = new HashSet<>();   // not an EnumSet: see PatchGroup
                    for (Object named : elements) {
                        for (Object group : (Collection<?>) named) {
                            groups.add((PatchGroup) group);
                        }
                    }
                    yield Set.copyOf(groups);
                }
                default -> elements.getFirst();
            };
        }
    }

    /** The grammar's {@code hubs} values. */
    private static final class HubCounts {
        static final int MAX = 1024;

        /** {@code auto}: one hub per processor available to the JVM. */
        static int auto() {
            return Math.min(MAX, Runtime.getRuntime().availableProcessors());
        }
    }

    private static String classPattern(String pattern) {
        // A trailing dot or a doubled one can match no class name.
        if (pattern.isEmpty() || !classPatternCharacters(pattern) || pattern.startsWith(".")
                || pattern.endsWith(".") || pattern.contains("..") || pattern.contains("***")) {
            throw new IllegalArgumentException(CLASS_PATTERN_EXPECTED);
        }
        return pattern;
    }

    /**
     * Whether every character is a Java identifier part, a dot, a star or a dollar; a loop, not a regular expression:
     * the agent parses its settings before {@code main}, where compiling {@code \p{javaJavaIdentifierPart}} costs
     * start-up.
     */
    private static boolean classPatternCharacters(String pattern) {
        for (int i = 0; i < pattern.length(); ) {
            int c = pattern.codePointAt(i);
            if (!Character.isJavaIdentifierPart(c) && c != '.' && c != '*' && c != '$') {
                return false;
            }
            i += Character.charCount(c);
        }
        return true;
    }

    private static Object choice(String text, String first, Object firstValue, String second, Object secondValue) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals(first)) {
            return firstValue;
        }
        if (t.equals(second)) {
            return secondValue;
        }
        throw new IllegalArgumentException("expected " + first + " or " + second);
    }

    private static long wholeNumber(String text, long min, long max) {
        return wholeNumberOr(text, min, max, "");
    }

    /** A whole number in [min, max]; {@code alternatives} names what else the grammar takes, as the message says it. */
    private static long wholeNumberOr(String text, long min, long max, String alternatives) {
        try {
            long n = Long.parseLong(text.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("expected " + alternatives + "a whole number from " + min
                + (max == Long.MAX_VALUE ? " up" : " to " + max));
    }

    /** {@code off}, {@code stderr}, or a file whose directory exists: checked now, so that no report is lost at exit. */
    private static String reportTarget(String text) {
        String expected = "expected off, stderr or a file path";
        if (text.isEmpty()) {
            throw new IllegalArgumentException(expected);
        }
        if (text.equals("off") || text.equals("stderr")) {
            return text;
        }
        Path file;
        try {
            file = Path.of(text).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(expected);
        }
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(expected + "; " + text + " is a directory");
        }
        if (file.getParent() != null && !Files.isDirectory(file.getParent())) {
            throw new IllegalArgumentException(expected + "; the directory " + file.getParent() + " does not exist");
        }
        return text;
    }
}
