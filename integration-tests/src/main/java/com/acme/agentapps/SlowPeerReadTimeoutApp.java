package com.acme.agentapps;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One {@code HttpURLConnection} GET with a 5 s read timeout against the URL given (a slow peer, not greened), printing
 * the reply and how far this code's clocks ({@code System.currentTimeMillis}, {@code System.nanoTime}) moved meanwhile:
 * under {@code clock=virtual} those are the hub's clock.
 */
public final class SlowPeerReadTimeoutApp {
    private static final int READ_TIMEOUT_MILLIS = 5000;

    public static void main(String[] args) throws Exception {
        long startMillis = System.currentTimeMillis();
        long startNanos = System.nanoTime();
        String outcome;
        int exitCode = 0;
        HttpURLConnection connection = (HttpURLConnection) URI.create(args[0]).toURL().openConnection();
        connection.setConnectTimeout(READ_TIMEOUT_MILLIS);
        connection.setReadTimeout(READ_TIMEOUT_MILLIS);
        try (InputStream body = connection.getInputStream()) {
            outcome = "reply: " + connection.getResponseCode() + " " + new String(body.readAllBytes(), StandardCharsets.UTF_8);
        } catch (SocketTimeoutException e) {
            outcome = "timed out: " + e;
            exitCode = 1;
        } finally {
            connection.disconnect();
        }
        long elapsedMillis = System.currentTimeMillis() - startMillis;
        long elapsedNanos = System.nanoTime() - startNanos;
        System.out.println(outcome);
        System.out.println("clock advanced: currentTimeMillis " + elapsedMillis + " ms, nanoTime " + elapsedNanos / 1_000_000 + " ms");
        System.exit(exitCode);
    }
}
