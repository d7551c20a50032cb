package io.greening.bench;

import io.greening.Hub;
import io.greening.greenlet.Greenlet;
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

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The cost of one greenlet switch, next to the raw mechanisms it is made of. Every score is nanoseconds per
 * switch (one transfer of control):
 * <ul>
 *   <li>{@code greenletChildToChild}: two greenlets of a platform thread's tree switching back and forth, all on
 *       the hub that the thread drives (the fast path: handoff on one carrier);</li>
 *   <li>{@code greenletMainToChild}: the platform thread's main greenlet and a child (each switch enters or leaves
 *       the hub loop);</li>
 *   <li>{@code rawHubParkUnpark}: two plain virtual threads of one hub passing a token with
 *       {@code LockSupport.park/unpark} (what a switch does, without greenlet bookkeeping);</li>
 *   <li>{@code rawPlatformParkUnpark}: two platform threads passing a token the same way (the OS baseline).</li>
 * </ul>
 * The stall monitor is off: on a loaded machine it would report descheduled carriers and disturb the measurement.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED", "-Dgreening.stall=off"})
public class GreenletSwitchBench {
    static final int ROUNDS = 1000;

    /** A greenlet tree on the benchmark thread: main, a ping-pong pair of children, and an echo child. */
    @State(Scope.Thread)
    public static class Tree {
        Greenlet main;
        Greenlet a;
        Greenlet b;
        Greenlet echo;

        @Setup(Level.Trial)
        public void setUp() {
            main = Greenlet.current();
            b = new Greenlet(args -> {
                while (true) {
                    a.switchTo();
                }
            });
            a = new Greenlet(args -> {
                while (true) {
                    for (int i = 0; i < ROUNDS; i++) {
                        b.switchTo();
                    }
                    main.switchTo();
                }
            });
            echo = new Greenlet(args -> {
                while (true) {
                    main.switchTo();
                }
            });
        }
    }

    /** main -> a, then ROUNDS round trips a -> b -> a, then a -> main. */
    @Benchmark
    @OperationsPerInvocation(2 * ROUNDS + 2)
    public Object greenletChildToChild(Tree tree) {
        return tree.a.switchTo();
    }

    /** main -> echo -> main. */
    @Benchmark
    @OperationsPerInvocation(2)
    public Object greenletMainToChild(Tree tree) {
        return tree.echo.switchTo();
    }

    /** Two threads that pass a token back and forth ROUNDS times per invocation. */
    abstract static class PingPongThreads {
        volatile int turn;             // 0: the benchmark thread, 1: ping, 2: pong
        volatile boolean stop;
        Thread benchmarkThread;
        Thread ping;
        Thread pong;

        abstract Thread.Builder builder();

        @Setup(Level.Trial)
        public void setUp() {
            benchmarkThread = Thread.currentThread();
            Thread.Builder threads = builder();
            pong = threads.unstarted(() -> loop(2, 1));
            ping = threads.unstarted(() -> {
                while (!stop) {
                    awaitTurn(1);
                    if (stop) {
                        return;
                    }
                    for (int i = 0; i < ROUNDS; i++) {
                        pass(2, pong);
                        awaitTurn(1);
                    }
                    pass(0, benchmarkThread);
                }
            });
            ping.start();
            pong.start();
        }

        private void loop(int me, int other) {
            while (!stop) {
                awaitTurn(me);
                if (stop) {
                    return;
                }
                pass(other, ping);
            }
        }

        void awaitTurn(int me) {
            while (turn != me && !stop) {
                LockSupport.park();
            }
        }

        void pass(int to, Thread thread) {
            turn = to;
            LockSupport.unpark(thread);
        }

        void roundTrip() {
            pass(1, ping);
            awaitTurn(0);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            stop = true;
            LockSupport.unpark(ping);
            LockSupport.unpark(pong);
            ping.join();
            pong.join();
        }
    }

    /** Ping and pong as plain virtual threads of one hub with its own carrier. */
    @State(Scope.Thread)
    public static class HubThreads extends PingPongThreads {
        Hub hub;

        @Override
        Thread.Builder builder() {
            hub = Hub.start("bench-hub");
            return VirtualThreads.builder(hub);
        }

        @Override
        public void tearDown() throws InterruptedException {
            super.tearDown();
            hub.close();
        }
    }

    /** Ping and pong as platform threads. */
    @State(Scope.Thread)
    public static class PlatformThreads extends PingPongThreads {
        @Override
        Thread.Builder builder() {
            return Thread.ofPlatform().daemon();
        }
    }

    /** ROUNDS round trips ping -> pong -> ping between two virtual threads of one hub. */
    @Benchmark
    @OperationsPerInvocation(2 * ROUNDS)
    public void rawHubParkUnpark(HubThreads threads) {
        threads.roundTrip();
    }

    /** ROUNDS round trips ping -> pong -> ping between two platform threads. */
    @Benchmark
    @OperationsPerInvocation(2 * ROUNDS)
    public void rawPlatformParkUnpark(PlatformThreads threads) {
        threads.roundTrip();
    }
}
