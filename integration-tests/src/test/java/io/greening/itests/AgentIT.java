package io.greening.itests;

import com.sun.tools.attach.VirtualMachine;
import io.greening.forked.ForkedJvm;
import io.greening.forked.OsThreadCeiling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The agent mechanism in forked JVMs with the built greening.jar: one small plain app per rewrite group run with and
 * without the agent (same output), bad options, a class that cannot be transformed, the runtime jar also on the
 * class path, and dynamic attach.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AgentIT {
    private static final Duration APP_TIMEOUT = Duration.ofMinutes(2);
    private static final String APPS = "com.acme.agentapps.";
    /** OS threads a greened app of this class may have beyond the JVM's and the carriers: the agent's, a main, a few. */
    private static final int APP_OS_THREADS = 12;
    /** Peak OS threads a greened app of this class stays under, and its plain run (a thread per task) exceeds. */
    private static final OsThreadCeiling OS_THREAD_CEILING = OsThreadCeiling.greened(APP_OS_THREADS);
    /** The same with the offload pool's threads on top ({@code greening.offload.threads}, 20), for the files group. */
    private static final OsThreadCeiling OS_THREAD_CEILING_WITH_OFFLOAD = OsThreadCeiling.greened(APP_OS_THREADS + 32);

    @TempDir
    Path work;

    private record Runs(ForkedJvm.Result plain, ForkedJvm.Result greened, AgentReport report) { }

    private Runs plainAndGreened(String app, String agentOptions, String group) throws Exception {
        Path report = work.resolve(app + ".report");
        ForkedJvm.Result plain = ForkedJvm.run(ForkedJvm.currentJava(), List.of(), Built.appClasses(), APPS + app, List.of(), APP_TIMEOUT);
        ForkedJvm.Result greened = ForkedJvm.run(ForkedJvm.currentJava(),
                List.of("-javaagent:" + Built.agentJar() + "=include=com.acme.agentapps.**,report=" + report + agentOptions,
                        "-Dgreening.check=true"),
                Built.appClasses(), APPS + app, List.of(), APP_TIMEOUT);
        assertEquals(0, plain.exitCode(), plain::describe);
        assertEquals(0, greened.exitCode(), greened::describe);
        assertEquals(plain.comparableOutput(), greened.comparableOutput(), () -> "greened differs from plain\n" + greened.describe());
        AgentReport parsed = AgentReport.read(report);
        assertTrue(parsed.rewritesByKind().getOrDefault(group, 0L) > 0, parsed.text());
        assertFalse(parsed.text().contains("  failed: "), parsed.text());
        assertTrue(parsed.text().matches("(?s).*  checked: [1-9]\\d* classes, 0 with problems.*"), parsed.text());
        return new Runs(plain, greened, parsed);
    }

    @Test
    void threadsGroupApp() throws Exception {
        Runs runs = plainAndGreened("ThreadsGroupApp", "", "threads");
        assertTrue(runs.plain.output().contains("single: last task ran"), runs.plain::describe);
        assertGreenedStaysUnderTheCeilingThatPlainExceeds(runs, OS_THREAD_CEILING);
        Map<String, Long> byLabel = runs.report.rewritesByLabel();
        for (String kind : List.of("Thread.start", "Thread.join", "Thread.Builder.OfPlatform.start",
                "Executors.newFixedThreadPool", "new ThreadPoolExecutor", "Thread.setDaemon")) {
            assertTrue(byLabel.getOrDefault(kind, 0L) > 0, kind + " in " + runs.report.text());
        }
    }

    @Test
    void threadIdentityAsLibrariesUseIt() throws Exception {
        Runs runs = plainAndGreened("ThreadIdentityApp", "", "threads");
        assertEquals(List.of(
                "worker-0: current=worker-0 same=true,true thread-local=true name=renamed-0/renamed-0 loader=true"
                        + " interrupt=true,true,false holdsLock=true caller=run alive=true daemon=false",
                "workers alike: 50 of 50", "waiter saved itself: true", "waiter woken: true", "pool casts: 8 of 8"),
                runs.plain.comparableOutput());
        Map<String, Long> byLabel = runs.report.rewritesByLabel();
        for (String kind : List.of("Thread.currentThread", "Thread.setName", "Thread.getContextClassLoader",
                "Thread.setContextClassLoader", "Thread.getStackTrace", "LockSupport.unpark")) {
            assertTrue(byLabel.getOrDefault(kind, 0L) > 0, kind + " in " + runs.report.text());
        }
    }

    @Test
    void threadsWithAStackSizeOfTheirOwnStayPlatformThreads() throws Exception {
        Runs runs = plainAndGreened("StackSizeApp", "", "threads");
        assertEquals(List.of("new Thread(group, task, name, stackSize): reached 400000",
                "Thread.ofPlatform().stackSize(n): reached 400000",
                "a subclass whose start() calls super.start(): reached 400000", "pool of such threads: reached 400000"),
                runs.plain.comparableOutput());
        assertTrue(runs.report.text().contains("  kept platform for their stack size: 4 (first: \"deep-constructed\" with "
                + (256L << 20) + " bytes)\n"), runs.report.text());
    }

    @Test
    void sigtermWhileAGreenThreadIsInANativeCallAndAHookJoinsAnotherEnds() throws Exception {
        // one hub: the native call holds the worker's hub too, so the hook's join must stop waiting
        ForkedJvm.Result r = sigtermShutdownJoinApp(",hubs=1");
        assertEquals(List.of("ready", "hook: join returned"), r.output(), r::describe);
        assertTrue(r.errors().contains("greening: shutdown: stopped waiting for green thread \"worker\": its hub "
                + "greening-hub is held by \"stuck-in-native\" in a native call"), r::describe);
    }

    @Test
    void sigtermWhileAGreenThreadIsInANativeCallEndsAsPlainOnTheGroup() throws Exception {
        // the default group hands the held hub's worker to another hub: it stops, and the hook's join returns, as plain
        ForkedJvm.Result r = sigtermShutdownJoinApp("");
        assertEquals(List.of("ready", "worker: stopped", "hook: join returned"), r.output(), r::describe);
    }

    /** ShutdownJoinApp greened with {@code moreOptions}, sent SIGTERM once its native read holds a hub; it must exit 143. */
    private static ForkedJvm.Result sigtermShutdownJoinApp(String moreOptions) throws Exception {
        ForkedJvm app = startApp(List.of("-javaagent:" + Built.agentJar() + "=include=com.acme.agentapps.**" + moreOptions),
                "ShutdownJoinApp");
        app.awaitLine("ready", APP_TIMEOUT);
        app.awaitError("green thread stuck-in-native (thread) has run", APP_TIMEOUT);   // the hub is held now
        ProcessHandle.of(app.pid()).orElseThrow().destroy();   // SIGTERM
        ForkedJvm.Result r = app.await(APP_TIMEOUT);
        assertEquals(143, r.exitCode(), r::describe);
        return r;
    }

    @Test
    void theFirstHubLeavesTheJdkSocketPollersToTheirFirstUseWhichKeepsThemOffTheHubs() throws Exception {
        ForkedJvm.Result r = ForkedJvm.run(ForkedJvm.currentJava(),
                List.of("-javaagent:" + Built.agentJar() + "=include=com.acme.agentapps.JdkPollersApp",
                        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"),
                Built.appClasses(), APPS + "JdkPollersApp", List.of(), APP_TIMEOUT);
        assertEquals(0, r.exitCode(), r::describe);
        assertEquals(List.of("first green thread ran", "JDK socket pollers running after the first green thread: false",
                "echoed 42", "JDK socket pollers running after a green thread's JDK socket wait: true",
                "poller threads checked: true, on a hub: 0"), r.output(), r::describe);
    }

    @Test
    void idleHubsLeaveNativeCodeWhileTheJvmExits() throws Exception {
        ForkedJvm.Result r = ForkedJvm.run(ForkedJvm.currentJava(),
                List.of("-javaagent:" + Built.agentJar() + "=include=com.acme.agentapps.IdleHubAtExitApp"),
                Built.appClasses(), APPS + "IdleHubAtExitApp", List.of(), APP_TIMEOUT);
        assertEquals(0, r.exitCode(), r::describe);
        assertEquals(List.of("green thread ran", "carriers found: true",
                "every idle carrier parked while the JVM exits: true"), r.output(), r::describe);
    }

    @Test
    void sleepGroupApp() throws Exception {
        Runs runs = plainAndGreened("SleepGroupApp", ",main=green", "sleeps");
        assertEquals("sleepers: woke=500 early=0", runs.plain.output().getFirst());
        assertGreenedStaysUnderTheCeilingThatPlainExceeds(runs, OS_THREAD_CEILING);
    }

    @Test
    void locksGroupApp() throws Exception {
        Runs runs = plainAndGreened("LocksGroupApp", ",hubs=2", "threads");
        assertTrue(runs.plain.output().contains("tryLock with timeout: false"), runs.plain::describe);
        assertGreenedStaysUnderTheCeilingThatPlainExceeds(runs, OsThreadCeiling.greenedWithHubs(2, APP_OS_THREADS));
    }

    @Test
    void timedWaitsOfGreenThreadsUseTheHubsTimers() throws Exception {
        Runs runs = plainAndGreened("TimedWaitsApp", "", "threads");
        assertEquals(List.of("results: {await=false=11, got=x=64, parkNanos=10, poll=null=11, tryAcquire=false=11, tryLock=false=11, wait=10}",
                "early timeouts: 0", "JDK timer threads: 0"), runs.plain.comparableOutput(), runs.plain::describe);
        assertTrue(runs.report.text().contains("jdk: timed-waits VirtualThread.schedule "), runs.report.text());
    }

    /**
     * An {@code HttpClient} built without an executor: its body handlers run on the JDK's own pool, made inside
     * {@code HttpClientImpl}, not in selected code; the agent's row there makes that pool's workers green.
     */
    @Test
    void theHttpClientsDefaultExecutorHasGreenWorkers() throws Exception {
        Runs runs = plainAndGreened("HttpClientDefaultExecutorApp", "", "threads");
        assertEquals(List.of("responses: 20 of 20 right", "body handlers on the client's workers: true"),
                runs.plain.comparableOutput(), runs.plain::describe);
        assertTrue(platformWorkers(runs.plain) > 0, runs.plain::describe);
        assertEquals(0, platformWorkers(runs.greened), runs.greened::describe);
        assertTrue(runs.report.text().contains("jdk: threads Executors.newCachedThreadPool in jdk.internal.net.http 1\n"),
                runs.report.text());
    }

    /**
     * A client built before the agent's set-up keeps the JDK's platform pool; {@code HttpClientImpl}, loaded by then,
     * is retransformed at the set-up, so a client built after it has green workers. Only the class that triggers the
     * set-up is selected, so that the app's first client comes before it.
     */
    @Test
    void anHttpClientBuiltAfterTheSetUpHasGreenWorkersThoughItsClassLoadedBefore() throws Exception {
        Path report = work.resolve("across-set-up.report");
        ForkedJvm.Result greened = ForkedJvm.run(ForkedJvm.currentJava(),
                List.of("-javaagent:" + Built.agentJar() + "=include=com.acme.agentapps.HttpClientSetUpTrigger,report=" + report),
                Built.appClasses(), APPS + "HttpClientDefaultExecutorApp", List.of("across-set-up"), APP_TIMEOUT);
        assertEquals(0, greened.exitCode(), greened::describe);
        assertEquals(List.of("responses: 20 of 20 right", "responses: 20 of 20 right",
                "body handlers on the clients' workers: true"), greened.comparableOutput(), greened::describe);
        String workers = greened.output().stream().filter(line -> line.startsWith("# platform-workers ")).findFirst()
                .orElseThrow(() -> new AssertionError(greened.describe()));
        assertTrue(workers.matches("# platform-workers first=[1-9]\\d* second=0"), greened::describe);
        String reportText = Files.readString(report);
        assertTrue(reportText.contains("jdk: threads Executors.newCachedThreadPool in jdk.internal.net.http 1\n"), reportText);
    }

    /** The app's {@code # platform-workers=N} line. */
    private static int platformWorkers(ForkedJvm.Result run) {
        String prefix = "# platform-workers=";
        return run.output().stream().filter(line -> line.startsWith(prefix)).findFirst()
                .map(line -> Integer.parseInt(line.substring(prefix.length())))
                .orElseThrow(() -> new AssertionError(run.describe()));
    }

    @Test
    void filesGroupApp() throws Exception {
        Runs runs = plainAndGreened("FilesGroupApp", "", "file-io");
        assertTrue(runs.plain.output().getFirst().startsWith("files: checksum="), runs.plain::describe);
        assertGreenedStaysUnderTheCeilingThatPlainExceeds(runs, OS_THREAD_CEILING_WITH_OFFLOAD);
    }

    /**
     * The peaks are exact: the apps print the JVM's peak platform thread count at exit ({@code # peak-threads=}),
     * and {@link io.greening.forked.ForkedJvm} takes the larger of it and its samples of {@code /proc}.
     */
    private static void assertGreenedStaysUnderTheCeilingThatPlainExceeds(Runs runs, OsThreadCeiling ceiling) {
        System.out.println("[peak OS threads] plain " + runs.plain.peakOsThreads() + ", greened "
                + runs.greened.peakOsThreads() + ", ceiling " + ceiling);
        assertAll(
                () -> assertTrue(runs.greened.peakOsThreads() < ceiling.limit(), "greened peak OS threads "
                        + runs.greened.peakOsThreads() + ", ceiling " + ceiling + "\n" + runs.greened.describe()),
                () -> assertTrue(runs.plain.peakOsThreads() > ceiling.limit(),
                        "plain makes a thread per task: peak OS threads " + runs.plain.peakOsThreads()));
    }

    @Test
    void badOptionsStopTheJvmWithOneLine() throws Exception {
        String agent = "-javaagent:" + Built.agentJar() + "=";
        for (List<String> jvmOptions : List.of(List.of(agent + "hubs=2"), List.of(agent + "include=com.acme.**,hub=2"),
                List.of(agent + "include=com.acme.**,hubs=many"), List.of(agent + "include=com.acme.**,patch=network"),
                List.of(agent + "include=com.acme.**,stall=soon"), List.of(agent + "include=com.acme.**,stall=9999999999s"),
                List.of(agent + "include=com.acme.**,stall=1000000000m"), List.of(agent + "include=com.acme.", "-Dgreening.stall=1s"),
                List.of(agent + "include=com.acme.**,report=" + work.resolve("no/such/dir/report.txt")),
                List.of(agent + "include=com.acme.**,report=" + work),
                List.of(agent + "include=com.acme.**", "-Dgreening.hub=2"),
                List.of(agent + "include=com.acme.**,stall=1s", "-Dgreening.stall=xyz"))) {
            Path tmp = Files.createDirectories(work.resolve("tmp"));
            List<String> withTmp = new ArrayList<>(jvmOptions);
            withTmp.add("-Djava.io.tmpdir=" + tmp);
            ForkedJvm.Result r = ForkedJvm.run(ForkedJvm.currentJava(), withTmp,
                    Built.appClasses(), APPS + "SleepGroupApp", List.of("1"), APP_TIMEOUT);
            assertEquals(2, r.exitCode(), r::describe);
            assertEquals(List.of(), r.output(), "main never ran: " + r.describe());
            List<String> lines = r.errors().strip().lines().toList();
            assertEquals(1, lines.size(), r::describe);
            assertTrue(lines.getFirst().startsWith("greening: "), r::describe);
            assertTrue(lines.getFirst().contains("valid options: include="), r::describe);
            try (var left = Files.list(tmp)) {
                assertEquals(List.of(), left.toList(), "a bad setting leaves nothing behind: " + r.describe());
            }
        }
        ForkedJvm.Result missing = ForkedJvm.run(ForkedJvm.currentJava(), List.of("-javaagent:" + Built.agentJar()),
                Built.appClasses(), APPS + "SleepGroupApp", List.of("1"), APP_TIMEOUT);
        assertTrue(missing.errors().contains("missing option 'include'") && missing.errors().contains("include=com.acme.**"),
                missing::describe);
    }

    @Test
    void includesThatSelectedNoClassAreReportedAtExit() throws Exception {
        Path report = work.resolve("unused-includes.report");
        for (String target : List.of(report.toString(), "off")) {
            ForkedJvm.Result r = ForkedJvm.run(ForkedJvm.currentJava(),
                    List.of("-javaagent:" + Built.agentJar() + "=include=com.acme.agentapps.**,include=com.acme.agentapps.Nowhere,"
                            + "include=org.typo.**,report=" + target), Built.appClasses(), APPS + "SleepGroupApp", List.of("1"),
                    APP_TIMEOUT);
            assertEquals(0, r.exitCode(), r::describe);
            assertEquals(List.of("greening: include selected no class: com.acme.agentapps.Nowhere",
                    "greening: include selected no class: org.typo.**"),
                    r.errors().lines().filter(l -> l.contains("include selected")).toList(), r::describe);
        }
        String text = Files.readString(report);
        assertTrue(text.contains("  include selected no class: com.acme.agentapps.Nowhere\n")
                && text.contains("  include selected no class: org.typo.**\n")
                && !text.contains("no class: com.acme.agentapps.**"), text);
    }

    /**
     * A class whose method is just under the 64 KiB code limit with 7,000 pool constructions: rewriting each one
     * makes the method too large, so the class must load unchanged, be reported once, and the app run.
     */
    @Test
    void aClassThatCannotBeTransformedLoadsUnchangedAndIsReported() throws Exception {
        Path src = work.resolve("src/com/acme/gen/Huge.java");
        Files.createDirectories(src.getParent());
        StringBuilder code = new StringBuilder("package com.acme.gen;\npublic class Huge {\n")
                .append("  public static void main(String[] a) throws Exception {\n")
                .append("    if (a.length > 7) { big(); }\n")
                .append("    boolean[] v = new boolean[1];\n")
                .append("    Thread t = new Thread(() -> v[0] = Thread.currentThread().isVirtual());\n")
                .append("    t.start(); t.join();\n")
                .append("    System.out.println(\"ran unchanged: virtual=\" + v[0]);\n  }\n")
                .append("  static void big() {\n");
        for (int i = 0; i < 7000; i++) {
            code.append("    new java.util.concurrent.ScheduledThreadPoolExecutor(1);\n");
        }
        code.append("  }\n}\n");
        Files.writeString(src, code);
        Path classes = work.resolve("classes");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "-d", classes.toString(), src.toString()));

        Path report = work.resolve("huge.report");
        ForkedJvm.Result r = ForkedJvm.run(ForkedJvm.currentJava(),
                List.of("-javaagent:" + Built.agentJar() + "=include=com.acme.gen.**,report=" + report), classes,
                "com.acme.gen.Huge", List.of(), APP_TIMEOUT);
        assertEquals(0, r.exitCode(), r::describe);
        assertEquals(List.of("ran unchanged: virtual=false"), r.output(), r::describe);
        assertEquals(1, r.errors().lines().filter(l -> l.contains("could not transform com.acme.gen.Huge")).count(), r::describe);
        String text = Files.readString(report);
        assertTrue(text.contains("failed: com.acme.gen.Huge: "), text);
        assertTrue(text.contains("failed 1"), text);
    }

    @Test
    void theRuntimeJarAlsoOnTheClassPathMakesNoSecondHub() throws Exception {
        Path classPath = Path.of(Built.appClasses() + java.io.File.pathSeparator + runtimeJar());
        ForkedJvm.Result r = ForkedJvm.run(ForkedJvm.currentJava(),
                List.of("-javaagent:" + Built.agentJar() + "=include=com.acme.agentapps.**"), classPath, APPS + "OneHubApp",
                List.of(), APP_TIMEOUT);
        assertEquals(0, r.exitCode(), r::describe);
        assertEquals(List.of("Hub loaded by: bootstrap", "runtime jar on class path: true",
                "java.util.concurrent.locks open to the runtime: true",
                "greened thread's hub is one of the agent's group: true", "hub carriers, one per processor: true"), r.output(), r::describe);
    }

    /**
     * premain returns before the runtime is in the boot loader, and the set-up that defines it waits until a class needs
     * it. A class that names the runtime, even one not selected and with nothing to rewrite (here by a string, for
     * {@code Class.forName}), waits for it as it loads: so it still finds the boot loader's copy, not the one the runtime
     * jar on the class path would give.
     */
    @Test
    void anUnselectedClassThatNamesTheRuntimeStillFindsTheBootLoadersCopy() throws Exception {
        Path classPath = Path.of(Built.appClasses() + java.io.File.pathSeparator + runtimeJar());
        ForkedJvm.Result r = ForkedJvm.run(ForkedJvm.currentJava(),
                List.of("-javaagent:" + Built.agentJar() + "=include=com.acme.agentapps.**,exclude=com.acme.agentapps.OneHubApp"),
                classPath, APPS + "OneHubApp", List.of(), APP_TIMEOUT);
        assertEquals(0, r.exitCode(), r::describe);
        assertEquals(List.of("Hub loaded by: bootstrap", "runtime jar on class path: true",
                "java.util.concurrent.locks open to the runtime: true"), r.output().subList(0, 3), r::describe);
    }

    /** The runtime's jar as the build made it (runtime/target/greening-runtime-*.jar). */
    private static Path runtimeJar() throws IOException {
        try (Stream<Path> files = Files.list(Built.agentJar().getParent().getParent().getParent().resolve("runtime/target"))) {
            return files.filter(p -> p.getFileName().toString().matches("greening-runtime-.*\\.jar")
                    && !p.getFileName().toString().contains("sources")).findFirst().orElseThrow();
        }
    }

    /** An app of this module in a JVM of its own, with this JVM's java, unsampled: for attach and JMX tests. */
    private static ForkedJvm startApp(List<String> jvmOptions, String app, String... args) throws IOException {
        return ForkedJvm.java(ForkedJvm.currentJava(), jvmOptions, Built.appClasses(), APPS + app, List.of(args))
                .sampleEvery(null).start();
    }

    private static void attach(ForkedJvm app, String agentOptions) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(app.pid()));
        try {
            vm.loadAgent(Built.agentJar().toString(), agentOptions);
        } finally {
            vm.detach();
        }
    }

    /** What is done to the running AttachApp once it is ready, before it goes on. */
    private interface WhenReady {
        void accept(ForkedJvm app) throws Exception;
    }

    /** AttachApp run to its end: once it says it is ready, {@code whenReady}, then its go file; it must exit 0. */
    private ForkedJvm.Result attachApp(String goFile, WhenReady whenReady) throws Exception {
        Path go = work.resolve(goFile);
        ForkedJvm app = startApp(List.of(), "AttachApp", go.toString());
        try {
            app.awaitLine("ready", APP_TIMEOUT);
            whenReady.accept(app);
            Files.writeString(go, "go");
            ForkedJvm.Result r = app.await(APP_TIMEOUT);
            assertEquals(0, r.exitCode(), r::describe);
            return r;
        } finally {
            app.kill();
        }
    }

    @Test
    void dynamicAttachGreensLoadedAndLaterClasses() throws Exception {
        ForkedJvm.Result r = attachApp("go", app -> attach(app, "include=com.acme.agentapps.**"));
        assertEquals(List.of("before attach: virtual=false", "ready", "loaded class: virtual=true", "new class: virtual=true"),
                r.output(), r::describe);
    }

    @Test
    void greenThreadDumpOnDemandThroughJmx() throws Exception {
        Path go = work.resolve("go-dump");
        ForkedJvm app = startApp(List.of("-javaagent:" + Built.agentJar() + "=include=com.acme.agentapps.**", "-Dgreening.jmx=true"),
                "DumpApp", go.toString());
        try {
            app.awaitLine("ready", APP_TIMEOUT);
            VirtualMachine vm = VirtualMachine.attach(Long.toString(app.pid()));
            String dump;
            try {
                String address = vm.startLocalManagementAgent();
                try (JMXConnector jmx = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
                    MBeanServerConnection server = jmx.getMBeanServerConnection();
                    ObjectName name = new ObjectName("io.greening:type=GreenThreads");
                    while (true) {   // the threads park at once; wait until all three have
                        dump = (String) server.invoke(name, "dump", new Object[0], new String[0]);
                        if (dump.contains("sleeper-1\" thread WAITING") && dump.contains("waiter-1\" thread WAITING")
                                && dump.contains("locker-1\" thread WAITING")) {
                            break;
                        }
                        Thread.sleep(10);
                    }
                    assertEquals(3, server.getAttribute(name, "LiveCount"));
                }
            } finally {
                vm.detach();
            }
            assertTrue(dump.contains("\"sleeper-1\" thread WAITING waiting on sleep 600000 ms until "), dump);
            assertTrue(dump.contains("\"waiter-1\" thread WAITING waiting on lock java.util.concurrent.CountDownLatch$Sync@"), dump);
            assertTrue(dump.contains("\"locker-1\" thread WAITING waiting on lock java.util.concurrent.locks.ReentrantLock$NonfairSync@"), dump);
            assertTrue(dump.contains("at com.acme.agentapps.DumpApp"), dump);
            Files.writeString(go, "go");
            ForkedJvm.Result r = app.await(APP_TIMEOUT);
            assertEquals(List.of("ready", "sleeper interrupted", "done"), r.output(), r::describe);
        } finally {
            app.kill();
        }
    }

    @Test
    void badOptionsOnAttachFailTheAttachNotTheApp() throws Exception {
        ForkedJvm.Result r = attachApp("go2", app -> assertThrows(Exception.class, () -> attach(app, "hubs=2")));
        assertEquals(List.of("before attach: virtual=false", "ready", "loaded class: virtual=false", "new class: virtual=false"),
                r.output(), () -> "the app survives a failed attach, ungreened: " + r.describe());
    }
}
