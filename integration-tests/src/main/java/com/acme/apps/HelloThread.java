package com.acme.apps;

/**
 * A trivial {@code main} that the agent rewrites ({@code Thread.start}, {@code Thread.join}): prints one line from a
 * thread it starts and joins. Start-up measurements ({@code benchmarks/README.md}, section 7) use it beside
 * {@link Hello} for a program that needs the agent's whole set-up (the runtime in the boot loader, a hub).
 */
public final class HelloThread {
    private HelloThread() {}

    public static void main(String[] args) throws InterruptedException {
        Thread thread = new Thread(new Runnable() {
            @Override
            public void run() {
                System.out.println("hello");
            }
        });
        thread.start();
        thread.join();
    }
}
