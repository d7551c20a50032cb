package io.greening.itests;

import com.sun.tools.attach.VirtualMachine;
import io.greening.forked.ForkedJvm;
import io.greening.forked.OsThreadCeiling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each unmodified app of {@code com.acme.apps} runs twice in a fresh JVM, plain and with
 * {@code -javaagent:greening.jar=include=com.acme.**,report=<file>}: the outputs must be equal, the greened run
 * must stay under a trivial JVM's OS threads plus the carriers of the agent's group of hubs and a few
 * ({@link OsThreadCeiling}), and its
 * exit report must count the call sites it rewrote, by kind. Every class the agent transformed must pass ASM's {@code CheckClassAdapter}.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class AppsIT {
    /** The agent's own threads, a main and a few threads of the app beyond the JVM's and the group's carriers. */
    private static final OsThreadCeiling MAX_GREENED_OS_THREADS = OsThreadCeiling.greened(12);
    private static final Duration APP_TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    Path work;

    @Test
    void threadPerConnectionEchoServerWith5000Clients() throws Exception {
        Comparison echo = compare("EchoApp", List.of("5000", "5"), List.of("threads", "sockets"));
        assertTrue(echo.plain.output().getFirst().contains("mismatches=0 failures=0"), echo.plain::describe);
        assertTrue(echo.plain.peakOsThreads() > 5_000,
                "plain: one thread per connection on each side, so thousands: " + echo.plain.peakOsThreads());
    }

    @Test
    void fixedThreadPoolServer() throws Exception {
        Comparison pool = compare("PoolApp", List.of("2000"), List.of("threads", "sockets"));
        assertTrue(pool.plain.output().getFirst().contains("served=2000"), pool.plain::describe);
    }

    @Test
    void producersAndConsumersOverLocksConditionsAndMonitors() throws Exception {
        Comparison pc = compare("ProducerConsumerApp", List.of(), List.of("threads"));
        assertTrue(pc.plain.output().getFirst().contains("consumed=160000"), pc.plain::describe);
    }

    @Test
    void tenThousandSleepingThreads() throws Exception {
        Comparison sleep = compare("SleepApp", List.of("10000"), List.of("threads", "sleeps"));
        assertTrue(sleep.plain.output().getFirst().contains("wakeups=30000"), sleep.plain::describe);
        assertTrue(sleep.greened.output().getFirst().contains("early-wakeups=0 failures=0"), sleep.greened::describe);
        assertTrue(sleep.plain.peakOsThreads() > 5_000, "plain: " + sleep.plain.peakOsThreads());
    }

    @Test
    void threadSubclasses() throws Exception {
        Comparison subclasses = compare("ThreadSubclassApp", List.of(), List.of("threads", "sleeps"));
        assertTrue(subclasses.plain.output().contains(
                "sleeper: alive-while-sleeping=true interrupted, flag cleared=true alive-after-join=false"),
                subclasses.plain::describe);
    }

    /**
     * The agent attached to a running app ({@code VirtualMachine.loadAgent}) before it starts its threads:
     * same output as unattached, few OS threads, and a report. (The attach mechanism itself, loaded and later
     * classes, bad options on attach: {@code AgentIT}.)
     */
    @Test
    void agentAttachedToARunningApp() throws Exception {
        Path java = ForkedJvm.currentJava();
        Path reportFile = work.resolve("LateApp-report.txt");
        List<String> args = List.of("2000");
        ForkedJvm unattached = ForkedJvm.start(java, List.of(), Built.appClasses(), "com.acme.apps.LateApp", args);
        unattached.awaitLine("# ready", APP_TIMEOUT);
        unattached.sendLine("go");
        ForkedJvm.Result plain = unattached.await(APP_TIMEOUT);

        ForkedJvm late = ForkedJvm.start(java, List.of(), Built.appClasses(), "com.acme.apps.LateApp", args);
        late.awaitLine("# ready", APP_TIMEOUT);
        VirtualMachine vm = VirtualMachine.attach(Long.toString(late.pid()));
        try {
            vm.loadAgent(Built.agentJar().toString(), "include=com.acme.**,report=" + reportFile);
        } finally {
            vm.detach();
        }
        late.sendLine("go");
        ForkedJvm.Result attached = late.await(APP_TIMEOUT);

        assertEquals(0, plain.exitCode(), plain::describe);
        assertEquals(0, attached.exitCode(), attached::describe);
        assertEquals(List.of("late: told go, threads=2000 wakeups=2000"), plain.comparableOutput(), plain::describe);
        assertEquals(plain.comparableOutput(), attached.comparableOutput(), attached::describe);
        assertTrue(plain.peakOsThreads() > MAX_GREENED_OS_THREADS.limit(),
                "plain: " + plain.peakOsThreads() + ", ceiling " + MAX_GREENED_OS_THREADS);
        assertTrue(attached.peakOsThreads() < MAX_GREENED_OS_THREADS.limit(), "attached: " + attached.peakOsThreads()
                + ", ceiling " + MAX_GREENED_OS_THREADS + "\n" + attached.describe());
        AgentReport report = AgentReport.read(reportFile);
        assertTrue(report.rewritesByKind().getOrDefault("threads", 0L) > 0, report.text());
        assertTrue(report.rewritesByKind().getOrDefault("sleeps", 0L) > 0, report.text());
    }

    private record Comparison(ForkedJvm.Result plain, ForkedJvm.Result greened, AgentReport report) { }

    /**
     * Runs {@code com.acme.apps.<app>} plain and greened and checks what every app must satisfy; returns both
     * runs for the app's own checks.
     */
    private Comparison compare(String app, List<String> args, List<String> kindsRewritten) throws Exception {
        Path java = ForkedJvm.currentJava();
        Path classes = Built.appClasses();
        Path agent = Built.agentJar();
        Path reportFile = work.resolve(app + "-report.txt");
        String main = "com.acme.apps." + app;

        ForkedJvm.Result plain = ForkedJvm.run(java, List.of(), classes, main, args, APP_TIMEOUT);
        Path transformed = work.resolve(app + "-classes");
        Path dumpAgent = ClassDump.writeAgentJar(work.resolve("class-dump.jar"));
        ForkedJvm.Result greened = ForkedJvm.run(java, List.of(AgentReport.agentOption(agent, reportFile),
                "-javaagent:" + dumpAgent + "=" + transformed), classes, main, args, APP_TIMEOUT);

        System.out.printf(Locale.ROOT, "%s %s: plain %d ms, %d OS threads, %d kB; greened %d ms, %d OS threads, %d kB%n",
                app, args, plain.wall().toMillis(), plain.peakOsThreads(), plain.peakRssKb(),
                greened.wall().toMillis(), greened.peakOsThreads(), greened.peakRssKb());
        assertEquals(0, plain.exitCode(), plain::describe);
        assertEquals(0, greened.exitCode(), greened::describe);
        assertEquals(plain.comparableOutput(), greened.comparableOutput(),
                () -> "greened output differs from plain\n" + greened.describe());
        assertTrue(greened.peakOsThreads() < MAX_GREENED_OS_THREADS.limit(), "greened peak OS threads "
                + greened.peakOsThreads() + ", ceiling " + MAX_GREENED_OS_THREADS + "\n" + greened.describe());

        assertFalse(ClassDump.greenedClasses(transformed).isEmpty(), "greened classes dumped to " + transformed);
        assertEquals(Map.of(), ClassDump.verifyAll(transformed, classes), "CheckClassAdapter on the transformed classes");

        assertTrue(Files.isRegularFile(reportFile), "the agent writes its exit report to " + reportFile);
        AgentReport report = AgentReport.read(reportFile);
        Map<String, Long> byKind = report.rewritesByKind();
        assertAll(kindsRewritten.stream().map(kind -> () -> assertTrue(byKind.getOrDefault(kind, 0L) > 0,
                "the report counts rewritten " + kind + " call sites: " + byKind + "\n" + report.text())));
        return new Comparison(plain, greened, report);
    }
}
