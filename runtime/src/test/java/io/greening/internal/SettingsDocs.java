package io.greening.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of {@code docs/agent.md} and {@code README.md} generated from {@link Settings}: each stands between
 * {@code <!-- settings:NAME ... -->} and {@code <!-- /settings:NAME -->}. {@code SettingsTest} checks that the docs
 * hold what this renders; to update them after changing a setting, run from the repository root:
 * <pre>java -cp runtime/target/classes:runtime/target/test-classes io.greening.internal.SettingsDocs</pre>
 */
public final class SettingsDocs {
    /** The documents with generated parts, relative to the repository root. */
    static final List<String> DOCUMENTS = List.of("docs/agent.md", "README.md");

    private static final Map<String, Supplier<String>> PARTS = Map.of(
            "table", SettingsDocs::table,
            "groups", SettingsDocs::groups,
            "error", () -> "```\ngreening: unknown option 'hub'; " + Settings.validOptions() + "\n```\n",
            "list", SettingsDocs::list);
    private static final Pattern PART = Pattern.compile(
            "(<!-- settings:([a-z]+)[^\\n]*-->\\n)(.*?)(<!-- /settings:\\2 -->)", Pattern.DOTALL);

    private SettingsDocs() {}

    /** Rewrites the generated parts of the documents under {@code args[0]} (default: the working directory). */
    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        for (String document : DOCUMENTS) {
            Path file = root.resolve(document);
            Files.writeString(file, render(Files.readString(file, StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        }
    }

    /** {@code text} with every generated part rendered anew. */
    static String render(String text) {
        Matcher m = PART.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Supplier<String> part = PARTS.get(m.group(2));
            if (part == null) {
                throw new IllegalArgumentException("no generated part named " + m.group(2));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + part.get() + m.group(4)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** How many generated parts {@code text} has. */
    static long parts(String text) {
        return PART.matcher(text).results().count();
    }

    /** Every setting: key, values, default, who reads it, what it sets. */
    static String table() {
        StringBuilder table = new StringBuilder("| key | values | default | read by | what it sets |\n|---|---|---|---|---|\n");
        for (Settings.Setting<?> s : Settings.ALL) {
            table.append("| `").append(s.key()).append("` | `").append(s.syntax().replace("|", "` \\| `")).append('`')
                    .append(s.isRepeatable() ? ", repeatable" : "").append(" | ").append(s.defaultText())
                    .append(" | ").append(s.isReadByRuntime() ? "runtime, also without the agent" : "agent")
                    .append(" | ").append(s.doc()).append(" |\n");
        }
        return table.toString();
    }

    /** Every rewrite group: name, older name, what its rows do. */
    static String groups() {
        StringBuilder table = new StringBuilder("| group | older name | what its rows do |\n|---|---|---|\n");
        for (PatchGroup group : PatchGroup.values()) {
            List<String> old = PatchGroup.oldNames().entrySet().stream().filter(e -> e.getValue().contains(group))
                    .map(Map.Entry::getKey).sorted().map(name -> "`" + name + "`").toList();
            table.append("| `").append(group.optionName()).append("` | ").append(String.join(", ", old)).append(" | ")
                    .append(group.doc()).append(" |\n");
        }
        return table.toString();
    }

    /** The README's one-paragraph list of every setting. */
    static String list() {
        return String.join(", ", Settings.ALL.stream().map(s -> "`" + s.usage() + "`").toList()) + ".\n";
    }
}
