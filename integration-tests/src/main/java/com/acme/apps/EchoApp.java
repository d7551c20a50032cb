package com.acme.apps;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * A plain blocking thread-per-connection echo server and its clients, one platform thread per connection on
 * each side. Every client connects, waits until all clients are connected, sends its messages one by one
 * checking each echo, and waits until all clients are done before closing: all connections, and all their
 * threads on both sides, are alive at once.
 *
 * <pre>
 * EchoApp &lt;connections&gt; [messages]                 server and clients in this JVM
 * EchoApp server &lt;connections&gt;                      prints "# port=P", serves that many connections, exits
 * EchoApp client &lt;port&gt; &lt;connections&gt; [messages]
 * </pre>
 */
public final class EchoApp {
    private static final int DEFAULT_MESSAGES = 10;
    private static final int MAX_BACKLOG = 4096;

    private EchoApp() {}

    public static void main(String[] args) throws Exception {
        // Fail fast: a thread that cannot be started (too many threads) would leave the other side waiting.
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> fail(error));
        try {
            run(args);
        } catch (Exception | Error e) {
            fail(e);
        }
    }

    private static void fail(Throwable error) {
        System.err.println("echo: failed: " + error);
        System.exit(1);
    }

    private static void run(String[] args) throws Exception {
        long began = System.nanoTime();
        if (args.length >= 2 && args[0].equals("server")) {
            int connections = Integer.parseInt(args[1]);
            try (ServerSocket server = listen(connections)) {
                System.out.println("# port=" + server.getLocalPort());
                System.out.flush();
                System.out.println(serve(server, connections));
            }
        } else if (args.length >= 3 && args[0].equals("client")) {
            int port = Integer.parseInt(args[1]);
            int connections = Integer.parseInt(args[2]);
            int messages = args.length > 3 ? Integer.parseInt(args[3]) : DEFAULT_MESSAGES;
            System.out.println(runClients(port, connections, messages));
        } else if (args.length >= 1) {
            int connections = Integer.parseInt(args[0]);
            int messages = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_MESSAGES;
            try (ServerSocket server = listen(connections)) {
                String[] serverSummary = new String[1];
                Thread acceptor = new Thread(() -> {
                    try {
                        serverSummary[0] = serve(server, connections);
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }, "echo-acceptor");
                acceptor.start();
                System.out.println(runClients(server.getLocalPort(), connections, messages));
                acceptor.join();
                System.out.println(serverSummary[0]);
            }
        } else {
            System.err.println("usage: EchoApp <connections> [messages] | server <connections>"
                    + " | client <port> <connections> [messages]");
            System.exit(2);
        }
        System.out.println("# main-ms=" + (System.nanoTime() - began) / 1_000_000);
        Peak.print();
    }

    private static ServerSocket listen(int connections) throws IOException {
        return new ServerSocket(0, Math.min(connections, MAX_BACKLOG), InetAddress.getLoopbackAddress());
    }

    /** Accepts {@code connections} connections, one new thread each, waits until all have ended, sums up. */
    private static String serve(ServerSocket server, int connections) throws IOException, InterruptedException {
        AtomicLong bytesEchoed = new AtomicLong();
        AtomicInteger failures = new AtomicInteger();
        List<Thread> handlers = new ArrayList<>(connections);
        for (int i = 0; i < connections; i++) {
            Socket socket = server.accept();
            Thread handler = new Thread(() -> {
                try (socket) {
                    bytesEchoed.addAndGet(echo(socket.getInputStream(), socket.getOutputStream()));
                } catch (IOException e) {
                    failures.incrementAndGet();
                }
            }, "echo-handler-" + i);
            handler.start();
            handlers.add(handler);
        }
        for (Thread handler : handlers) {
            handler.join();
        }
        return "server: connections=" + connections + " bytes-echoed=" + bytesEchoed.get()
                + " failures=" + failures.get();
    }

    private static long echo(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[4096];
        long total = 0;
        for (int n; (n = in.read(buffer)) > 0; total += n) {
            out.write(buffer, 0, n);
            out.flush();
        }
        return total;
    }

    private static String runClients(int port, int connections, int messages) throws InterruptedException {
        CountDownLatch allConnected = new CountDownLatch(connections);
        CountDownLatch allExchanged = new CountDownLatch(connections);
        AtomicLong checksum = new AtomicLong();
        AtomicLong bytesReceived = new AtomicLong();
        AtomicInteger mismatches = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        List<Thread> clients = new ArrayList<>(connections);
        for (int i = 0; i < connections; i++) {
            int id = i;
            Thread client = new Thread(() -> {
                boolean connected = false;
                boolean exchanged = false;
                try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    allConnected.countDown();
                    connected = true;
                    allConnected.await();
                    OutputStream out = socket.getOutputStream();
                    DataInputStream in = new DataInputStream(socket.getInputStream());
                    CRC32 crc = new CRC32();
                    for (int m = 0; m < messages; m++) {
                        byte[] message = ("connection " + id + " message " + m + "\n")
                                .getBytes(StandardCharsets.US_ASCII);
                        out.write(message);
                        out.flush();
                        byte[] echoed = new byte[message.length];
                        in.readFully(echoed);
                        if (!Arrays.equals(message, echoed)) {
                            mismatches.incrementAndGet();
                        }
                        crc.update(echoed);
                        bytesReceived.addAndGet(echoed.length);
                    }
                    checksum.addAndGet(crc.getValue());
                    allExchanged.countDown();
                    exchanged = true;
                    allExchanged.await();
                } catch (IOException | InterruptedException e) {
                    failures.incrementAndGet();
                    System.err.println("client " + id + ": " + e);
                } finally {
                    if (!connected) {
                        allConnected.countDown();
                    }
                    if (!exchanged) {
                        allExchanged.countDown();
                    }
                }
            }, "echo-client-" + i);
            client.start();
            clients.add(client);
        }
        for (Thread client : clients) {
            client.join();
        }
        return "clients: connections=" + connections + " messages=" + (long) connections * messages
                + " bytes-received=" + bytesReceived.get() + " checksum=" + Long.toHexString(checksum.get())
                + " mismatches=" + mismatches.get() + " failures=" + failures.get();
    }
}
