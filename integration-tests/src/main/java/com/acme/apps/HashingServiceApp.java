package com.acme.apps;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A thread-per-request service that hashes: each request thread runs rounds of (SHA-256 digests, a 1 ms sleep, as a
 * call to a backend would). {@code uniform}: every request hashes {@code digests} per round; {@code skewed}: the
 * even-numbered requests hash twice that and the odd ones nothing, the same total. The time is measured inside the
 * app, from the start signal to the last request's end, so that JVM start-up does not count.
 *
 * <pre>HashingServiceApp uniform|skewed [threads 400] [rounds 50] [digests 2000]</pre>
 */
public final class HashingServiceApp {
    private HashingServiceApp() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || !(args[0].equals("uniform") || args[0].equals("skewed"))) {
            System.err.println("usage: HashingServiceApp uniform|skewed [threads] [rounds] [digests]");
            System.exit(2);
        }
        boolean skewed = args[0].equals("skewed");
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 400;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        int digests = args.length > 3 ? Integer.parseInt(args[3]) : 2000;
        CountDownLatch start = new CountDownLatch(1);
        AtomicLong checksum = new AtomicLong();
        List<Thread> requests = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            int id = i;
            int mine = !skewed ? digests : id % 2 == 0 ? 2 * digests : 0;
            Thread request = new Thread(() -> {
                try {
                    MessageDigest sha = MessageDigest.getInstance("SHA-256");
                    byte[] block = new byte[64];
                    block[0] = (byte) id;
                    start.await();
                    for (int round = 0; round < rounds; round++) {
                        for (int d = 0; d < mine; d++) {
                            block = java.util.Arrays.copyOf(sha.digest(block), 64);
                        }
                        Thread.sleep(1);
                    }
                    checksum.addAndGet(block[0] + block[1] * 256L);
                } catch (InterruptedException | NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }, "request-" + i);
            request.start();
            requests.add(request);
        }
        long began = System.nanoTime();
        start.countDown();
        for (Thread request : requests) {
            request.join();
        }
        long elapsedMs = (System.nanoTime() - began) / 1_000_000;
        System.out.println("hashing " + args[0] + ": threads=" + threads + " rounds=" + rounds + " digests=" + digests
                + " checksum=" + checksum.get());
        System.out.println("# elapsed-ms=" + elapsedMs);
        Peak.print();
    }
}
