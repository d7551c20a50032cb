package io.greening.agent;


import java.util.Properties;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * {@code premain}'s parse of the settings, before the runtime is in the boot loader: {@link EarlySettings} defines this
 * class, {@link AgentOptions} and the runtime classes the parse needs into a class loader of their own, and calls
 * {@link #apply} through the JDK's {@code BiFunction}, which returns what {@code premain} needs as JDK values
 * ({@link EarlySettings.Values}). Never loaded by the agent's own class loader: its runtime classes would then resolve in
 * the boot loader, where they are not yet. A bad setting throws the settings' own one-line
 * {@code IllegalArgumentException}.
 */
public final class SettingsCheck implements BiFunction<String, Properties, Object[]> {
    static {
        // hands its loader an instance, as BootDefiner does: no reflective constructor call, which spins method handles
        if (SettingsCheck.class.getClassLoader() instanceof Consumer<?> loader) {
            @SuppressWarnings("unchecked")
            Consumer<Object> accept = (Consumer<Object>) loader;
            accept.accept(new SettingsCheck());
        }
    }

    private SettingsCheck() {}

    /**
     * Parses the agent argument and {@code greening.*} properties; returns, in {@link EarlySettings.Values}'s order:
     * include, exclude ({@code List<String>}), verbose, check, greenMain, monitorEntries ({@code Boolean}), report
     * ({@code String}), jmx ({@code Boolean}, or null).
     */
    @Override
    public Object[] apply(String argument, Properties properties) {
        AgentOptions options = AgentOptions.parse(argument, properties);
        return new Object[] {options.include(), options.exclude(), options.verbose(), options.check(), options.greenMain(),
                AgentOptions.monitorEntriesIn(options.groups()), options.report(), options.jmx()};
    }
}
