package io.greening.libs;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * stalled disk) while a second green thread keeps a 10 ms beat. Without the agent's {@code files} group the write
 * holds the hub's one carrier: the beat stops and the stall detector (System.Logger {@code io.greening.stall})
 * reports it. With {@code files} the write waits on the offload pool: the beat goes on and nothing is reported.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FileStallIT {
    private static final String STALL_REPORT = "without yielding";
    private static final String BEATS = "30";

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
        LogRun run = new LogRun("threads", "sleep");
        run.awaitOutput("logapp: ready");
        disk.freeze();
        run.go();
        run.awaitError(STALL_REPORT);
        disk.thaw();
        run.awaitExit();
        String errors = run.errors();
        System.out.println("[stall, patch=threads,sleep] " + errors.lines()
                .filter(l -> l.contains(STALL_REPORT)).findFirst().orElse(""));
        assertAll(
                () -> assertTrue(run.output().contains("logapp: done beats=" + BEATS + " log-returned-first=true"),
                        "the beat could not go on while the write held the carrier: " + run.describe()),
                () -> assertTrue(errors.contains("io.greening.diagnostics.StallMonitor"), errors));
    }

    @Test
    void withTheFilesPatchTheHubKeepsRunningAndNothingIsReported() throws Exception {
        LogRun run = new LogRun("threads", "sleep", "files");
        run.awaitOutput("logapp: ready");
        disk.freeze();
        run.go();
        // The whole beat runs while the log write is still blocked in the frozen file system.
        run.awaitOutput("logapp: beat-done log-pending=true");
        disk.thaw();
        run.awaitExit();
        String report = Files.readString(run.report);
        assertAll(
                () -> assertTrue(run.output().contains("logapp: done beats=" + BEATS + " log-returned-first=false"),
                        run.describe()),
                () -> assertFalse(run.errors().contains(STALL_REPORT), "no stall reported: " + run.describe()),
                () -> assertTrue(report.contains("files RandomAccessFile.write"),
                        "tinylog's RandomAccessFile.write was rewritten:\n" + report),
                () -> assertEquals(List.of("INFO: app started", "INFO: a line written while the disk may be slow"),
                        Files.readAllLines(run.logFile), "both lines logged"));
    }

    /** LogApp in a forked JVM with stdin for the go signal, stdout lines to wait on and stderr kept in a file. */
    private final class LogRun {
        final Path logFile = disk.mountPoint().resolve("app.log");
        final Path report;
        final Path stderr;
        final Process process;
        private final List<String> output = new ArrayList<>();

        LogRun(String... groups) throws IOException {
            String name = String.join("-", groups);
            report = work.resolve(name + "-report.txt");
            stderr = work.resolve(name + "-stderr.txt");
            List<String> options = new ArrayList<>(List.of("include=com.acme.**", "include=org.tinylog.**"));
            for (String group : groups) {
                options.add("patch=" + group);
            }
            options.add("stall=500ms");
            options.add("report=" + report);
            process = new ProcessBuilder(ForkedLibraryApp.java().toString(),
                    ForkedLibraryApp.agent(options.toArray(String[]::new)),
                    "-cp", ForkedLibraryApp.classPath().toString(), "com.acme.logapp.LogApp", logFile.toString(), BEATS)
                    .redirectError(stderr.toFile())
                    .start();
            Thread.ofPlatform().daemon().start(this::readOutput);
        }

        private void readOutput() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (output) {
                        output.add(line);
                        output.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }

        void go() throws IOException {
            OutputStream in = process.getOutputStream();
            in.write("go\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        void awaitOutput(String line) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            synchronized (output) {
                while (!output.contains(line)) {
                    long left = deadline - System.nanoTime();
                    assertTrue(left > 0 && process.isAlive(), () -> "no line '" + line + "': " + describe());
                    TimeUnit.NANOSECONDS.timedWait(output, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
                }
            }
        }

        /** Polls the stderr file (the stall detector logs there) until it holds {@code text}. */
        void awaitError(String text) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!errors().contains(text)) {
                assertTrue(System.nanoTime() < deadline && process.isAlive(), () -> "no '" + text + "': " + describe());
                Thread.sleep(20);
            }
        }

        void awaitExit() throws InterruptedException {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            assertEquals(0, process.exitValue(), this::describe);
        }

        List<String> output() {
            synchronized (output) {
                return List.copyOf(output);
            }
        }

        String errors() {
            try {
                return Files.readString(stderr);
            } catch (IOException e) {
                return "(no stderr: " + e + ")";
            }
        }

        String describe() {
            return "stdout: " + output() + "\nstderr:\n" + errors();
        }
    }
}
