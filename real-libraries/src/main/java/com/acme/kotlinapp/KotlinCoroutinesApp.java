package com.acme.kotlinapp;

import com.acme.echo.LineEcho;
import kotlin.Unit;
import kotlin.concurrent.ThreadsKt;
import kotlin.coroutines.EmptyCoroutineContext;
import kotlinx.coroutines.BuildersKt;
import kotlinx.coroutines.CoroutineStart;
import kotlinx.coroutines.Deferred;
import kotlinx.coroutines.Dispatchers;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain app on Kotlin's standard library and kotlinx-coroutines, written in Java against their APIs: an echo
 * server on threads made by {@code kotlin.concurrent.thread}, and {@code runBlocking} launching coroutines with
 * {@code async} on {@code Dispatchers.IO} that block inside ({@code Thread.sleep}, a socket round trip), as Kotlin
 * code wrapping a blocking library does. The IO dispatcher's workers are {@code CoroutineScheduler.Worker}s, a
 * {@code Thread} subclass that finds its own state by casting {@code Thread.currentThread()}. Nothing in it knows
 * about greening.
 *
 * <p>Usage: {@code KotlinCoroutinesApp <jobs>}. Prints one line: {@code kotlin: jobs=N ok=K on-io-workers=W
 * same-thread=S served=C} where {@code on-io-workers} counts the jobs whose current thread was an IO worker and
 * {@code same-thread} those whose current thread was the same before and after blocking.
 */
public final class KotlinCoroutinesApp {
    private static final String IO_WORKER = "kotlinx.coroutines.scheduling.CoroutineScheduler$Worker";

    private KotlinCoroutinesApp() {}

    public static void main(String[] args) throws Exception {
        int jobs = Integer.parseInt(args[0]);
        ServerSocket server = LineEcho.listen();
        AtomicInteger served = new AtomicInteger();
        Thread acceptor = ThreadsKt.thread(true, false, null, "echo-acceptor", -1, () -> {
            try {
                while (true) {
                    Socket connection = server.accept();
                    served.incrementAndGet();
                    ThreadsKt.thread(true, true, null, "echo-connection", -1, () -> {
                        LineEcho.serve(connection);
                        return Unit.INSTANCE;
                    });
                }
            } catch (IOException closed) {
                return Unit.INSTANCE;   // the server socket was closed: stop accepting
            }
        });

        AtomicInteger ok = new AtomicInteger();
        AtomicInteger onIoWorkers = new AtomicInteger();
        AtomicInteger sameThread = new AtomicInteger();
        List<Deferred<String>> results = new ArrayList<>();
        BuildersKt.runBlocking(EmptyCoroutineContext.INSTANCE, (scope, continuation) -> {
            for (int i = 0; i < jobs; i++) {
                int job = i;
                results.add(BuildersKt.async(scope, Dispatchers.getIO(), CoroutineStart.DEFAULT, (s, c) -> {
                    Thread before = Thread.currentThread();
                    if (before.getClass().getName().equals(IO_WORKER)) {
                        onIoWorkers.incrementAndGet();
                    }
                    try {
                        Thread.sleep(20);
                        String answer = LineEcho.roundTrip(server.getLocalPort(), "job-" + job);
                        if (Thread.currentThread() == before) {
                            sameThread.incrementAndGet();
                        }
                        return answer;
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException("job " + job, e);
                    }
                }));
            }
            return Unit.INSTANCE;   // runBlocking returns once every child coroutine has completed
        });
        for (int i = 0; i < jobs; i++) {
            if (("job-" + i).equals(results.get(i).getCompleted())) {
                ok.incrementAndGet();
            }
        }
        server.close();
        acceptor.join();
        System.out.println("kotlin: jobs=" + jobs + " ok=" + ok.get() + " on-io-workers=" + onIoWorkers.get()
                + " same-thread=" + sameThread.get() + " served=" + served.get());
    }
}
