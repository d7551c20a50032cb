package com.acme.agentapps;

import java.io.IOException;
import java.io.InputStream;

/**
 * A shutdown hook that stops a worker and joins it, while another thread is stuck in a native call (a read of
 * standard input, which nothing writes). Prints {@code ready} once both run; on SIGTERM the hook must finish and the
 * JVM exit. Plain, the worker runs on a thread of its own and stops at once.
 */
public final class ShutdownJoinApp {
    private ShutdownJoinApp() {}

    private static volatile boolean stop;

    public static void main(String[] args) throws Exception {
        Thread worker = new Thread(() -> {
            while (!stop) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.out.println("worker: stopped");
        }, "worker");
        worker.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop = true;
            try {
                worker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.out.println("hook: join returned");
        }, "stopping-hook"));

        InputStream in = System.in;   // an InputStream, not a FileInputStream: the read stays the JDK's native one
        Thread stuck = new Thread(() -> {
            try {
                System.out.println("stuck: read " + in.read());
            } catch (IOException e) {
                System.out.println("stuck: " + e);
            }
        }, "stuck-in-native");
        stuck.start();
        System.out.println("ready");
        stuck.join();
    }
}
