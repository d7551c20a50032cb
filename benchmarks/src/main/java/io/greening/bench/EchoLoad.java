package io.greening.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Iterator;

/**
 * The echo load generator: one thread and one NIO selector driving {@code connections} connections, closed loop,
 * one message in flight per connection (send, wait for the whole echo, send again). So the client side costs
 * one OS thread whatever the server, and every server sees exactly the same load. Connects all connections first
 * (blocking, one by one), runs {@code warmupSeconds}, then counts round trips and records each one's latency for
 * {@code measureSeconds} (and on, for at most {@value #MAX_EXTRA_SECONDS} s more, until {@code minRoundTrips} were
counted, so that a check on a busy machine waits for its round trips rather than for a time window), then closes every
connection. Prints one result line (its seconds are those measured):
 * {@code RESULT connections,roundTrips,seconds,p50Micros,p99Micros,errors,clientCpuPercent}.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.greening.bench.EchoLoad &lt;port&gt; &lt;connections&gt; [warmupSeconds=2] [measureSeconds=3] [messageBytes=32] [minRoundTrips=0]</pre>
 */
public final class EchoLoad {
    /** How much longer than {@code measureSeconds} the load may go on to count {@code minRoundTrips}. */
    private static final int MAX_EXTRA_SECONDS = 60;

    private EchoLoad() {}

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        int connections = Integer.parseInt(args[1]);
        double warmupSeconds = args.length > 2 ? Double.parseDouble(args[2]) : 2;
        double measureSeconds = args.length > 3 ? Double.parseDouble(args[3]) : 3;
        int messageBytes = args.length > 4 ? Integer.parseInt(args[4]) : 32;
        int minRoundTrips = args.length > 5 ? Integer.parseInt(args[5]) : 0;

        InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        ByteBuffer message = ByteBuffer.allocateDirect(messageBytes);
        for (int i = 0; i < messageBytes; i++) {
            message.put((byte) ('a' + i % 26));
        }
        SocketChannel[] channels = new SocketChannel[connections];
        ByteBuffer[] received = new ByteBuffer[connections];
        long[] sentAt = new long[connections];
        long connectBegan = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            channels[i] = SocketChannel.open(server);
            received[i] = ByteBuffer.allocate(messageBytes);
        }
        System.out.printf("connected %,d in %d ms%n", connections, (System.nanoTime() - connectBegan) / 1_000_000);

        Selector selector = Selector.open();
        for (int i = 0; i < connections; i++) {
            channels[i].configureBlocking(false);
            channels[i].register(selector, SelectionKey.OP_READ, i);
            sentAt[i] = System.nanoTime();
            send(channels[i], message);
        }
        long measureFrom = System.nanoTime() + (long) (warmupSeconds * 1e9);
        long measureUntil = measureFrom + (long) (measureSeconds * 1e9);
        long extendedUntil = measureUntil + MAX_EXTRA_SECONDS * 1_000_000_000L;
        long measuredUntil = measureUntil;
        long[] latencies = new long[1 << 20];
        int count = 0;
        long errors = 0;
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpuAtMeasureStart = -1;
        long now;
        while ((now = System.nanoTime()) < measureUntil || (count < minRoundTrips && now < extendedUntil)) {
            if (cpuAtMeasureStart < 0 && now >= measureFrom) {
                cpuAtMeasureStart = os.getProcessCpuTime();
            }
            selector.select(100);
            Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
            while (ready.hasNext()) {
                SelectionKey key = ready.next();
                ready.remove();
                int i = (Integer) key.attachment();
                ByteBuffer buffer = received[i];
                int n = channels[i].read(buffer);
                if (n < 0) {
                    errors++;
                    key.cancel();
                    continue;
                }
                if (buffer.hasRemaining()) {
                    continue;
                }
                long done = System.nanoTime();
                buffer.flip();
                if (!buffer.equals(message.duplicate().rewind())) {
                    errors++;
                }
                buffer.clear();
                boolean extra = done >= measureUntil && count < minRoundTrips;   // counted on past the window
                if (done >= measureFrom && (done < measureUntil || extra)) {
                    if (count == latencies.length) {
                        latencies = Arrays.copyOf(latencies, count * 2);
                    }
                    latencies[count++] = done - sentAt[i];
                    if (extra) {
                        measuredUntil = done;
                    }
                }
                sentAt[i] = done;
                send(channels[i], message);
            }
        }
        double measuredSeconds = measuredUntil == measureUntil ? measureSeconds : (measuredUntil - measureFrom) / 1e9;
        // how busy the load generator itself was while measuring: near 100% of a core means it may be the bound
        double clientCpuPercent = (os.getProcessCpuTime() - cpuAtMeasureStart) / (measuredSeconds * 1e7);
        for (SocketChannel channel : channels) {
            channel.close();
        }
        selector.close();
        Arrays.sort(latencies, 0, count);
        double p50 = count == 0 ? 0 : latencies[(int) (count * 0.50)] / 1e3;
        double p99 = count == 0 ? 0 : latencies[Math.min(count - 1, (int) (count * 0.99))] / 1e3;
        Harness.report(connections + "," + count + "," + measuredSeconds + "," + String.format("%.1f", p50) + ","
                + String.format("%.1f", p99) + "," + errors + "," + String.format("%.0f", clientCpuPercent));
    }

    /** Writes the whole (small) message; a full socket buffer here would be a bug of the load, so spin on it. */
    private static void send(SocketChannel channel, ByteBuffer message) throws IOException {
        ByteBuffer out = message.duplicate().rewind();
        while (out.hasRemaining()) {
            channel.write(out);
        }
    }
}
