package com.acme.agentapps;

/**
 * Starts and joins one thread: selected alone, the first class whose rewrites make the agent run its set-up
 * ({@link HttpClientDefaultExecutorApp}'s {@code across-set-up}).
 */
final class HttpClientSetUpTrigger {
    private HttpClientSetUpTrigger() {}

    static void startAndJoinOneThread() throws InterruptedException {
        Thread thread = new Thread(() -> { }, "set-up-trigger");
        thread.start();
        thread.join();
    }
}
