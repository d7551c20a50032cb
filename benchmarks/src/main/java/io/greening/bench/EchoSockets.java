package io.greening.bench;

import io.greening.Green;
import io.greening.GreenThread;
import io.greening.patch.GreenChannels;
import io.greening.patch.GreenServerSocket;
import io.greening.patch.GreenSocket;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Echo round trips per second, one server and many clients in one JVM: greening's sockets on one hub (waits on the
 * hub's selector), plain JDK sockets on green threads of one hub (waits through the JDK's poller threads), plain JDK
 * sockets on platform threads (one per connection, both ends), and greening's sockets on platform threads (the
 * fallback for a green socket used off the hub: waits on pooled selectors).
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED -cp runtime/target/classes:benchmarks/target/classes \
 *     io.greening.bench.EchoSockets [connections=1000] [roundTrips=100] [messageBytes=32] [repeats=3] [only=all|green|jdk-green|platform|green-on-platform|channels|green-channels|jdk-channels]
 * </pre>
 */
public final class EchoSockets {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private EchoSockets() {}

    interface Sockets {
        ServerSocket listen(int backlog) throws IOException;

        Socket connect(int port) throws IOException;
    }

    private static final Sockets GREEN = new Sockets() {
        public ServerSocket listen(int backlog) throws IOException {
            return new GreenServerSocket(0, backlog, LOOPBACK);
        }

        public Socket connect(int port) throws IOException {
            return new GreenSocket(LOOPBACK, port);
        }
    };

