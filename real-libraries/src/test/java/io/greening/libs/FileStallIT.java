package io.greening.libs;

import io.greening.forked.ForkedJvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A logging library doing blocking file I/O must not stall the hub. {@code com.acme.logapp.LogApp} logs with tinylog
 * to a file on a file system frozen with {@code fsfreeze} (every write blocks in the kernel until thawed, like a
 * stalled disk) while a second green thread keeps a 10 ms beat. Without the agent's {@code file-io} group the write
 * holds the hub's one carrier: the beat stops and the stall detector (System.Logger {@code io.greening.stall})
 * reports it. With {@code file-io} the write waits on the offload pool: the beat goes on and nothing is reported.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FileStallIT {
    private static final String STALL_REPORT = "without yielding";
    private static final String BEATS = "30";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path work;
    private FrozenFilesystem disk;

    @BeforeEach
    void mountDisk() throws Exception {
        Assumptions.assumeTrue(FrozenFilesystem.available(), "needs root, mkfs.ext4 and fsfreeze (loop mount)");
        disk = FrozenFilesystem.mount(work);
    }

    @AfterEach
    void unmountDisk() throws Exception {
        if (disk != null) {
            disk.close();
        }
    }

    @Test
    void withoutTheFilesPatchTheStallDetectorReportsTheBlockedHub() throws Exception {
        LogRun run = new LogRun("threads", "sleeps", "clocks");
        run.app.awaitLine("logapp: ready", WAIT);
        disk.freeze();
        run.app.sendLine("go");
        run.app.awaitError(STALL_REPORT, WAIT);
        disk.thaw();
        ForkedJvm.Result r = run.awaitExit();
        System.out.println("[stall, patch=threads,sleeps,clocks] " + r.errors().lines()
                .filter(l -> l.contains(STALL_REPORT)).findFirst().orElse(""));
        assertAll(
                () -> assertTrue(r.output().contains("logapp: done beats=" + BEATS + " log-returned-first=true"),
                        "the beat could not go on while the write held the carrier: " + r.describe()),
                () -> assertTrue(r.errors().contains("io.greening.StallMonitor"), r.errors()));
    }

    @Test
    void withTheFilesPatchTheHubKeepsRunningAndNothingIsReported() throws Exception {
        LogRun run = new LogRun("threads", "sleeps", "clocks", "file-io");
        run.app.awaitLine("logapp: ready", WAIT);
        disk.freeze();
        run.app.sendLine("go");
        // The whole beat runs while the log write is still blocked in the frozen file system.
        run.app.awaitLine("logapp: beat-done log-pending=true", WAIT);
        disk.thaw();
        ForkedJvm.Result r = run.awaitExit();
        String report = Files.readString(run.report);
        assertAll(
                () -> assertTrue(r.output().contains("logapp: done beats=" + BEATS + " log-returned-first=false"),
                        r.describe()),
                () -> assertFalse(r.errors().contains(STALL_REPORT), "no stall reported: " + r.describe()),
                () -> assertTrue(report.contains("file-io RandomAccessFile.write"),
                        "tinylog's RandomAccessFile.write was rewritten:\n" + report),
                () -> assertEquals(List.of("INFO: app started", "INFO: a line written while the disk may be slow"),
                        Files.readAllLines(run.logFile), "both lines logged"));
    }

    /** LogApp greened with the given groups in a forked JVM, with stdin for the go signal. */
    private final class LogRun {
        final Path logFile = disk.mountPoint().resolve("app.log");
        final Path report;
        final ForkedJvm app;

        LogRun(String... groups) throws IOException {
            report = work.resolve(String.join("-", groups) + "-report.txt");
            List<String> options = new ArrayList<>(List.of("include=com.acme.**", "include=org.tinylog.**"));
            for (String group : groups) {
                options.add("patch=" + group);
            }
            options.add("stall=500ms");
            options.add("report=" + report);
            app = ForkedJvm.java(ForkedLibraryApp.java(), List.of(ForkedLibraryApp.agent(options.toArray(String[]::new))),
                    ForkedLibraryApp.classPath(), "com.acme.logapp.LogApp", List.of(logFile.toString(), BEATS))
                    .sampleEvery(null).start();
        }

        ForkedJvm.Result awaitExit() throws Exception {
            ForkedJvm.Result r = app.await(WAIT);
            assertEquals(0, r.exitCode(), r::describe);
            return r;
        }
    }
}
