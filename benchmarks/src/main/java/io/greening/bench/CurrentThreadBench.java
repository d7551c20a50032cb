package io.greening.bench;

import io.greening.patch.ThreadPatches;

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
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What {@code Thread.currentThread()} costs in selected code, where the agent rewrites it to
 * {@link ThreadPatches#currentThread()} (a stand-in answers with the {@code Thread} object the app started): the JDK
 * call and the patched one on a green stand-in of a started {@code Thread} subclass (a loop of {@value #CALLS} calls per
 * operation, handed to the stand-in and back; the hand-over, two switches, is spread over the calls). The pair on a
 * platform thread is in {@link PatchOverheadBench}; run them side by side:
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar 'CurrentThreadBench|PatchOverheadBench.*CurrentThread' -f 1 -wi 3 -i 5</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED"})
public class CurrentThreadBench {
    static final int CALLS = 100_000;

    /** A started {@code Thread} subclass, running green, that runs the loops it is handed. */
    static final class StandIn extends Thread {
        final SynchronousQueue<Consumer<Blackhole>> loops = new SynchronousQueue<>();
        final SynchronousQueue<Boolean> done = new SynchronousQueue<>();
        volatile Blackhole blackhole;

        StandIn() {
            super("bench-stand-in");
        }

        @Override
        public void run() {
            try {
                while (true) {
                    Consumer<Blackhole> loop = loops.take();
                    loop.accept(blackhole);
                    done.put(true);
                }
            } catch (InterruptedException stop) {
                // tear-down
            }
        }

        void runLoop(Consumer<Blackhole> loop, Blackhole bh) throws InterruptedException {
            blackhole = bh;
            loops.put(loop);
            done.take();
        }
    }

    private StandIn standIn;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        standIn = new StandIn();
        ThreadPatches.start(standIn);   // what a rewritten thread.start() does: its run() goes green
        CompletableFuture<Boolean> isStandIn = new CompletableFuture<>();
        standIn.runLoop(bh -> isStandIn.complete(Thread.currentThread().isVirtual()
                && ThreadPatches.currentThread() == standIn), null);
        if (!isStandIn.get()) {
            throw new IllegalStateException("the loops would not run on a green stand-in");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        ThreadPatches.interrupt(standIn);
        ThreadPatches.join(standIn);
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void jdkOnStandIn(Blackhole bh) throws InterruptedException {
        standIn.runLoop(CurrentThreadBench::jdkLoop, bh);
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void patchedOnStandIn(Blackhole bh) throws InterruptedException {
        standIn.runLoop(CurrentThreadBench::patchedLoop, bh);
    }

    private static void jdkLoop(Blackhole bh) {
        for (int i = 0; i < CALLS; i++) {
            bh.consume(Thread.currentThread());
        }
    }

    private static void patchedLoop(Blackhole bh) {
        for (int i = 0; i < CALLS; i++) {
            bh.consume(ThreadPatches.currentThread());
        }
    }
}
