package io.greening.itests;

import com.sun.tools.attach.VirtualMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent seen from outside, in forked JVMs: bad options stop the JVM at start with one line, a class that
 * cannot be transformed runs unchanged and is reported once, and dynamic attach greens a running app.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AgentBehaviourIT {
    private static final Duration APP_TIMEOUT = Duration.ofMinutes(1);
    /** What the JVM itself may print on stderr (e.g. about CDS and the appended boot class path). */
    private static final String JVM_WARNING = "OpenJDK 64-Bit Server VM warning:";

    @TempDir
    Path work;

    @Test
    void anUnknownOptionStopsTheJvmWithOneLineNamingItAndTheValidOnes() throws Exception {
        String complaint = refusal("include=com.acme.**,colour=green");
        assertTrue(complaint.contains("colour"), complaint);
        assertTrue(complaint.contains("include=") && complaint.contains("report="), "lists the valid ones: " + complaint);
    }

    @Test
    void aMalformedValueStopsTheJvmWithOneLineNamingIt() throws Exception {
        String complaint = refusal("include=com.acme.**,hubs=zero");
        assertTrue(complaint.contains("hubs=zero"), complaint);
    }

    @Test
    void aMissingIncludeStopsTheJvmWithAnExample() throws Exception {
        String complaint = refusal("report=stderr");
        assertTrue(complaint.contains("include=com.acme.**"), complaint);
    }

    @Test
    void aClassThatCannotBeTransformedRunsUnchangedAndIsReportedOnce() throws Exception {
        Path classes = compileWithMissingSuperclass();
        Path report = work.resolve("report.txt");
        ForkedApp.Result plain = ForkedApp.run(ForkedApp.currentJava(), List.of(), classes,
                "com.acme.broken.Caller", List.of(), APP_TIMEOUT);
        ForkedApp.Result greened = ForkedApp.run(ForkedApp.currentJava(),
                List.of(ForkedApp.agentOption(Built.agentJar(), report)), classes, "com.acme.broken.Caller",
                List.of(), APP_TIMEOUT);

        assertEquals(0, plain.exitCode(), plain::describe);
        assertEquals(0, greened.exitCode(), greened::describe);
        assertEquals(List.of("caught java.lang.NoClassDefFoundError: com/acme/broken/Missing", "still runs"),
                plain.comparableOutput(), plain::describe);
        assertEquals(plain.comparableOutput(), greened.comparableOutput(), greened::describe);
        AgentReport agentReport = AgentReport.read(report);
        long failedLines = agentReport.text().lines()
                .filter(line -> line.startsWith("  failed: com.acme.broken.Broken:")).count();
        assertEquals(1, failedLines, agentReport.text());
        assertTrue(agentReport.rewritesByKind().getOrDefault("threads", 0L) > 0,
                "the other classes are still greened: " + agentReport.text());
        assertEquals(1, greened.errors().lines().filter(line -> line.contains("com.acme.broken.Broken")).count(),
                "one warning on stderr:\n" + greened.errors());
    }

    @Test
    void dynamicAttachGreensARunningApp() throws Exception {
        Path report = work.resolve("attach-report.txt");
        ForkedApp unattached = ForkedApp.start(ForkedApp.currentJava(), List.of(), Built.appClasses(),
                "com.acme.apps.LateApp", List.of("2000"));
        unattached.awaitLine("# ready", APP_TIMEOUT);
        unattached.sendLine("go");
        ForkedApp.Result plain = unattached.await(APP_TIMEOUT);

        ForkedApp late = ForkedApp.start(ForkedApp.currentJava(), List.of(), Built.appClasses(),
                "com.acme.apps.LateApp", List.of("2000"));
        late.awaitLine("# ready", APP_TIMEOUT);
        VirtualMachine vm = VirtualMachine.attach(Long.toString(late.pid()));
        try {
            vm.loadAgent(Built.agentJar().toString(), "include=com.acme.**,report=" + report);
        } finally {
            vm.detach();
        }
        late.sendLine("go");
        ForkedApp.Result attached = late.await(APP_TIMEOUT);

        assertEquals(0, plain.exitCode(), plain::describe);
        assertEquals(0, attached.exitCode(), attached::describe);
        assertEquals(List.of("late: told go, threads=2000 wakeups=2000"), plain.comparableOutput(), plain::describe);
        assertEquals(plain.comparableOutput(), attached.comparableOutput(), attached::describe);
        assertTrue(attached.peakOsThreads() < 32, "attached: " + attached.peakOsThreads() + "\n" + attached.describe());
        assertTrue(plain.peakOsThreads() > 100, "plain: " + plain.peakOsThreads());
        AgentReport agentReport = AgentReport.read(report);
        assertTrue(agentReport.rewritesByKind().getOrDefault("threads", 0L) > 0, agentReport.text());
        assertTrue(agentReport.rewritesByKind().getOrDefault("sleep", 0L) > 0, agentReport.text());
    }

    /**
     * Runs the trivial main with the given agent options, expecting the agent to refuse them before main: a
     * non-zero exit and one line on stderr (besides the JVM's own warnings), which is returned.
     */
    private static String refusal(String agentOptions) throws Exception {
        ForkedApp.Result run = ForkedApp.run(ForkedApp.currentJava(),
                List.of("-javaagent:" + Built.agentJar() + "=" + agentOptions), Built.appClasses(),
                "com.acme.apps.Hello", List.of(), APP_TIMEOUT);
        assertNotEquals(0, run.exitCode(), run::describe);
        assertFalse(run.output().contains("hello"), "main must not run:\n" + run.describe());
        List<String> complaint = run.errors().lines().filter(line -> !line.startsWith(JVM_WARNING)).toList();
        assertEquals(1, complaint.size(), run::describe);
        return complaint.getFirst();
    }

    /**
     * Compiles {@code Broken extends Missing}, and a {@code Caller} that calls it and then starts a thread, and
     * deletes {@code Missing.class}: the agent cannot resolve Broken's superclass, so it cannot transform it.
     */
    private Path compileWithMissingSuperclass() throws Exception {
        Path sources = Files.createDirectories(work.resolve("src/com/acme/broken"));
        Path classes = Files.createDirectories(work.resolve("classes"));
        Files.writeString(sources.resolve("Missing.java"), "package com.acme.broken; public class Missing { }");
        Files.writeString(sources.resolve("Broken.java"), """
                package com.acme.broken;
                public class Broken extends Missing {
                    public static void nap() throws InterruptedException { Thread.sleep(1); }
                }""");
        Files.writeString(sources.resolve("Caller.java"), """
                package com.acme.broken;
                public class Caller {
                    public static void main(String[] args) throws Exception {
                        try {
                            Broken.nap();
                        } catch (NoClassDefFoundError e) {
                            System.out.println("caught " + e);
                        }
                        Thread thread = new Thread(() -> System.out.println("still runs"));
                        thread.start();
                        thread.join();
                    }
                }""");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int status = javac.run(null, null, null, "-d", classes.toString(),
                sources.resolve("Missing.java").toString(), sources.resolve("Broken.java").toString(),
                sources.resolve("Caller.java").toString());
        assertEquals(0, status, "javac");
        Files.delete(classes.resolve("com/acme/broken/Missing.class"));
        return classes;
    }
}
