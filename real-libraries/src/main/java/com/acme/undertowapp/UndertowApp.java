package com.acme.undertowapp;

import com.acme.backend.Backend;
import com.acme.downstream.Downstream;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A plain Undertow 2 app in thread-per-request style: XNIO's I/O threads accept and parse, and a
 * {@link BlockingHandler} runs each request on XNIO's worker pool, where {@code GET /work?n=<n>} sleeps 10 ms, then
 * calls a downstream HTTP service ({@link Backend}, platform threads, same JVM) with {@link HttpURLConnection} and
 * answers {@code work <n> <downstream body>}; {@code GET /shutdown} stops it. Nothing in it knows about greening.
 *
 * <p>Usage: {@code UndertowApp <port, 0 = any> <workerThreads> [downstreamThreads, default 32]}. Prints
 * {@code undertow: listening port=<p>} once serving, and at the end
 * {@code undertow: served=S downstream-failures=F peak-platform-threads=P}.
 */
public final class UndertowApp {
    private UndertowApp() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int workerThreads = Integer.parseInt(args[1]);
        int downstreamThreads = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        try (Backend downstream = Backend.start(downstreamThreads)) {
            AtomicLong served = new AtomicLong();
            AtomicInteger downstreamFailures = new AtomicInteger();
            CountDownLatch shutdown = new CountDownLatch(1);
            HttpHandler work = new WorkHandler("http://127.0.0.1:" + downstream.port(), served, downstreamFailures);
            HttpHandler routes = exchange -> {
                if (exchange.getRequestPath().equals("/shutdown")) {
                    exchange.getResponseSender().send("stopping");
                    shutdown.countDown();
                } else {
                    work.handleRequest(exchange);
                }
            };
            Undertow server = Undertow.builder()
                    .addHttpListener(port, "127.0.0.1")
                    .setIoThreads(2)
                    .setWorkerThreads(workerThreads)
                    .setHandler(new BlockingHandler(routes))
                    .build();
            server.start();
            InetSocketAddress bound = (InetSocketAddress) server.getListenerInfo().getFirst().getAddress();
            System.out.println("undertow: listening port=" + bound.getPort());
            shutdown.await();
            server.stop();
            System.out.println("undertow: served=" + served.get() + " downstream-failures=" + downstreamFailures.get()
                    + " peak-platform-threads=" + ManagementFactory.getThreadMXBean().getPeakThreadCount());
        }
    }

    /** Sleeps 10 ms, calls downstream, answers; on a worker thread, where blocking is what Undertow expects. */
    static final class WorkHandler implements HttpHandler {
        private final String downstreamBase;
        private final AtomicLong served;
        private final AtomicInteger downstreamFailures;

        WorkHandler(String downstreamBase, AtomicLong served, AtomicInteger downstreamFailures) {
            this.downstreamBase = downstreamBase;
            this.served = served;
            this.downstreamFailures = downstreamFailures;
        }

        @Override
        public void handleRequest(HttpServerExchange exchange) throws Exception {
            var n = exchange.getQueryParameters().get("n");
            String item = n == null ? "0" : n.getFirst();
            Thread.sleep(10);
            String body;
            try {
                body = Downstream.fetch(downstreamBase + "/item/" + item);
            } catch (IOException e) {
                downstreamFailures.incrementAndGet();
                exchange.setStatusCode(StatusCodes.BAD_GATEWAY);
                exchange.getResponseSender().send(e.toString());
                return;
            }
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
            exchange.getResponseSender().send("work " + item + " " + body);
            served.incrementAndGet();
        }
    }
}
