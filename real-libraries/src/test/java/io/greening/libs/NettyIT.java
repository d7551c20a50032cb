package io.greening.libs;

import io.greening.forked.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Netty 4.2 greened with {@code include=io.netty.**}: its event loops are {@code FastThreadLocalThread}s started by
 * {@code ThreadPerTaskExecutor}, now run by green stand-ins, and Netty's code tells its own threads by
 * {@code Thread.currentThread() instanceof FastThreadLocalThread}. The handler must see there what it sees plain:
 * the event-loop thread, Netty's fast thread-local path, {@code inEventLoop()}; and every echo must come back.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class NettyIT {
    private static final int CLIENTS = 100;
    private static final int ROUND_TRIPS = 10;

    @TempDir
    Path work;

    @Test
    void eventLoopsKeepTheirFastThreadLocalThreadIdentity() throws Exception {
        Path report = work.resolve("netty-report.txt");
        ForkedJvm.Result plain = run(List.of());
        ForkedJvm.Result greened = run(List.of(ForkedLibraryApp.agent("include=com.acme.**", "include=io.netty.**",
                "report=" + report)));
        String reportText = Files.readString(report);
        List<String> expected = List.of(
                "FastThreadLocal counts on this loop: true",
                "Netty's fast thread-local path: true",
                "current thread is a FastThreadLocalThread: true",
                "current thread's name: multiThreadIoEventLoopGroup-N-N",
                "in the channel's event loop: true",
                "netty: echoed=" + CLIENTS * ROUND_TRIPS + " wrong=0");
        assertAll(
                () -> assertEquals(expected, plain.comparableOutput(), plain::describe),
                () -> assertEquals(expected, greened.comparableOutput(), greened::describe),
                () -> assertTrue(reportText.contains("threads Thread.currentThread"), reportText),
                () -> assertTrue(reportText.contains("threads Thread.start"), "the event loops' start was rewritten:\n"
                        + reportText),
                () -> assertEquals(0, ForkedLibraryApp.greenThreadsAliveAtExit(reportText),
                        "no green thread left at exit:\n" + reportText),
                () -> assertTrue(greened.peakOsThreads() < ForkedLibraryApp.MAX_GREENED_OS_THREADS,
                        "greened peak OS threads " + greened.peakOsThreads() + " with " + CLIENTS + " clients\n"
                                + reportText));
    }

    private static ForkedJvm.Result run(List<String> jvmOptions) throws Exception {
        ForkedJvm.Result result = ForkedJvm.start(ForkedLibraryApp.java(), jvmOptions, ForkedLibraryApp.classPath(),
                "com.acme.nettyapp.NettyApp", List.of(Integer.toString(CLIENTS), Integer.toString(ROUND_TRIPS)))
                .await(Duration.ofMinutes(2));   // a hang guard: greened start-up loads Netty's classes slowly
        assertEquals(0, result.exitCode(), result::describe);
        return result;
    }
}
