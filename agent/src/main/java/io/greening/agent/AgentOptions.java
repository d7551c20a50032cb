package io.greening.agent;

import io.greening.HubOptions;
import io.greening.internal.PatchGroup;
import io.greening.internal.Settings;

import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * The agent's view of its settings ({@link Settings}, the one list of {@code greening.*} keys with their grammars),
 * parsed once at start from the agent argument and the {@code greening.*} system properties; the argument wins.
 *
 * @param settings every setting's value, handed to the runtime as they are ({@link Settings#install})
 */
public record AgentOptions(Settings.Values settings) {

    /**
     * Parses the agent argument (may be null or empty) and the {@code greening.*} system properties.
     *
     * @throws Settings.BadSettingException with the one line to show the user
     */
    public static AgentOptions parse(String agentArgument, Properties systemProperties) {
        return new AgentOptions(Settings.parse(agentArgument, systemProperties));
    }

    /** Class patterns whose classes are rewritten. */
    public List<String> include() {
        return settings.get(Settings.INCLUDE);
    }

    /** Class patterns taken out of {@link #include()}. */
    public List<String> exclude() {
        return settings.get(Settings.EXCLUDE);
    }

    /** Whether the monitor entry row ({@code Rewrites.MONITOR_ENTRY_KEY}) is in force with these groups: its group's. */
    public static boolean monitorEntriesIn(Set<PatchGroup> groups) {
        return groups.contains(PatchGroup.WAITS);
    }

    /** The rewrite groups to apply: the {@code patch=} groups, and {@link PatchGroup#MAIN} when main runs green. */
    public Set<PatchGroup> groups() {
        Set<PatchGroup> groups = new HashSet<>();   // not an EnumSet: see PatchGroup
        groups.addAll(settings.get(Settings.PATCH));
        if (greenMain()) {
            groups.add(PatchGroup.MAIN);
        }
        return Set.copyOf(groups);
    }

    /**
     * Whether the application's {@code main} runs as a green thread: as {@code main=} says, else when the run is
     * deterministic (a seeded schedule or a virtual clock), so that the whole program is under the hub.
     */
    public boolean greenMain() {
        Boolean main = settings.get(Settings.MAIN);
        return main != null ? main : hubOptions().isSeeded() || hubOptions().virtualClock();
    }

    /** The schedule and clock every hub gets. */
    public HubOptions hubOptions() {
        return settings.get(Settings.SCHEDULE).withClock(settings.get(Settings.CLOCK));
    }

    /** Where the exit report goes: {@code off}, {@code stderr}, or a file path. */
    public String report() {
        return settings.get(Settings.REPORT);
    }

    /** Whether every transformed class is logged. */
    public boolean verbose() {
        return settings.get(Settings.VERBOSE);
    }

    /** Whether transformed classes are checked with ASM's {@code CheckClassAdapter} at exit. */
    public boolean check() {
        return settings.get(Settings.CHECK);
    }

    /** Whether to register the JMX MBean, or null to decide by whether the JVM is set up for JMX. */
    public Boolean jmx() {
        return settings.get(Settings.JMX);
    }
}
