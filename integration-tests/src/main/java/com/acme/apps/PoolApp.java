package com.acme.apps;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain blocking request/response server on a fixed thread pool, and clients on another fixed pool: each
 * request is one connection carrying a line of numbers; the answer is the sum of their squares.
 *
 * <pre>PoolApp [requests] [serverThreads] [clientThreads]</pre>
 */
public final class PoolApp {
    private PoolApp() {}

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        int serverThreads = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int clientThreads = args.length > 2 ? Integer.parseInt(args[2]) : 8;

        ExecutorService serverPool = Executors.newFixedThreadPool(serverThreads);
        ExecutorService clientPool = Executors.newFixedThreadPool(clientThreads);
        AtomicInteger served = new AtomicInteger();
        try (ServerSocket server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                for (int i = 0; i < requests; i++) {
                    try {
                        Socket socket = server.accept();
                        serverPool.execute(() -> answer(socket, served));
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }, "pool-acceptor");
            acceptor.start();

            long began = System.nanoTime();
            List<Future<Long>> answers = new ArrayList<>(requests);
            for (int i = 0; i < requests; i++) {
                int id = i;
                answers.add(clientPool.submit(() -> ask(server.getLocalPort(), id)));
            }
            long total = 0;
            int failures = 0;
            for (Future<Long> answer : answers) {
                try {
                    total += answer.get();
                } catch (ExecutionException e) {
                    failures++;
                    System.err.println("request failed: " + e.getCause());
                }
            }
            acceptor.join();
            clientPool.shutdown();
            serverPool.shutdown();
            boolean terminated = clientPool.awaitTermination(1, TimeUnit.MINUTES)
                    & serverPool.awaitTermination(1, TimeUnit.MINUTES);
            long elapsedMs = (System.nanoTime() - began) / 1_000_000;
            System.out.println("pool: requests=" + requests + " served=" + served.get() + " sum=" + total
                    + " failures=" + failures + " terminated=" + terminated);
            System.out.println("# elapsed-ms=" + elapsedMs);
        }
        Peak.print();
    }

    private static long ask(int port, int id) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
             PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.US_ASCII);
             BufferedReader in = new BufferedReader(
                     new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))) {
            StringBuilder request = new StringBuilder();
            for (int k = 0; k < 1 + id % 10; k++) {
                request.append(id + k).append(' ');
            }
            out.println(request.toString().trim());
            return Long.parseLong(in.readLine());
        }
    }

    private static void answer(Socket socket, AtomicInteger served) {
        try (socket;
             BufferedReader in = new BufferedReader(
                     new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
             PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.US_ASCII)) {
            long sum = 0;
            for (String number : in.readLine().split(" ")) {
                long n = Long.parseLong(number);
                sum += n * n;
            }
            out.println(sum);
            served.incrementAndGet();
        } catch (IOException e) {
            System.err.println("answer failed: " + e);
        }
    }
}
