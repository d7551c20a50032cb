package io.greening.agent;

import io.greening.agent.Rewrites.Rewrite;
import io.greening.agent.fixtures.ThreadsFixture;
import io.greening.internal.PatchGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code premain} registers the transformer before the set-up thread has built the rows or defined the runtime, and
 * starts that set-up only when a class needs it: a class that may have something to rewrite waits for the rows and then
 * for the runtime, a class that names the runtime waits for the runtime, and a class with neither loads at once without
 * asking for the set-up (a trivial main). No class is missed: what comes out after the wait is what a transformer that
 * had everything from the start makes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SetUpOnItsOwnThreadTest {
    private static final Map<String, List<Rewrite>> ROWS = Rewrites.index(EnumSet.allOf(PatchGroup.class));

    /** Names no method a row rewrites and enters no monitor. */
    static final class NothingToRewrite {
        int twice(int x) {
            return 2 * x;
        }
    }

    /** Names a runtime class, and nothing a row rewrites. */
    static final class NamesTheRuntime {
        Object options() {
            return io.greening.HubOptions.DEFAULT;
        }
    }

    @Test
    void aClassWithNothingToRewriteLoadsAtOnceWithoutAskingForTheSetUp() throws IOException {
        LoadTimeTransformer transformer = pending("**");
        assertNull(transform(transformer, NothingToRewrite.class));
        assertFalse(transformer.setUpRequested());
    }

    @Test
    void aClassWithSomethingToRewriteWaitsForTheRowsAndTheRuntimeAndComesOutAsIfNothingWaited() throws Exception {
        LoadTimeTransformer transformer = pending("**");
        CompletableFuture<byte[]> loading = transformOnItsOwnThread(transformer, ThreadsFixture.class);
        awaitParkedOnTheSetUp(loading);
        assertTrue(transformer.setUpRequested());
        transformer.useRows(ROWS, Map.of());
        transformer.setUpDone();
        assertArrayEquals(readyTransform(ThreadsFixture.class), loading.get());
    }

    @Test
    void withTheRowsBuiltAClassWithSomethingToRewriteStillWaitsForTheRuntimeItsRewritesCall() throws Exception {
        LoadTimeTransformer transformer = pending("**");
        transformer.useRows(ROWS, Map.of());
        assertFalse(transformer.setUpRequested());
        assertNull(transform(transformer, NothingToRewrite.class));
        CompletableFuture<byte[]> loading = transformOnItsOwnThread(transformer, ThreadsFixture.class);
        awaitParkedOnTheSetUp(loading);
        assertTrue(transformer.setUpRequested());
        transformer.setUpDone();
        assertArrayEquals(readyTransform(ThreadsFixture.class), loading.get());
    }

    private static byte[] readyTransform(Class<?> type) throws IOException {
        LoadTimeTransformer ready = new LoadTimeTransformer(new ClassSelector(List.of("**"), List.of()), ROWS, Map.of(),
                null, new Report(false), false);
        byte[] rewritten = transform(ready, type);
        assertNotNull(rewritten);
        return rewritten;
    }

    @Test
    void aClassThatNamesTheRuntimeWaitsForItEvenWhenNotSelected() throws Exception {
        LoadTimeTransformer transformer = pending("com.nothing.**");
        assertNull(transform(transformer, NothingToRewrite.class));
        CompletableFuture<byte[]> loading = transformOnItsOwnThread(transformer, NamesTheRuntime.class);
        awaitParkedOnTheSetUp(loading);
        transformer.useRows(ROWS, Map.of());
        transformer.setUpDone();
        assertNull(loading.get());   // not selected: unchanged, but only once the runtime is there
    }

    @Test
    void aFailedSetUpLetsTheWaitingClassLoadUnchanged() throws Exception {
        LoadTimeTransformer transformer = pending("**");
        CompletableFuture<byte[]> loading = transformOnItsOwnThread(transformer, ThreadsFixture.class);
        awaitParkedOnTheSetUp(loading);
        transformer.failSetUp();
        assertNull(loading.get());
        assertTrue(transformer.setUpFailed());
        assertNull(transform(transformer, ThreadsFixture.class));
    }

    @Test
    void theExitReportWaitsForTheSetUpOnlyWhenItWritesOne() throws Exception {
        LoadTimeTransformer transformer = pending("**");
        Report report = new Report(false);
        new ReportAtExit(report, "off", false, transformer).run();   // would wait for ever for a set-up never asked for
        assertFalse(transformer.setUpRequested());
        CompletableFuture<Void> writing = CompletableFuture.runAsync(
                new ReportAtExit(report, "/nonexistent-dir/report.txt", false, transformer));
        while (!transformer.setUpRequested()) {
            Thread.onSpinWait();
        }
        assertFalse(writing.isDone());
        transformer.failSetUp();   // then it writes nothing
        writing.get();
    }

    @Test
    void namesRuntimeFindsTypesAndStringsOfTheRuntimeOnly() {
        assertTrue(LoadTimeTransformer.namesRuntime(bytes("xx(Lio/greening/Hub;)V")));
        assertTrue(LoadTimeTransformer.namesRuntime(bytes("io/greening/")));
        assertTrue(LoadTimeTransformer.namesRuntime(bytes("io.greening.Hub")));
        assertFalse(LoadTimeTransformer.namesRuntime(bytes("io.greeningX io/greening greening/ org/greening/x")));
        assertFalse(LoadTimeTransformer.namesRuntime(bytes("greening.")));
    }

    private static byte[] bytes(String text) {
        return ("\0\0\0" + text + "\0").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static LoadTimeTransformer pending(String include) {
        return new LoadTimeTransformer(new ClassSelector(List.of(include), List.of()), null, new Report(false), false, true);
    }

    private static CompletableFuture<byte[]> transformOnItsOwnThread(LoadTimeTransformer transformer, Class<?> type) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(transform(transformer, type));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, "loading " + type.getSimpleName());
        thread.setDaemon(true);
        thread.start();
        LOADERS.put(result, thread);
        return result;
    }

    private static final Map<CompletableFuture<byte[]>, Thread> LOADERS = new java.util.concurrent.ConcurrentHashMap<>();

    /** Until the loading thread is parked on the set-up (the test's timeout ends a wait that never comes). */
    private static void awaitParkedOnTheSetUp(CompletableFuture<byte[]> loading) {
        Thread thread = LOADERS.get(loading);
        while (!(LockSupport.getBlocker(thread) instanceof SetUpWait)) {
            assertFalse(loading.isDone(), "finished without waiting for the set-up");
            Thread.onSpinWait();
        }
        assertFalse(loading.isDone());
    }

    /**
     * Transforms {@code type}'s class file moved to an application's package ({@code io/greening/agent/} becomes
     * {@code co/acmeacme/agent/}, of the same length, throughout): greening's own classes are never selected, and a
     * class file that names one names the runtime.
     */
    private static byte[] transform(LoadTimeTransformer transformer, Class<?> type) throws IOException {
        byte[] bytes;
        try (InputStream in = type.getClassLoader().getResourceAsStream(type.getName().replace('.', '/') + ".class")) {
            bytes = in.readAllBytes();
        }
        byte[] from = AGENT_PACKAGE.getBytes(StandardCharsets.ISO_8859_1);
        byte[] to = MOVED_TO.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i + from.length <= bytes.length; i++) {
            if (java.util.Arrays.equals(bytes, i, i + from.length, from, 0, from.length)) {
                System.arraycopy(to, 0, bytes, i, to.length);
            }
        }
        String name = MOVED_TO + type.getName().substring(AGENT_PACKAGE.length()).replace('.', '/');
        return transformer.transform(null, type.getClassLoader(), name, null, null, bytes);
    }

    private static final String MOVED_TO = "co/acmeacme/agent/";
    private static final String AGENT_PACKAGE = "io/greening/agent/";
}
