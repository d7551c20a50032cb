package io.greening.bench;

import io.greening.patch.ClockPatches;
import io.greening.patch.FilePatches;
import io.greening.patch.GreenChannels;
import io.greening.patch.ThreadPatches;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.FileInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * What a call site rewritten by the agent costs when the caller is a platform thread (no hub): each pair calls
 * the JDK method directly ({@code jdk*}) and through the patch method the agent puts in its place
 * ({@code patched*}), exactly the static call a rewritten site makes. Off a hub every patch falls back to the JDK
 * call, so the difference is the patch's own check.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar PatchOverheadBench -f 1 -wi 3 -i 5</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED"})
public class PatchOverheadBench {
    private Thread thread;
    private ServerSocketChannel listener;
    private SocketChannel idle;
    private SocketChannel peer;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(64);
    private FileInputStream zeros;
    private final byte[] bytes = new byte[64];

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        thread = Thread.currentThread();
        listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        idle = SocketChannel.open(listener.getLocalAddress());
        peer = listener.accept();
        idle.configureBlocking(false); // nothing ever arrives: every read returns 0 at once
        zeros = new FileInputStream("/dev/zero");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        idle.close();
        peer.close();
        listener.close();
        zeros.close();
    }

    @Benchmark
    public long jdkNanoTime() {
        return System.nanoTime();
    }

    @Benchmark
    public long patchedNanoTime() {
        return ClockPatches.nanoTime();
    }

    @Benchmark
    public long jdkCurrentTimeMillis() {
        return System.currentTimeMillis();
    }

    @Benchmark
    public long patchedCurrentTimeMillis() {
        return ClockPatches.currentTimeMillis();
    }

    @Benchmark
    public Thread jdkCurrentThread() {
        return Thread.currentThread();
    }

    @Benchmark
    public Thread patchedCurrentThread() {
        return ThreadPatches.currentThread();
    }

    @Benchmark
    public Thread.State jdkGetState() {
        return thread.getState();
    }

    @Benchmark
    public Thread.State patchedGetState() {
        return ThreadPatches.getState(thread);
    }

    @Benchmark
    public int jdkChannelReadNonBlocking() throws IOException {
        buffer.clear();
        return idle.read(buffer);
    }

    @Benchmark
    public int patchedChannelReadNonBlocking() throws IOException {
        buffer.clear();
        return GreenChannels.read(idle, buffer);
    }

    @Benchmark
    public int jdkFileRead() throws IOException {
        return zeros.read(bytes);
    }

    @Benchmark
    public int patchedFileRead() throws IOException {
        return FilePatches.read(zeros, bytes);
    }
}
