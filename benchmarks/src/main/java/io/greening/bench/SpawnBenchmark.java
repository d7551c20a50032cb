package io.greening.bench;

import io.greening.GreenThread;
import io.greening.Hub;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Spawn cost: spawn (or start), run and finish of a thread with an empty body, side by side for green threads,
 * JDK virtual threads and platform threads. Two shapes, scored per thread:
 * <ul>
 *   <li>{@code *OneByOne}: a driver of the same kind starts one thread and joins it, {@value #THREADS} times: the
 *       latency of a whole life cycle, including waking the driver.</li>
 *   <li>{@code *Batch}: the JMH (platform) thread starts {@value #THREADS} threads, then joins them all: throughput
 *       of spawning from outside, as a server's acceptor thread would.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class SpawnBenchmark {
    static final int THREADS = 1_000;
    private static final Runnable EMPTY = () -> { };

    private Hub hub;

    @Setup(Level.Trial)
    public void setUp() {
        hub = Hub.start("bench-hub");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        hub.close();
    }

    /** A green thread spawns one green thread on its own hub ({@code Hub.spawn}) and joins it, one at a time. */
    @Benchmark
    @OperationsPerInvocation(THREADS)
    public void greenOneByOne() {
        hub.spawn(() -> {
            for (int i = 0; i < THREADS; i++) {
                hub.spawn(EMPTY).join();
            }
        }).join();
    }

    /** A green thread spawns {@value #THREADS} green threads on its own hub, then joins them all. */
    @Benchmark
    @OperationsPerInvocation(THREADS)
    public void greenBatchFromGreen() {
        hub.spawn(() -> {
            GreenThread<?>[] threads = new GreenThread<?>[THREADS];
            for (int i = 0; i < THREADS; i++) {
                threads[i] = hub.spawn(EMPTY);
            }
            for (GreenThread<?> thread : threads) {
                thread.join();
            }
        }).join();
    }

    /** A platform thread spawns {@value #THREADS} green threads onto the hub ({@code Hub.spawn}), then joins them. */
    @Benchmark
    @OperationsPerInvocation(THREADS)
    public void greenBatchFromPlatform() {
        GreenThread<?>[] threads = new GreenThread<?>[THREADS];
        for (int i = 0; i < THREADS; i++) {
            threads[i] = hub.spawn(EMPTY);
        }
        for (GreenThread<?> thread : threads) {
            thread.join();
        }
    }

    /** A virtual thread starts one virtual thread ({@code Thread.ofVirtual().start}) and joins it, one at a time. */
    @Benchmark
    @OperationsPerInvocation(THREADS)
    public void virtualOneByOne() throws InterruptedException {
        onVirtualThread(() -> {
            for (int i = 0; i < THREADS; i++) {
                Thread.ofVirtual().start(EMPTY).join();
            }
        });
    }

    /** A virtual thread starts {@value #THREADS} virtual threads, then joins them all. */
    @Benchmark
    @OperationsPerInvocation(THREADS)
    public void virtualBatchFromVirtual() throws InterruptedException {
        onVirtualThread(() -> startAllAndJoin(Thread.ofVirtual()));
    }

    /** A platform thread starts {@value #THREADS} virtual threads, then joins them all. */
    @Benchmark
    @OperationsPerInvocation(THREADS)
    public void virtualBatchFromPlatform() throws InterruptedException {
        startAllAndJoin(Thread.ofVirtual());
    }

    /** A platform thread starts one platform thread and joins it, one at a time. */
    @Benchmark
    @OperationsPerInvocation(THREADS)
    public void platformOneByOne() throws InterruptedException {
        for (int i = 0; i < THREADS; i++) {
            Thread.ofPlatform().start(EMPTY).join();
        }
    }

    /** A platform thread starts {@value #THREADS} platform threads, then joins them all. */
    @Benchmark
    @OperationsPerInvocation(THREADS)
    public void platformBatch() throws InterruptedException {
        startAllAndJoin(Thread.ofPlatform());
    }

    /** Work that joins threads. */
    private interface Joining {
        void run() throws InterruptedException;
    }

    /** Runs {@code driver} on a new virtual thread of the default scheduler and waits for it. */
    private static void onVirtualThread(Joining driver) throws InterruptedException {
        Thread.ofVirtual().start(() -> {
            try {
                driver.run();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }).join();
    }

    private static void startAllAndJoin(Thread.Builder builder) throws InterruptedException {
        Thread[] threads = new Thread[THREADS];
        for (int i = 0; i < THREADS; i++) {
            threads[i] = builder.start(EMPTY);
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }
}
