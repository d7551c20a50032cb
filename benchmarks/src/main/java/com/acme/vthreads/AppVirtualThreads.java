package com.acme.vthreads;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * An app's own virtual threads, for the agent's {@code include=com.acme.**} (greening's own packages are never
 * selected, hence this package): its platform {@code main} runs {@code threads} empty tasks on
 * {@code Executors.newVirtualThreadPerTaskExecutor()}, {@code rounds} times, and prints the time per thread (spawn,
 * run, finish; the executor's close waits for all). Under the agent they run on its hubs, else on the JDK's scheduler.
 *
 * <p>Usage: {@code AppVirtualThreads <threads> <rounds>}; prints {@code RESULT round=<r> ns-per-thread=<t>} per round.
 */
public final class AppVirtualThreads {
    private AppVirtualThreads() {}

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: AppVirtualThreads <threads> <rounds>");
            System.exit(2);
        }
        int threads = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        LongAdder ran = new LongAdder();
        for (int round = 1; round <= rounds; round++) {
            long start = System.nanoTime();
            try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < threads; i++) {
                    executor.execute(ran::increment);
                }
            }
            long elapsed = System.nanoTime() - start;
            System.out.println("RESULT round=" + round + " ns-per-thread=" + elapsed / threads);
        }
        if (ran.sum() != (long) threads * rounds) {
            throw new IllegalStateException("ran " + ran.sum());
        }
    }
}
