package com.acme.scalaapp;

import com.acme.echo.LineEcho;
import scala.concurrent.Await;
import scala.concurrent.ExecutionContext;
import scala.concurrent.ExecutionContextExecutor;
import scala.concurrent.Future;
import scala.concurrent.duration.Duration;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain app on the Scala 2.13 library, written in Java against its API: {@code Future}s on
 * {@code ExecutionContext.global} (a {@code ForkJoinPool} of Scala's own worker threads, each a
 * {@code BlockContext}) that block inside {@code blocking { }} ({@code Thread.sleep}, a socket round trip to an echo
 * server on plain threads), mapped with {@code Future.map} and awaited with {@code Await.result}. Nothing in it knows
 * about greening.
 *
 * <p>Usage: {@code ScalaFuturesApp <futures>}. Prints one line: {@code scala: futures=N ok=K mapped-ok=M
 * same-thread=S served=C}.
 */
public final class ScalaFuturesApp {
    private ScalaFuturesApp() {}

    public static void main(String[] args) throws Exception {
        int futures = Integer.parseInt(args[0]);
        ServerSocket server = LineEcho.listen();
        AtomicInteger served = new AtomicInteger();
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    Socket connection = server.accept();
                    served.incrementAndGet();
                    Thread handler = new Thread(() -> LineEcho.serve(connection), "echo-connection");
                    handler.setDaemon(true);
                    handler.start();
                }
            } catch (IOException closed) {
                // the server socket was closed: stop accepting
            }
        }, "echo-acceptor");
        acceptor.start();

        ExecutionContextExecutor global = ExecutionContext.global();
        AtomicInteger sameThread = new AtomicInteger();
        List<Future<String>> answers = new ArrayList<>();
        List<Future<Integer>> lengths = new ArrayList<>();
        for (int i = 0; i < futures; i++) {
            String line = "future-" + i;
            Future<String> answer = Future.apply(() -> blocking(server.getLocalPort(), line, sameThread), global);
            answers.add(answer);
            lengths.add(answer.map(String::length, global));
        }
        Duration timeout = Duration.create(60, TimeUnit.SECONDS);
        int ok = 0;
        int mappedOk = 0;
        for (int i = 0; i < futures; i++) {
            String line = "future-" + i;
            if (line.equals(Await.result(answers.get(i), timeout))) {
                ok++;
            }
            if (Await.result(lengths.get(i), timeout) == line.length()) {
                mappedOk++;
            }
        }
        server.close();
        acceptor.join();
        System.out.println("scala: futures=" + futures + " ok=" + ok + " mapped-ok=" + mappedOk + " same-thread="
                + sameThread.get() + " served=" + served.get());
    }

    /** {@code blocking { sleep; echo round trip }}: tells the pool this task blocks, as Scala code should. */
    private static String blocking(int port, String line, AtomicInteger sameThread) {
        try {
            return scala.concurrent.package$.MODULE$.blocking(() -> sleepAndEcho(port, line, sameThread));
        } catch (Exception e) {
            throw new IllegalStateException(line, e);
        }
    }

    private static String sleepAndEcho(int port, String line, AtomicInteger sameThread) {
        Thread before = Thread.currentThread();
        try {
            Thread.sleep(20);
            String echoed = LineEcho.roundTrip(port, line);
            if (Thread.currentThread() == before) {
                sameThread.incrementAndGet();
            }
            return echoed;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(line, e);
        }
    }
}
