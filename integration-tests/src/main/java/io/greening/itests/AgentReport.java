package io.greening.itests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The agent's exit report ({@code report=<file>}), as text and as rewritten call sites counted by kind. */
public record AgentReport(String text) {
    /** The rewrite kinds, the agent's {@code patch=} groups. */
    public static final List<String> KINDS = List.of("threads", "sleep", "sockets", "locks", "files");

    private static final Pattern KIND_COUNT = Pattern.compile(
            "^\\s*(" + String.join("|", KINDS) + ")\\b\\D*(\\d+)", Pattern.MULTILINE);

    /** Reads a report file. */
    public static AgentReport read(Path file) throws IOException {
        return new AgentReport(Files.readString(file));
    }

    /** The number of call sites rewritten per kind, for the kinds the report lists, in the report's order. */
    public Map<String, Long> rewritesByKind() {
        Map<String, Long> counts = new LinkedHashMap<>();
        Matcher matcher = KIND_COUNT.matcher(text);
        while (matcher.find()) {
            counts.putIfAbsent(matcher.group(1), Long.parseLong(matcher.group(2)));
        }
        return counts;
    }
}
