package io.greening.itests;

import com.sun.net.httpserver.HttpServer;
import io.greening.forked.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code clock=virtual} beside real I/O in a forked, greened app (docs/agent.md, virtual time and real I/O): the JDK's
 * {@code HttpURLConnection}, with a 5 s read timeout, against an HTTP server that is not greened (it runs in this test's
 * JVM, on platform threads) and answers after 300 ms of real time. The socket's own timeout is never jumped to: the
 * reply arrives, and the app's clocks (the hub's) follow real time while it waits, so they move by less than the
 * timeout and by no more than the real time the whole run took.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class VirtualTimeRealIoAgentIT {
    private static final Duration APP_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration PEER_DELAY = Duration.ofMillis(300);
    private static final long READ_TIMEOUT_MILLIS = 5000;   // SlowPeerReadTimeoutApp's
    private static final Pattern CLOCK_LINE = Pattern.compile("clock advanced: currentTimeMillis (\\d+) ms, nanoTime (\\d+) ms");

    @Test
    void aReadTimeoutAgainstASlowUngreenedServerIsNotJumpedTo() throws Exception {
        HttpServer slowPeer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ExecutorService platformThreads = Executors.newSingleThreadExecutor();
        AtomicInteger served = new AtomicInteger();
        slowPeer.setExecutor(platformThreads);
        slowPeer.createContext("/slow", exchange -> {
            try {
                Thread.sleep(PEER_DELAY);   // the slow peer: it answers after 300 ms of real time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "pong".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
            served.incrementAndGet();
        });
        slowPeer.start();
        try {
            String url = "http://" + slowPeer.getAddress().getHostString() + ":" + slowPeer.getAddress().getPort() + "/slow";
            ForkedJvm.Result r = ForkedJvm.java(ForkedJvm.currentJava(),
                            List.of("-javaagent:" + Built.agentJar() + "=include=com.acme.agentapps.**,clock=virtual"),
                            Built.appClasses(), "com.acme.agentapps.SlowPeerReadTimeoutApp", List.of(url))
                    .sampleEvery(null).run(APP_TIMEOUT);
            assertEquals(List.of("reply: 200 pong"), r.output().stream().filter(l -> !l.startsWith("clock advanced")).toList(),
                    () -> "the reply, not a SocketTimeoutException\n" + r.describe());
            assertEquals(0, r.exitCode(), r::describe);
            assertEquals(1, served.get(), "one request reached the peer");
            Matcher clock = r.output().stream().map(CLOCK_LINE::matcher).filter(Matcher::matches).findFirst()
                    .orElseThrow(() -> new AssertionError("no clock line\n" + r.describe()));
            long hubMillis = Long.parseLong(clock.group(1));
            long hubNanoMillis = Long.parseLong(clock.group(2));
            System.out.println("[hub clock while waiting] currentTimeMillis " + hubMillis + " ms, nanoTime " + hubNanoMillis
                    + " ms; the run took " + r.wall().toMillis() + " ms of real time");
            for (long advanced : List.of(hubMillis, hubNanoMillis)) {
                assertTrue(advanced < READ_TIMEOUT_MILLIS,
                        "the hub clock did not run ahead to the read timeout: " + advanced + " ms\n" + r.describe());
                assertTrue(advanced <= r.wall().toMillis(),
                        "the hub clock followed real time: " + advanced + " ms of hub time in a run of " + r.wall().toMillis()
                                + " ms\n" + r.describe());
            }
        } finally {
            slowPeer.stop(0);
            platformThreads.shutdownNow();
        }
    }
}
