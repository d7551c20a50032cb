package io.greening.libs;

import io.greening.forked.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.greening.libs.ForkedLibraryApp.MAX_GREENED_OS_THREADS;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kotlin's and Scala's own libraries greened (issue 12: until now only class-loading walks covered their jars), from
 * apps written in Java against their APIs: {@code com.acme.kotlinapp.KotlinCoroutinesApp} (kotlin-stdlib threads,
 * kotlinx-coroutines {@code runBlocking} and {@code async} on {@code Dispatchers.IO}, blocking inside) under
 * {@code include=kotlinx.**,include=kotlin.**}, and {@code com.acme.scalaapp.ScalaFuturesApp} (scala-library
 * {@code Future}s on {@code ExecutionContext.global}, {@code blocking { }}, {@code Await.result}) under
 * {@code include=scala.**}. Each runs plain and greened: the same right results, the current thread the library
 * expects, nothing on stderr that plain does not print, a clean exit.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LanguagesIT {
    private static final int JOBS = 200;
    /**
     * The stall threshold of the greened runs: a hub held this long is a fault; the default 100 ms is also reached by
     * a carrier preempted on a loaded 2-core machine, which is not what these tests are about.
     */
    private static final String STALL = "1s";

    @TempDir
    Path work;

    @Test
    void kotlinCoroutinesBlockingOnDispatchersIo() throws Exception {
        Runs r = Runs.of("kotlin", "com.acme.kotlinapp.KotlinCoroutinesApp", work, "include=kotlinx.**",
                "include=kotlin.**");
        String expected = "kotlin: jobs=" + JOBS + " ok=" + JOBS + " on-io-workers=" + JOBS + " same-thread=" + JOBS
                + " served=" + JOBS;
        assertAll(
                () -> r.assertBothPrint(expected, "every job right, on an IO worker that is its current thread before"
                        + " and after blocking"),
                () -> assertTrue(r.report.contains("threads Thread.currentThread"), r.report),
                () -> assertTrue(r.greened.peakOsThreads() < MAX_GREENED_OS_THREADS,
                        "greened peak OS threads " + r.greened.peakOsThreads() + "\n" + r.report),
                () -> assertTrue(r.plain.peakOsThreads() > MAX_GREENED_OS_THREADS,
                        "plain: up to 64 IO workers and a thread per echo connection, peak OS threads "
                                + r.plain.peakOsThreads()));
    }

    @Test
    void scalaFuturesBlockingOnTheGlobalExecutionContext() throws Exception {
        Runs r = Runs.of("scala", "com.acme.scalaapp.ScalaFuturesApp", work, "include=scala.**");
        String expected = "scala: futures=" + JOBS + " ok=" + JOBS + " mapped-ok=" + JOBS + " same-thread=" + JOBS
                + " served=" + JOBS;
        assertAll(
                () -> r.assertBothPrint(expected, "every future and mapped future right"),
                () -> assertEquals(0, ForkedLibraryApp.greenThreadsAliveAtExit(r.report),
                        "the echo server's green threads ended:\n" + r.report));
    }

    /**
     * An app run plain, then greened with {@code include=com.acme.**}, the library's includes and {@link #STALL}.
     *
     * @param plain   the plain run
     * @param greened the greened run
     * @param report  the greened run's exit report
     * @param prefix  what the app's result line starts with
     */
    private record Runs(ForkedJvm.Result plain, ForkedJvm.Result greened, String report, String prefix) {
        static Runs of(String name, String mainClass, Path work, String... includes) throws Exception {
            Path report = work.resolve(name + "-report.txt");
            List<String> options = new ArrayList<>(List.of("include=com.acme.**"));
            options.addAll(List.of(includes));
            options.add("stall=" + STALL);
            options.add("report=" + report);
            ForkedJvm.Result plain = run(mainClass, List.of());
            ForkedJvm.Result greened = run(mainClass, List.of(ForkedLibraryApp.agent(options.toArray(String[]::new))));
            Runs runs = new Runs(plain, greened, Files.readString(report), name + ": ");
            for (ForkedJvm.Result run : List.of(plain, greened)) {
                System.out.println("[" + name + "] " + (run == plain ? "plain: " : "greened: ") + line(run, runs.prefix)
                        + " peak-os-threads=" + run.peakOsThreads() + " wall=" + run.wall().toMillis() + "ms");
            }
            return runs;
        }

        /** Both runs printed {@code expected}; nothing on stderr greened that plain did not print; no class failed. */
        void assertBothPrint(String expected, String what) {
            assertAll(
                    () -> assertEquals(expected, line(plain, prefix), plain::describe),
                    () -> assertEquals(expected, line(greened, prefix), what + "\n" + greened.describe()),
                    () -> assertEquals(List.of(), ForkedLibraryApp.errorsOnlyIn(greened, plain),
                            "nothing on stderr that plain does not print"),
                    () -> assertTrue(report.contains(", failed 0"), "every selected class transformed:\n" + report));
        }
    }

    private static ForkedJvm.Result run(String mainClass, List<String> jvmOptions) throws Exception {
        ForkedJvm.Result run = ForkedJvm.run(ForkedLibraryApp.java(), jvmOptions, ForkedLibraryApp.classPath(),
                mainClass, List.of(Integer.toString(JOBS)), Duration.ofMinutes(1));
        assertEquals(0, run.exitCode(), run::describe);
        return run;
    }

    private static String line(ForkedJvm.Result run, String prefix) {
        return run.output().stream().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError(run.describe()));
    }
}
