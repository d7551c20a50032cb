package io.greening.itests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's exit report ({@code report=<file>}), as text and as rewritten call sites counted by kind. The
 * rewrites are the lines {@code "    <group> <label> <count>"} under {@code "  call sites rewritten: N"}, e.g.
 * {@code "    threads Thread.start 3"} (the format documented on the agent's {@code Report.render}).
 */
public record AgentReport(String text) {
    private static final String SECTION = "  call sites rewritten:";
    /** A row under the section: its group (a {@code patch=} group, e.g. {@code timed-waits}), kind and count. */
    private static final Pattern ROW = Pattern.compile(" {4}([a-z-]+) (.+) (\\d+)");

    /** The agent option greening an app of {@code com.acme}: {@code -javaagent:<jar>=include=com.acme.**,report=<report>}. */
    public static String agentOption(Path agentJar, Path report) {
        return "-javaagent:" + agentJar + "=include=com.acme.**,report=" + report;
    }

    /** Reads a report file. */
    public static AgentReport read(Path file) throws IOException {
        return new AgentReport(Files.readString(file));
    }

    /** Call sites rewritten per kind (patch group), summed over their labels, in the report's order. */
    public Map<String, Long> rewritesByKind() {
        Map<String, Long> byKind = new LinkedHashMap<>();
        rows((kind, label, count) -> byKind.merge(kind, count, Long::sum));
        return byKind;
    }

    /** Call sites rewritten per label, e.g. {@code "Thread.start" -> 3}, in the report's order. */
    public Map<String, Long> rewritesByLabel() {
        Map<String, Long> byLabel = new LinkedHashMap<>();
        rows((kind, label, count) -> byLabel.merge(label, count, Long::sum));
        return byLabel;
    }

    private interface RowConsumer {
        void accept(String kind, String label, long count);
    }

    private void rows(RowConsumer consumer) {
        boolean inSection = false;
        for (String line : text.lines().toList()) {
            if (line.startsWith(SECTION)) {
                inSection = true;
                continue;
            }
            Matcher row = ROW.matcher(line);
            if (inSection && row.matches()) {
                consumer.accept(row.group(1), row.group(2), Long.parseLong(row.group(3)));
            } else {
                inSection = false;
            }
        }
    }
}
