package io.greening.libs;

import io.greening.forked.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
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
 * while a second green thread keeps a 10 ms beat, and the logger's file I/O is made to block in the kernel until this
 * test releases it:
 * <ul>
 * <li>on any machine: the logger reads the line it logs from a FIFO ({@code mkfifo}) that this test writes only
 *     later, so its {@code FileInputStream} read blocks until then;
 * <li>in addition when the tests run as root: tinylog writes to a file system frozen with {@code fsfreeze}, so its
 *     {@code RandomAccessFile} write blocks until the file system is thawed, like a stalled disk.
 * </ul>
 * The app runs on one hub ({@code hubs=1}): the default group would hand the beat to another hub after {@code handoff},
 * which hides what the file-io group does. Without the agent's {@code file-io} group the blocked call holds the hub's one carrier: the beat stops and the stall
 * detector (System.Logger {@code io.greening.stall}) reports it. With {@code file-io} the call waits on the offload
 * pool: the whole beat runs while the call is still blocked, and nothing is reported.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FileStallIT {
    private static final String STALL_REPORT = "without yielding";
    private static final String BEATS = "30";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String FIXED_LINE = "a line written while the disk may be slow";
    private static final String FIFO_LINE = "a line read from a FIFO";

    @TempDir
    Path work;

    @Test
    void aFifoReadWithoutTheFilesPatchStallsTheHub() throws Exception {
        try (Fifo fifo = Fifo.make(work.resolve("message.fifo"))) {
            withoutTheFilesPatch(new LogRun(work.resolve("app.log"), fifo.path(), "threads", "sleeps", "clocks"),
                    fifo::open, () -> fifo.writeAndClose(FIFO_LINE));
        }
    }

    @Test
    void aFifoReadWithTheFilesPatchLeavesTheHubRunning() throws Exception {
        try (Fifo fifo = Fifo.make(work.resolve("message.fifo"))) {
            withTheFilesPatch(new LogRun(work.resolve("app.log"), fifo.path(), "threads", "sleeps", "clocks", "file-io"),
                    fifo::open, () -> fifo.writeAndClose(FIFO_LINE), "file-io FileInputStream.readAllBytes", FIFO_LINE);
        }
    }

    @Test
    @EnabledIf("io.greening.libs.FrozenFilesystem#runningAsRoot")
    void aWriteToAFrozenDiskWithoutTheFilesPatchStallsTheHub() throws Exception {
        try (FrozenFilesystem disk = FrozenFilesystem.mount(work)) {
            withoutTheFilesPatch(new LogRun(disk.mountPoint().resolve("app.log"), null, "threads", "sleeps", "clocks"),
                    disk::freeze, disk::thaw);
        }
    }

    @Test
    @EnabledIf("io.greening.libs.FrozenFilesystem#runningAsRoot")
    void aWriteToAFrozenDiskWithTheFilesPatchLeavesTheHubRunning() throws Exception {
        try (FrozenFilesystem disk = FrozenFilesystem.mount(work)) {
            withTheFilesPatch(new LogRun(disk.mountPoint().resolve("app.log"), null, "threads", "sleeps", "clocks", "file-io"),
                    disk::freeze, disk::thaw, "file-io RandomAccessFile.write", FIXED_LINE);
        }
    }

    /** Makes the logger's file I/O block, or releases it. */
    private interface Step {
        void run() throws Exception;
    }

    private static void withoutTheFilesPatch(LogRun run, Step block, Step release) throws Exception {
        run.awaitOutput("logapp: ready");
        block.run();
        run.go();
        run.awaitError(STALL_REPORT);
        release.run();
        ForkedJvm.Result r = run.awaitExit();
        String errors = r.errors();
        System.out.println("[stall, patch=threads,sleeps,clocks] " + errors.lines()
                .filter(l -> l.contains(STALL_REPORT)).findFirst().orElse(""));
        assertAll(
                () -> assertTrue(r.output().contains("logapp: done beats=" + BEATS + " log-returned-first=true"),
                        "the beat could not go on while the file I/O held the carrier: " + r.describe()),
                () -> assertTrue(errors.contains("io.greening.diagnostics.StallMonitor"), errors));
    }

    private static void withTheFilesPatch(LogRun run, Step block, Step release, String rewrite,
                                          String loggedLine) throws Exception {
        run.awaitOutput("logapp: ready");
        block.run();
        run.go();
        // The whole beat runs while the logger's file I/O is still blocked in the kernel.
        run.awaitOutput("logapp: beat-done log-pending=true");
        release.run();
        ForkedJvm.Result r = run.awaitExit();
        String report = Files.readString(run.report);
        assertAll(
                () -> assertTrue(r.output().contains("logapp: done beats=" + BEATS + " log-returned-first=false"),
                        r.describe()),
                () -> assertFalse(r.errors().contains(STALL_REPORT), "no stall reported: " + r.describe()),
                () -> assertTrue(report.contains(rewrite), rewrite + " was rewritten:\n" + report),
                () -> assertEquals(List.of("INFO: app started", "INFO: " + loggedLine),
                        Files.readAllLines(run.logFile), "both lines logged"));
    }

    /**
     * A FIFO whose reader blocks until {@link #writeAndClose}: this test holds it open for reading and writing
     * ({@code O_RDWR}, which does not wait for a peer), so the app's open returns at once and its read waits for data
     * and for the end of the stream, which comes when this last writer closes.
     */
    private static final class Fifo implements AutoCloseable {
        private final Path path;
        private RandomAccessFile feeder;

        private Fifo(Path path) {
            this.path = path;
        }

        static Fifo make(Path path) throws IOException, InterruptedException {
            Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
            String output = new String(mkfifo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, mkfifo.waitFor(), "mkfifo " + path + " (coreutils): " + output);
            return new Fifo(path);
        }

        Path path() {
            return path;
        }

        void open() throws IOException {
            feeder = new RandomAccessFile(path.toFile(), "rw");
        }

        void writeAndClose(String line) throws IOException {
            feeder.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            close();
        }

        @Override
        public void close() throws IOException {
            if (feeder != null) {
                feeder.close();
                feeder = null;
            }
        }
    }

    /** LogApp greened with the given groups in a forked JVM, with stdin for the go signal. */
    private final class LogRun {
        final Path logFile;
        final Path report;
        final ForkedJvm app;

        /** LogApp logging to {@code logFile} the line read from {@code messageFile} (or a fixed line when null). */
        LogRun(Path logFile, Path messageFile, String... groups) throws IOException {
            this.logFile = logFile;
            report = work.resolve(String.join("-", groups) + "-report.txt");
            List<String> options = new ArrayList<>(List.of("include=com.acme.**", "include=org.tinylog.**"));
            for (String group : groups) {
                options.add("patch=" + group);
            }
            options.add("stall=500ms");
            // one hub, with no group to hand its other threads on: what keeps the beat going is the file-io group alone
            options.add("hubs=1");
            options.add("report=" + report);
            List<String> args = new ArrayList<>(List.of(logFile.toString(), BEATS));
            if (messageFile != null) {
                args.add(messageFile.toString());
            }
            app = ForkedJvm.java(ForkedLibraryApp.java(), List.of(ForkedLibraryApp.agent(options.toArray(String[]::new))),
                    ForkedLibraryApp.classPath(), "com.acme.logapp.LogApp", args).sampleEvery(null).start();
        }

        void go() throws IOException {
            app.sendLine("go");
        }

        void awaitOutput(String line) throws Exception {
            app.awaitLine(line, WAIT);
        }

        void awaitError(String text) throws Exception {
            app.awaitError(text, WAIT);
        }

        ForkedJvm.Result awaitExit() throws Exception {
            ForkedJvm.Result r = app.await(WAIT);
            assertEquals(0, r.exitCode(), r::describe);
            return r;
        }
    }
}
