package io.greening.bench;

import io.greening.Green;
import io.greening.GreenThread;
import io.greening.Hub;
import io.greening.sync.Queue;
import io.greening.sync.Semaphore;

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

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

/**
 * The cost of greening's primitives on their two paths: the fast path (only green threads of the hub that owns
 * the primitive use it: no atomic, no lock) and the slow path (a platform thread or another hub's green thread
 * uses it too, which switches it to its monitor lock), next to {@code java.util.concurrent} on JDK virtual
 * threads.
 * Scores are per round trip (a put and a get each way) or per acquire+release.
 *
 * <pre>java --add-opens java.base/java.lang=ALL-UNNAMED -jar benchmarks/target/benchmarks.jar PrimitivesBench</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class PrimitivesBench {
    static final int ROUNDS = 10_000;

    private Hub owner;
    private Hub other;
    private Queue<Integer> pingsOfOwner;
    private Queue<Integer> pongsOfOwner;
    private Semaphore semaphoreOfOwner;

    @Setup(Level.Trial)
    public void start() {
        owner = Hub.start("bench-owner");
        other = Hub.start("bench-other");
        pingsOfOwner = owner.spawn(() -> new Queue<Integer>()).get();
        pongsOfOwner = owner.spawn(() -> new Queue<Integer>()).get();
        semaphoreOfOwner = owner.spawn(() -> new Semaphore(1)).get();
    }

    @TearDown(Level.Trial)
    public void stop() {
        owner.close();
        other.close();
    }

    private static void pong(Queue<Integer> pings, Queue<Integer> pongs) {
        for (int i = 0; i < ROUNDS; i++) {
            pongs.put(pings.get());
        }
    }

    private static int ping(Queue<Integer> pings, Queue<Integer> pongs) {
        int sum = 0;
        for (int i = 0; i < ROUNDS; i++) {
            pings.put(i);
            sum += pongs.get();
        }
        return sum;
    }

    /** Two green threads of the owner hub: the fast path on both sides. */
    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public int queuePingPongSameHub() {
        return pingPongOnOwner(-1);
    }

    private int pingPongOnOwner(int maxsize) {
        return owner.spawn(() -> {
            Queue<Integer> pings = new Queue<>(maxsize);   // made on the owner: its green threads take the fast path
            Queue<Integer> pongs = new Queue<>(maxsize);
            Green.spawn(() -> pong(pings, pongs));
            return ping(pings, pongs);
        }).get();
    }

    /** Rendezvous channels ({@code Queue(0)}) between two green threads of the owner hub. */
    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public int channelPingPongSameHub() {
        return pingPongOnOwner(0);
    }

    /** A green thread of another hub pings a green thread of the owner: the slow path on one side. */
    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public int queuePingPongCrossHub() {
        GreenThread<Void> ponger = owner.spawn(() -> pong(pingsOfOwner, pongsOfOwner));
        int sum = other.spawn(() -> ping(pingsOfOwner, pongsOfOwner)).get();
        ponger.join();
        return sum;
    }

    /** The (platform) benchmark thread pings a green thread of the owner: the slow path on one side. */
    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public int queuePingPongPlatformThread() {
        GreenThread<Void> ponger = owner.spawn(() -> pong(pingsOfOwner, pongsOfOwner));
        int sum = ping(pingsOfOwner, pongsOfOwner);
        ponger.join();
        return sum;
    }

    private static void jdkPong(BlockingQueue<Integer> pings, BlockingQueue<Integer> pongs) {
        try {
            for (int i = 0; i < ROUNDS; i++) {
                pongs.put(pings.take());
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int jdkPingPong(BlockingQueue<Integer> pings, BlockingQueue<Integer> pongs) throws InterruptedException {
        Thread ponger = Thread.ofVirtual().start(() -> jdkPong(pings, pongs));
        int[] sum = {0};
        Thread pinger = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < ROUNDS; i++) {
                    pings.put(i);
                    sum[0] += pongs.take();
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        pinger.join();
        ponger.join();
        return sum[0];
    }

    /** {@link LinkedBlockingQueue} between two JDK virtual threads (ForkJoinPool scheduler). */
    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public int jdkLinkedBlockingQueueVirtualThreads() throws InterruptedException {
        return jdkPingPong(new LinkedBlockingQueue<>(), new LinkedBlockingQueue<>());
    }

    /** The (platform) benchmark thread pings a JDK virtual thread through {@link LinkedBlockingQueue}s: the JDK's cross-thread baseline. */
    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public int jdkLinkedBlockingQueuePlatformThread() throws InterruptedException {
        BlockingQueue<Integer> pings = new LinkedBlockingQueue<>();
        BlockingQueue<Integer> pongs = new LinkedBlockingQueue<>();
        Thread ponger = Thread.ofVirtual().start(() -> jdkPong(pings, pongs));
        int sum = 0;
        for (int i = 0; i < ROUNDS; i++) {
            pings.put(i);
            sum += pongs.take();
        }
        ponger.join();
        return sum;
    }

    /** {@link SynchronousQueue} (the JDK's rendezvous channel) between two JDK virtual threads. */
    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public int jdkSynchronousQueueVirtualThreads() throws InterruptedException {
        return jdkPingPong(new SynchronousQueue<>(), new SynchronousQueue<>());
    }

    /** Uncontended acquire+release by a green thread of the owner: the fast path. */
    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public int semaphoreSameHub() {
        return owner.spawn(() -> {
            Semaphore semaphore = new Semaphore(1);
            for (int i = 0; i < ROUNDS; i++) {
                semaphore.acquire();
                semaphore.release();
            }
            return semaphore.available();
        }).get();
    }

    /** Uncontended acquire+release of a hub-owned semaphore by the (platform) benchmark thread: the slow path. */
    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public int semaphorePlatformThread() {
        for (int i = 0; i < ROUNDS; i++) {
            semaphoreOfOwner.acquire();
            semaphoreOfOwner.release();
        }
        return semaphoreOfOwner.available();
    }

    /** Uncontended acquire+release of a {@link java.util.concurrent.Semaphore} on a JDK virtual thread. */
    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public int jdkSemaphoreVirtualThread() throws InterruptedException {
        java.util.concurrent.Semaphore semaphore = new java.util.concurrent.Semaphore(1);
        Thread t = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < ROUNDS; i++) {
                semaphore.acquireUninterruptibly();
                semaphore.release();
            }
        });
        t.join();
        return semaphore.availablePermits();
    }
}
