package com.acme.agentapps;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What the agent's hub carriers do while the JVM exits: at its very end the JVM waits up to 300 ms for every thread in
 * native code, as a carrier selecting (in {@code epoll_wait}) is, so once the JVM has begun to exit an idle hub must
 * park instead. A shutdown hook of the app's own waits until every carrier is seen parked (a carrier stays RUNNABLE
 * while it selects), at most 30 s, and prints what it saw.
 */
public final class IdleHubAtExitApp {
    public static void main(String[] args) throws Exception {
        Thread first = new Thread(() -> System.out.println("green thread ran"));
        first.start();   // green: the agent's hubs start, and go idle once it has ended
        first.join();
        List<Thread> carriers = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("greening-hub")) {
                carriers.add(t);
            }
        }
        System.out.println("carriers found: " + !carriers.isEmpty());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!allParked(carriers) && System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            System.out.println("every idle carrier parked while the JVM exits: " + allParked(carriers));
        }));
    }

    private static boolean allParked(List<Thread> carriers) {
        for (Thread t : carriers) {
            Thread.State state = t.getState();
            if (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING && state != Thread.State.TERMINATED) {
                return false;
            }
        }
        return true;
    }
}
