package com.acme.races;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * An app on the JDK's own virtual threads, made from its platform {@code main}: a virtual-thread-per-task executor
 * whose first task fans out four workers that interleave steps with sleeps, plus one {@code Thread.startVirtualThread}
 * and one {@code Thread.ofVirtual()} thread. Prints the order of the steps, and how many of its virtual threads ran
 * on the JDK's default scheduler (a carrier of the JDK's {@code ForkJoinPool}), which none does under greening.
 */
public final class VirtualThreadsApp {
    private static final List<String> steps = Collections.synchronizedList(new ArrayList<>());
    private static final List<String> onJdkScheduler = Collections.synchronizedList(new ArrayList<>());

    private VirtualThreadsApp() {}

    public static void main(String[] args) throws Exception {
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            // the workers are submitted from a task, so that the order they become ready in is the app's alone
            Future<?> fanOut = executor.submit(() -> {
                noteScheduler("fan-out");
                for (int w = 0; w < 4; w++) {
                    String name = "w" + w;
                    executor.submit(() -> work(name));
                }
            });
            fanOut.get();
        }
        Thread started = Thread.startVirtualThread(() -> noteScheduler("startVirtualThread"));
        Thread built = Thread.ofVirtual().name("built-", 0).start(() -> noteScheduler(Thread.currentThread().getName()));
        started.join();
        built.join();
        System.out.println("steps=" + String.join(" ", steps));
        System.out.println("on-jdk-scheduler=" + onJdkScheduler.size() + " " + onJdkScheduler);
    }

    private static void work(String name) {
        noteScheduler(name);
        for (int i = 0; i < 5; i++) {
            steps.add(name + "." + i);
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void noteScheduler(String who) {
        // a virtual thread's toString names its carrier: "VirtualThread[#22,name]/runnable@ForkJoinPool-1-worker-1"
        if (Thread.currentThread().toString().contains("@ForkJoinPool")) {
            onJdkScheduler.add(who);
        }
    }
}