    private static final Sockets JDK = new Sockets() {
        public ServerSocket listen(int backlog) throws IOException {
            return new ServerSocket(0, backlog, LOOPBACK);
        }

        public Socket connect(int port) throws IOException {
            return new Socket(LOOPBACK, port);
        }
    };

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int roundTrips = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int messageBytes = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        String only = args.length > 4 ? args[4] : "all";
        System.out.printf("echo: %d connections x %d round trips of %d bytes, best of %d%n",
                connections, roundTrips, messageBytes, repeats);
        if (only.equals("all") || only.equals("green")) {
            report("greening sockets, one hub (hub selector)", repeats,
                    () -> Green.run(() -> echo(GREEN, connections, roundTrips, messageBytes, true)));
        }
        if (only.equals("all") || only.equals("jdk-green")) {
            report("JDK sockets, green threads on one hub (JDK poller)", repeats,
                    () -> Green.run(() -> echo(JDK, connections, roundTrips, messageBytes, true)));
        }
        if (only.equals("all") || only.equals("platform")) {
            report("JDK sockets, platform threads", repeats,
                    () -> echo(JDK, connections, roundTrips, messageBytes, false));
        }
        if (only.equals("all") || only.equals("green-on-platform")) {
            report("greening sockets, platform threads (pooled selectors)", repeats,
                    () -> echo(GREEN, connections, roundTrips, messageBytes, false));
        }
        if (only.equals("all") || only.endsWith("channels") && !only.equals("jdk-channels")) {
            report("blocking channels via GreenChannels, one hub", repeats,
                    () -> Green.run(() -> echoChannels(true, connections, roundTrips, messageBytes)));
        }
        if (only.equals("all") || only.equals("channels") || only.equals("jdk-channels")) {
            report("blocking channels, JDK calls, green threads on one hub", repeats,
                    () -> Green.run(() -> echoChannels(false, connections, roundTrips, messageBytes)));
        }
    }

    /**
     * Prints the best throughput and the least process CPU time (user + system, all threads) per round trip over
     * the runs after a warm-up run. CPU per round trip is the steadier figure on a shared machine: an event loop on
     * one carrier gets one scheduler share while a thread per connection gets many.
     */
    private static void report(String name, int repeats, Callable<Long> run) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        double best = 0;
        double leastCpuMicros = Double.MAX_VALUE;
        for (int r = 0; r < repeats + 1; r++) {   // the first run warms up
            long start = System.nanoTime();
            long cpuStart = os.getProcessCpuTime();
            long trips = run.call();
            double perSecond = trips / ((System.nanoTime() - start) / 1e9);
            double cpuMicros = (os.getProcessCpuTime() - cpuStart) / 1e3 / trips;
            if (r > 0) {
                best = Math.max(best, perSecond);
                leastCpuMicros = Math.min(leastCpuMicros, cpuMicros);
            }
        }
        System.out.printf("%-55s %,10.0f round trips/s %8.1f us CPU/round trip%n", name, best, leastCpuMicros);
    }

    /** Runs the clients and the server, green or on platform threads; returns the number of round trips made. */
    private static long echo(Sockets sockets, int connections, int roundTrips, int messageBytes, boolean green)
            throws Exception {
        try (ServerSocket server = sockets.listen(connections)) {
            Runnable acceptor = () -> {
                try {
                    while (true) {
                        Socket accepted = server.accept();
                        start(green, () -> {
                            try (accepted) {
                                InputStream in = accepted.getInputStream();
                                OutputStream out = accepted.getOutputStream();
                                byte[] buffer = new byte[messageBytes];
                                int n;
                                while ((n = in.read(buffer)) > 0) {
                                    out.write(buffer, 0, n);
                                }
                            }
                            return null;
                        });
                    }
                } catch (IOException closed) {
                    // the server socket closed: the run is over
                }
            };
            Thread acceptorThread = green ? null : Thread.ofPlatform().daemon().start(acceptor);
            GreenThread<?> greenAcceptor = green ? Green.spawn(acceptor) : null;
            List<Waitable> clients = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                clients.add(start(green, () -> {
                    try (Socket socket = sockets.connect(server.getLocalPort())) {
                        socket.setTcpNoDelay(true);
                        InputStream in = socket.getInputStream();
                        OutputStream out = socket.getOutputStream();
                        byte[] message = new byte[messageBytes];
                        byte[] reply = new byte[messageBytes];
                        for (int i = 0; i < roundTrips; i++) {
                            message[0] = (byte) i;
                            out.write(message);
                            if (in.readNBytes(reply, 0, messageBytes) != messageBytes || reply[0] != (byte) i) {
                                throw new IllegalStateException("bad echo");
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Waitable client : clients) {
                client.await();
            }
            server.close();
            if (greenAcceptor != null) {
                greenAcceptor.join();
            } else {
                acceptorThread.join();
            }
        }
        return (long) connections * roundTrips;
    }

    /** The echo over blocking-mode channels on green threads, through {@link GreenChannels} or the JDK's calls. */
    private static long echoChannels(boolean greened, int connections, int roundTrips, int messageBytes) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0), connections)) {
            GreenThread<Void> acceptor = Green.spawn(() -> {
                try {
                    while (true) {
                        SocketChannel accepted = greened ? GreenChannels.accept(server) : server.accept();
                        Green.spawn(() -> {
                            ByteBuffer buffer = ByteBuffer.allocate(messageBytes);
                            while ((greened ? GreenChannels.read(accepted, buffer) : accepted.read(buffer)) > 0) {
                                buffer.flip();
                                if (greened) {
                                    GreenChannels.write(accepted, buffer);
                                } else {
                                    accepted.write(buffer);
                                }
                                buffer.clear();
                            }
                            accepted.close();
                            return null;
                        });
                    }
                } catch (IOException closed) {
                    // the server channel closed: the run is over
                }
            });
            SocketAddress address = server.getLocalAddress();
            List<GreenThread<Void>> clients = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                clients.add(Green.spawn(() -> {
                    try (SocketChannel channel = greened ? GreenChannels.open(address) : SocketChannel.open(address)) {
                        ByteBuffer message = ByteBuffer.allocate(messageBytes);
                        ByteBuffer reply = ByteBuffer.allocate(messageBytes);
                        for (int i = 0; i < roundTrips; i++) {
                            message.clear().put(0, (byte) i);
                            reply.clear();
                            if (greened) {
                                GreenChannels.write(channel, message);
                            } else {
                                channel.write(message);
                            }
                            while (reply.hasRemaining()) {
                                if ((greened ? GreenChannels.read(channel, reply) : channel.read(reply)) < 0) {
                                    throw new IllegalStateException("early end of stream");
                                }
                            }
                            if (reply.get(0) != (byte) i) {
                                throw new IllegalStateException("bad echo");
                            }
                        }
                    }
                    return null;
                }));
            }
            for (GreenThread<Void> client : clients) {
                client.get();
            }
            if (greened) {
                GreenChannels.close(server);
            } else {
                server.close();
            }
            acceptor.join();
        }
        return (long) connections * roundTrips;
    }

    interface Waitable {
        void await() throws Exception;
    }

    private static Waitable start(boolean green, Callable<Void> body) {
        if (green) {
            GreenThread<Void> thread = Green.spawn(body);
            return thread::get;
        }
        Throwable[] failure = new Throwable[1];
        Thread thread = Thread.ofPlatform().start(() -> {
            try {
                body.call();
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        return () -> {
            thread.join();
            if (failure[0] != null) {
                throw new IllegalStateException(failure[0]);
            }
        };
    }
}
