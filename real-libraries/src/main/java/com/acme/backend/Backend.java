package com.acme.backend;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small HTTP service on the JDK's {@code com.sun.net.httpserver}, served by a pool of platform threads. The apps
 * start it in their own JVM from a package the agent does not select, so it stays as it is while the clients are
 * greened. {@code GET /item/<n>} answers {@code item-<n>}; {@code POST /echo} answers its body reversed.
 */
public final class Backend implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService workers;

    private Backend(HttpServer server, ExecutorService workers) {
        this.server = server;
        this.workers = workers;
    }

    /** Starts the service on a free loopback port with {@code threads} platform worker threads. */
    public static Backend start(int threads) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        ExecutorService workers = Executors.newFixedThreadPool(threads);
        server.setExecutor(workers);
        server.createContext("/item/", Backend::item);
        server.createContext("/echo", Backend::echo);
        server.start();
        return new Backend(server, workers);
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void item(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        respond(exchange, "item-" + path.substring("/item/".length()));
    }

    private static void echo(HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        respond(exchange, new StringBuilder(body).reverse().toString());
    }

    private static void respond(HttpExchange exchange, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
