package io.greening.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * A closed-loop HTTP/1.1 load client for {@link HttpLoad}'s servers, for machines without {@code wrk}: each of
 * {@code connections} keep-alive connections (a JDK virtual thread each) sends a request, reads the whole
 * response, checks it ({@code 200} and the body {@code hello world\n}) and sends the next. Counts the checked
 * responses of the {@code seconds} after a {@code warmup}; any other answer counts as an error.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.greening.bench.HttpLoadClient port get|post1k connections warmupSeconds seconds</pre>
 *
 * Prints one line: {@code mode=get connections=200 seconds=10 responses=... req/s=... errors=...}.
 */
public final class HttpLoadClient {
    private static final byte[] HELLO = "hello world\n".getBytes(StandardCharsets.US_ASCII);

    private HttpLoadClient() {}

    public static void main(String[] args) throws Exception {
        int port;
        int connections;
        long warmupNanos;
        long seconds;
        try {
            if (args.length != 5 || !(args[1].equals("get") || args[1].equals("post1k"))) {
                throw new IllegalArgumentException("expected 5 arguments");
            }
            port = Integer.parseInt(args[0]);
            connections = Integer.parseInt(args[2]);
            warmupNanos = Long.parseLong(args[3]) * 1_000_000_000L;
            seconds = Long.parseLong(args[4]);
        } catch (IllegalArgumentException e) {   // NumberFormatException too
            System.err.println("usage: HttpLoadClient port get|post1k connections warmupSeconds seconds (" + e.getMessage() + ")");
            System.exit(2);
            return;
        }
        String mode = args[1];
        byte[] request = (mode.equals("get") ? "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
                : "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1024\r\n\r\n" + "x".repeat(1024))
                .getBytes(StandardCharsets.US_ASCII);
        LongAdder responses = new LongAdder();
        LongAdder errors = new LongAdder();
        long start = System.nanoTime();
        long measureFrom = start + warmupNanos;
        long end = measureFrom + seconds * 1_000_000_000L;
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            clients.add(Thread.ofVirtual().start(() -> drive(port, request, measureFrom, end, responses, errors)));
        }
        for (Thread client : clients) {
            client.join();
        }
        long count = responses.sum();
        System.out.printf("mode=%s connections=%d seconds=%d responses=%d req/s=%.0f errors=%d%n",
                mode, connections, seconds, count, count / (double) seconds, errors.sum());
    }

    private static void drive(int port, byte[] request, long measureFrom, long end, LongAdder responses, LongAdder errors) {
        while (System.nanoTime() < end) {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(30_000);
                OutputStream out = socket.getOutputStream();
                InputStream in = new BufferedInputStream(socket.getInputStream(), 4096);
                long now;
                while ((now = System.nanoTime()) < end) {
                    out.write(request);
                    boolean ok = readResponse(in);
                    if (now >= measureFrom) {
                        (ok ? responses : errors).increment();
                    }
                    if (!ok) {
                        break;
                    }
                }
            } catch (IOException e) {
                if (System.nanoTime() >= measureFrom && System.nanoTime() < end) {
                    errors.increment();
                }
            }
        }
    }

    /** Reads one response; whether it was a 200 with the expected body (and the connection may go on). */
    private static boolean readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder(128);
        int matched = 0;   // of "\r\n\r\n"
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return false;
            }
            head.append((char) b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1
                    : b == '\r' ? 1 : 0;
        }
        String text = head.toString();
        int at = text.toLowerCase().indexOf("\r\ncontent-length:");
        if (!text.startsWith("HTTP/1.1 200 ") || at < 0) {
            return false;
        }
        int lineEnd = text.indexOf("\r\n", at + 2);
        int length = Integer.parseInt(text.substring(at + "\r\ncontent-length:".length(), lineEnd).trim());
        byte[] body = in.readNBytes(length);
        return java.util.Arrays.equals(body, HELLO);
    }
}
