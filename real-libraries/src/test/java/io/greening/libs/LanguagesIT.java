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
import java.util.Set;
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
        Path report = work.resolve("kotlin-report.txt");
        ForkedJvm.Result plain = run("com.acme.kotlinapp.KotlinCoroutinesApp", List.of());
        ForkedJvm.Result greened = run("com.acme.kotlinapp.KotlinCoroutinesApp", List.of(ForkedLibraryApp.agent(
                "include=com.acme.**", "include=kotlinx.**", "include=kotlin.**", "stall=" + STALL,
                "report=" + report)));
        String reportText = Files.readString(report);
        String plainLine = line(plain, "kotlin: ");
        String greenedLine = line(greened, "kotlin: ");
        print("kotlin", plain, plainLine, greened, greenedLine);
        String expected = "kotlin: jobs=" + JOBS + " ok=" + JOBS + " on-io-workers=" + JOBS + " same-thread=" + JOBS
                + " served=" + JOBS;
        assertAll(
                () -> assertEquals(expected, plainLine, plain::describe),
                () -> assertEquals(expected, greenedLine, "every job right, on an IO worker that is its current"
                        + " thread before and after blocking\n" + greened.describe()),
                () -> assertEquals(List.of(), errorsOnlyIn(greened, plain), "nothing on stderr that plain does not print"),
                () -> assertTrue(reportText.contains("threads Thread.currentThread"), reportText),
                () -> assertTrue(reportText.contains(", failed 0"), "every selected class transformed:\n" + reportText),
                () -> assertTrue(greened.peakOsThreads() < MAX_GREENED_OS_THREADS,
                        "greened peak OS threads " + greened.peakOsThreads() + "\n" + reportText),
                () -> assertTrue(plain.peakOsThreads() > MAX_GREENED_OS_THREADS,
                        "plain: up to 64 IO workers and a thread per echo connection, peak OS threads "
                                + plain.peakOsThreads()));
    }

    @Test
    void scalaFuturesBlockingOnTheGlobalExecutionContext() throws Exception {
        Path report = work.resolve("scala-report.txt");
        ForkedJvm.Result plain = run("com.acme.scalaapp.ScalaFuturesApp", List.of());
        ForkedJvm.Result greened = run("com.acme.scalaapp.ScalaFuturesApp", List.of(ForkedLibraryApp.agent(
                "include=com.acme.**", "include=scala.**", "stall=" + STALL, "report=" + report)));
        String reportText = Files.readString(report);
        String plainLine = line(plain, "scala: ");
        String greenedLine = line(greened, "scala: ");
        print("scala", plain, plainLine, greened, greenedLine);
        String expected = "scala: futures=" + JOBS + " ok=" + JOBS + " mapped-ok=" + JOBS + " same-thread=" + JOBS
                + " served=" + JOBS;
        assertAll(
                () -> assertEquals(expected, plainLine, plain::describe),
                () -> assertEquals(expected, greenedLine, greened::describe),
                () -> assertEquals(List.of(), errorsOnlyIn(greened, plain), "nothing on stderr that plain does not print"),
                () -> assertTrue(reportText.contains(", failed 0"), "every selected class transformed:\n" + reportText),
                () -> assertEquals(0, ForkedLibraryApp.greenThreadsAliveAtExit(reportText),
                        "the echo server's green threads ended:\n" + reportText));
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

    /** The greened run's stderr lines that the plain run did not print. */
    private static List<String> errorsOnlyIn(ForkedJvm.Result greened, ForkedJvm.Result plain) {
        Set<String> plainErrors = Set.copyOf(plain.errors().lines().toList());
        return new ArrayList<>(greened.errors().lines().filter(l -> !plainErrors.contains(l)).toList());
    }

    private static void print(String name, ForkedJvm.Result plain, String plainLine, ForkedJvm.Result greened,
                              String greenedLine) {
        System.out.println("[" + name + "] plain: " + plainLine + " peak-os-threads=" + plain.peakOsThreads()
                + " wall=" + plain.wall().toMillis() + "ms");
        System.out.println("[" + name + "] greened: " + greenedLine + " peak-os-threads=" + greened.peakOsThreads()
                + " wall=" + greened.wall().toMillis() + "ms");
    }
}
