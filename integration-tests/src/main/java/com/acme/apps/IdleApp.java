package com.acme.apps;

/**
 * An app that does nothing for a while: one thread sleeps, the main thread joins it. Greened, it shows what the
 * agent's hubs cost while nothing happens (benchmarks' {@code ManyCores}).
 *
 * <pre>IdleApp [millis=10000]</pre>
 */
public final class IdleApp {
    private IdleApp() {}

    public static void main(String[] args) throws InterruptedException {
        long millis = args.length > 0 ? Long.parseLong(args[0]) : 10_000;
        Thread sleeper = new Thread(() -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sleeper");
        sleeper.start();
        System.out.println("# idle-start");
        System.out.flush();
        sleeper.join();
        System.out.println("idle: slept " + millis + " ms");
        Peak.print();
    }
}
