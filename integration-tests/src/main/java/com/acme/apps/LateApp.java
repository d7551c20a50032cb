package com.acme.apps;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An app that idles until told to work: prints {@code # ready}, waits for a line on stdin, then runs thousands
 * of short-sleeping threads. Something (an agent attached meanwhile) may change the JVM while it waits.
 *
 * <pre>LateApp [threads]</pre>
 */
public final class LateApp {
    private LateApp() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        System.out.println("# ready");
        System.out.flush();
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command = stdin.readLine();
        System.out.println("late: told " + command + ", " + work(threads));
        Peak.print();
    }

    private static String work(int threads) throws InterruptedException {
        AtomicInteger wakeups = new AtomicInteger();
        List<Thread> sleepers = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            Thread sleeper = new Thread(() -> {
                try {
                    Thread.sleep(50);
                    wakeups.incrementAndGet();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            sleeper.start();
            sleepers.add(sleeper);
        }
        for (Thread sleeper : sleepers) {
            sleeper.join();
        }
        return "threads=" + threads + " wakeups=" + wakeups.get();
    }
}
