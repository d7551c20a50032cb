package io.greening.libs;

import io.greening.forked.ForkedJvm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.greening.libs.ForkedLibraryApp.MAX_GREENED_OS_THREADS;
import static io.greening.libs.ForkedLibraryApp.field;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jedis and commons-pool2, greened: {@code com.acme.redisapp.RedisApp} runs 10,000 {@code new Thread}s doing GET/SET
 * round trips through a {@code JedisPool} against a real redis-server started here, under
 * {@code include=com.acme.**,include=redis.clients.**,include=org.apache.commons.pool2.**}. The server is the
 * installed redis-server, or the one bundled in embedded-redis where none is installed ({@link RedisServer}); the
 * bundled one is also checked on its own, so the fallback keeps working on machines that have Redis installed.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class JedisIT {
    private static final int THREADS = 10_000;
    private static final int ROUNDS = 3;
    private static final int POOL_SIZE = 32;

    @TempDir
    static Path work;
    private static RedisServer redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start(work.resolve("redis.log"));
        System.out.println("[jedis] redis-server: " + redis.executable());
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void theRedisBundledInEmbeddedRedisServesJedis() throws Exception {
        try (RedisServer bundled = RedisServer.start(RedisServer.bundled(), work.resolve("bundled-redis.log"))) {
            ForkedJvm.Result run = ForkedJvm.run(ForkedLibraryApp.java(), List.of(), ForkedLibraryApp.classPath(),
                    "com.acme.redisapp.RedisApp", List.of(Integer.toString(bundled.port()), "20", "2", "4"),
                    Duration.ofMinutes(1));
            assertEquals(0, run.exitCode(), run::describe);
            String line = run.output().stream().filter(l -> l.startsWith("redis: ")).findFirst()
                    .orElseThrow(() -> new AssertionError(run.describe()));
            assertAll(
                    () -> assertEquals("40", field(line, "ok"), run::describe),
                    () -> assertEquals("20", field(line, "counter"), run::describe),
                    () -> assertEquals("41", field(line, "keys"), run::describe));
        }
    }

    @Test
    void tenThousandGreenThreadsThroughAJedisPool() throws Exception {
        Path report = work.resolve("jedis-report.txt");
        ForkedJvm.Result run = ForkedJvm.run(ForkedLibraryApp.java(),
                List.of(ForkedLibraryApp.agent("include=com.acme.**", "include=redis.clients.**",
                        "include=org.apache.commons.pool2.**", "report=" + report)),
                ForkedLibraryApp.classPath(), "com.acme.redisapp.RedisApp",
                List.of(Integer.toString(redis.port()), Integer.toString(THREADS), Integer.toString(ROUNDS),
                        Integer.toString(POOL_SIZE)),
                Duration.ofMinutes(2));
        assertEquals(0, run.exitCode(), run::describe);
        String line = run.output().stream().filter(l -> l.startsWith("redis: ")).findFirst()
                .orElseThrow(() -> new AssertionError(run.describe()));
        String reportText = Files.readString(report);
        System.out.println("[jedis] " + line + " peak-os-threads=" + run.peakOsThreads() + " peak-rss-kb="
                + run.peakRssKb() + " wall=" + run.wall().toMillis() + "ms");
        assertAll(
                () -> assertEquals(Integer.toString(THREADS * ROUNDS), field(line, "ok"), run::describe),
                () -> assertEquals("0", field(line, "mismatches"), run::describe),
                () -> assertEquals("0", field(line, "failures"), run::describe),
                () -> assertEquals(Integer.toString(THREADS), field(line, "counter"), "one INCR per thread"),
                () -> assertEquals(Integer.toString(THREADS * ROUNDS + 1), field(line, "keys"), "every SET stored"),
                () -> assertEquals("0", field(line, "alive-after-join"), "all app threads ended"),
                () -> assertEquals(field(line, "clients-baseline"), field(line, "clients-after-close"),
                        "every pooled connection closed (redis CLIENT LIST back to baseline)"),
                () -> assertEquals(0, ForkedLibraryApp.greenThreadsAliveAtExit(reportText),
                        "no green thread left at exit:\n" + reportText),
                () -> assertTrue(run.peakOsThreads() < MAX_GREENED_OS_THREADS,
                        "peak OS threads " + run.peakOsThreads() + " for " + THREADS + " app threads"),
                () -> assertTrue(ForkedLibraryApp.peakPlatformThreads(reportText) < MAX_GREENED_OS_THREADS, reportText),
                () -> assertTrue(reportText.contains("threads Thread.start"), "the app's Thread.start was rewritten:\n"
                        + reportText));
    }
}
