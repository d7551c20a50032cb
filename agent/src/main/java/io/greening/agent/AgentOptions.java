package io.greening.agent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The agent's options: {@code key=value} pairs separated by commas in the {@code -javaagent} argument, a list-valued
 * key repeated once per value, and the same keys as {@code -Dgreening.<key>=} system properties (where a list is
 * comma-separated); for each key the agent argument wins over the property.
 *
 * @param include     class patterns whose classes are rewritten (required)
 * @param exclude     class patterns taken out of {@code include}
 * @param groups      the rewrite groups to apply
 * @param greenMain   whether the application's {@code main} runs as a green thread
 * @param hubs        how many hubs green threads are spread over
 * @param stall       the stall threshold handed to the stall monitor ({@link Duration#ZERO} = off), or null to keep
 *                    the runtime's default
 * @param report      where the exit report goes: {@code off}, {@code stderr}, or a file path
 * @param verbose     whether every transformed class is logged
 * @param schedule    how hubs pick ready green threads: {@code fifo} or {@code random:SEED}
 * @param clock       {@code real}, or {@code virtual} for hub time that jumps to the next timer
 */
public record AgentOptions(List<String> include, List<String> exclude, Set<Group> groups, boolean greenMain, int hubs,
                           Duration stall, String report, boolean verbose, String schedule, String clock) {

    /** The system property prefix for the options. */
    public static final String PROPERTY_PREFIX = "greening.";

    /** The example shown when {@code include} is missing. */
    static final String INCLUDE_EXAMPLE = "include=com.acme.** (a package tree), include=com.acme.* (one package) or include=com.acme.Main (a class)";

    /** One line listing every option and its values, shown with any option error. */
    static final String VALID_OPTIONS = "valid options: include=<pattern> (required, repeatable, e.g. include=com.acme.**), "
            + "exclude=<pattern> (repeatable), patch=threads|sleep|sockets|locks|files (repeatable, default all), "
            + "main=green|platform, hubs=<n>=1.., stall=<duration e.g. 100ms>|off, report=off|stderr|<file>, verbose=true|false, "
            + "schedule=fifo|random:<seed>|pct:<seed>:<depth>[:<steps>], clock=real|virtual";

    private static final List<String> KEYS = List.of("include", "exclude", "patch", "main", "hubs", "stall", "report", "verbose",
            "schedule", "clock");
    private static final Set<String> LIST_KEYS = Set.of("include", "exclude", "patch");

    /** A bad option: its message is the one line shown to the user. */
    public static final class OptionException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        OptionException(String problem) {
            super("greening: " + problem + "; " + VALID_OPTIONS);
        }
    }

    /** Parses the agent argument (may be null or empty) and the {@code greening.*} system properties. */
    public static AgentOptions parse(String agentArgument, Properties systemProperties) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        if (agentArgument != null && !agentArgument.isBlank()) {
            for (String pair : agentArgument.split(",")) {
                if (pair.isBlank()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new OptionException("malformed option '" + pair.trim() + "' (expected key=value)");
                }
                String key = pair.substring(0, eq).trim();
                String value = pair.substring(eq + 1).trim();
                requireKnown(key, key);
                List<String> list = values.computeIfAbsent(key, k -> new ArrayList<>());
                if (!list.isEmpty() && !LIST_KEYS.contains(key)) {
                    throw new OptionException("option '" + key + "' given twice");
                }
                list.add(value);
            }
        }
        for (String name : systemProperties.stringPropertyNames()) {
            if (!name.startsWith(PROPERTY_PREFIX)) {
                continue;
            }
            String key = name.substring(PROPERTY_PREFIX.length());
            if (!KEYS.contains(key)) {
                continue;   // other greening.* properties belong to the runtime (e.g. greening.offload.threads)
            }
            if (values.containsKey(key)) {
                continue;   // the agent argument wins
            }
            String value = systemProperties.getProperty(name);
            List<String> list = new ArrayList<>();
            for (String part : LIST_KEYS.contains(key) ? value.split(",") : new String[] {value}) {
                if (!part.isBlank()) {
                    list.add(part.trim());
                }
            }
            values.put(key, list);
        }
        return fromValues(values);
    }

    private static void requireKnown(String key, String shown) {
        if (!KEYS.contains(key)) {
            throw new OptionException("unknown option '" + shown + "'");
        }
    }

    private static AgentOptions fromValues(Map<String, List<String>> values) {
        List<String> include = values.getOrDefault("include", List.of());
        if (include.isEmpty()) {
            throw new OptionException("missing option 'include': name the classes to green, e.g. " + INCLUDE_EXAMPLE);
        }
        include.forEach(p -> ClassSelector.validate("include", p));
        List<String> exclude = values.getOrDefault("exclude", List.of());
        exclude.forEach(p -> ClassSelector.validate("exclude", p));

        Set<Group> groups = EnumSet.allOf(Group.class);
        List<String> patch = values.get("patch");
        if (patch != null) {
            groups = EnumSet.noneOf(Group.class);
            for (String name : patch) {
                groups.add(Group.parse(name));
            }
        }
        String schedule = single(values, "schedule", "fifo").trim().toLowerCase(Locale.ROOT);
        if (!schedule.equals("fifo") && !schedule.matches("random:-?[0-9]{1,18}")
                && !schedule.matches("pct:-?[0-9]{1,18}:[1-9][0-9]{0,5}(:[1-9][0-9]{0,8})?")) {
            throw new OptionException("bad value schedule=" + single(values, "schedule", "")
                    + " (expected fifo, random:<seed> or pct:<seed>:<depth>[:<steps>], e.g. random:42 or pct:42:3)");
        }
        String clock = single(values, "clock", "real").trim().toLowerCase(Locale.ROOT);
        if (!clock.equals("real") && !clock.equals("virtual")) {
            throw new OptionException("bad value clock=" + single(values, "clock", "") + " (expected real or virtual)");
        }
        // A deterministic run puts main under the hub too, unless main= says otherwise.
        boolean deterministic = !schedule.equals("fifo") || clock.equals("virtual");
        boolean greenMain = switch (single(values, "main", deterministic ? "green" : "platform")) {
            case "green" -> true;
            case "platform" -> false;
            default -> throw new OptionException("bad value main=" + single(values, "main", "") + " (expected green or platform)");
        };
        int hubs;
        String hubsText = single(values, "hubs", "1");
        try {
            hubs = Integer.parseInt(hubsText);
        } catch (NumberFormatException e) {
            hubs = 0;
        }
        if (hubs < 1 || hubs > 1024) {
            throw new OptionException("bad value hubs=" + hubsText + " (expected a number of hubs from 1 to 1024)");
        }
        Duration stall = null;
        if (values.containsKey("stall")) {
            stall = parseDuration(single(values, "stall", ""));
        }
        String report = single(values, "report", "off");
        if (report.isEmpty()) {
            throw new OptionException("bad value report= (expected off, stderr or a file path)");
        }
        boolean verbose = switch (single(values, "verbose", "false").toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new OptionException("bad value verbose=" + single(values, "verbose", "") + " (expected true or false)");
        };
        return new AgentOptions(List.copyOf(include), List.copyOf(exclude), Set.copyOf(groups), greenMain, hubs, stall,
                report, verbose, schedule, clock);
    }

    private static String single(Map<String, List<String>> values, String key, String defaultValue) {
        List<String> list = values.get(key);
        return list == null || list.isEmpty() ? defaultValue : list.getFirst();
    }

    /** Parses {@code 100ms}, {@code 2s}, {@code 500us}, {@code 1m}, a bare number of milliseconds, or {@code off}. */
    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("off")) {
            return Duration.ZERO;
        }
        try {
            Duration d;
            if (t.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            } else if (t.endsWith("us")) {
                d = Duration.ofNanos(Math.multiplyExact(Long.parseLong(t.substring(0, t.length() - 2)), 1000L));
            } else if (t.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            } else if (t.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            } else {
                d = Duration.ofMillis(Long.parseLong(t));
            }
            if (d.isNegative()) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new OptionException("bad value stall=" + text + " (expected a duration such as 100ms, 2s or off)");
        }
    }

    /** The rewrite groups, as named in {@code patch=}. */
    public enum Group {
        THREADS, SLEEP, SOCKETS, LOCKS, FILES;

        /** The name used in {@code patch=}. */
        public String optionName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Group parse(String name) {
            for (Group g : values()) {
                if (g.optionName().equals(name.trim())) {
                    return g;
                }
            }
            throw new OptionException("bad value patch=" + name + " (expected threads, sleep, sockets, locks or files)");
        }
    }
}
