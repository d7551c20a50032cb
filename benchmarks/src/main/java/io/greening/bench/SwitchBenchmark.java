package io.greening.bench;

import io.greening.Hub;
import io.greening.internal.VirtualThreads;

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

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Switch cost: the park/unpark ping-pong round trip between two threads, side by side for green threads on one hub,
 * JDK virtual threads (default scheduler, and a bare one-thread executor as scheduler), platform threads, and the
 * floor under all virtual threads, a raw {@code jdk.internal.vm.Continuation} yield + run.
 *
 * <p>Each invocation starts a fresh pair of threads for {@value #ROUND_TRIPS} round trips and waits for both; the
 * start and join are amortised over the round trips (under 0.1% for green threads). Scores are per round trip.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class SwitchBenchmark {
    static final int ROUND_TRIPS = 10_000;

    private Hub hub;
    private ExecutorService oneCarrier;
    private ThreadFactory oneCarrierThreads;
    private Object scope;
    private Object yielder;
    private Object pingContinuation;
    private Object pongContinuation;

    @Setup(Level.Trial)
    public void setUp() {
        hub = Hub.start("bench-hub");
        oneCarrier = Executors.newSingleThreadExecutor();
        oneCarrierThreads = VirtualThreads.builder(oneCarrier).factory();
        scope = RawContinuation.newScope("bench");
        Object s = scope;
        Runnable yieldForever = () -> {
            while (true) {
                RawContinuation.yield(s);
            }
        };
        yielder = RawContinuation.newContinuation(scope, yieldForever);
        pingContinuation = RawContinuation.newContinuation(scope, yieldForever);
        pongContinuation = RawContinuation.newContinuation(scope, yieldForever);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        hub.close();
        oneCarrier.shutdownNow();
    }

    /** The JVM floor: one continuation yield (unmount) and run (mount). Per yield + run, not per round trip. */
    @Benchmark
    public void continuationYieldRun() {
        RawContinuation.run(yielder);
    }

    /** Two continuations run in turn by one thread: two yield + run pairs, the floor for a two-thread round trip. */
    @Benchmark
    public void continuationPingPong() {
        RawContinuation.run(pingContinuation);
        RawContinuation.run(pongContinuation);
    }

    /** Two green threads of one hub, parking with {@code LockSupport.park}. */
    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void green() {
        greenPingPong(false);
    }

    /** Two green threads of one hub, parking at greening's blocking point {@link io.greening.internal.Parking#parkUntil}. */
    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void greenParkUntil() {
        greenPingPong(true);
    }

    private void greenPingPong(boolean viaHubPark) {
        PingPong.onHub(hub, ROUND_TRIPS, viaHubPark);
    }

    /** Two green threads ceding in turn: one round trip is each of them calling {@link io.greening.Green#cede()} once. */
    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void greenCede() {
        PingPong.cedeOnHub(hub, ROUND_TRIPS);
    }

    /** Two virtual threads on the JDK's default scheduler (a ForkJoinPool with a carrier per core). */
    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void virtualDefault() throws InterruptedException {
        threadPingPong(Thread.ofVirtual().factory());
    }

    /**
     * Two virtual threads scheduled by a plain one-thread executor: the JDK's virtual-thread costs with the least
     * scheduler there is around them, to tell the hub's own cost apart from the JDK's.
     */
    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void virtualOneCarrierExecutor() throws InterruptedException {
        threadPingPong(oneCarrierThreads);
    }

    /** Two platform threads: the OS schedules the round trip (futex wait and wake). */
    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void platform() throws InterruptedException {
        threadPingPong(Thread.ofPlatform().factory());
    }

    private static void threadPingPong(ThreadFactory threads) throws InterruptedException {
        PingPong.onThreads(threads, ROUND_TRIPS);
    }
}
