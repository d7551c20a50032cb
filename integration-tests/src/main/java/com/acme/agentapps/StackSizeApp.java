package com.acme.agentapps;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Threads made with a stack size of their own, as parsers and compilers make them for deep recursion:
 * {@code new Thread(group, task, name, stackSize)}, {@code Thread.ofPlatform().stackSize(n)}, a subclass that overrides
 * {@code start()} and a pool whose factory makes such threads. Each recurses deeper than a default stack allows. Prints what each reached; greened it must
 * print the same.
 */
public final class StackSizeApp {
    private StackSizeApp() {}

    private static final long STACK = 256L << 20;
    private static final int DEPTH = 400_000;

    static int recurse(int depth) {
        return depth == 0 ? 0 : 1 + recurse(depth - 1);
    }

    static String deep() {
        try {
            return "reached " + recurse(DEPTH);
        } catch (StackOverflowError e) {
            return "StackOverflowError";
        }
    }

    public static void main(String[] args) throws Exception {
        String[] result = new String[2];
        Thread constructed = new Thread(null, () -> result[0] = deep(), "deep-constructed", STACK);
        constructed.start();
        constructed.join();
        System.out.println("new Thread(group, task, name, stackSize): " + result[0]);

        Thread built = Thread.ofPlatform().name("deep-built").stackSize(STACK).start(() -> result[1] = deep());
        built.join();
        System.out.println("Thread.ofPlatform().stackSize(n): " + result[1]);

        DeepSubclass subclass = new DeepSubclass();
        subclass.start();
        subclass.join();
        System.out.println("a subclass whose start() calls super.start(): " + subclass.result);

        ExecutorService pool = Executors.newFixedThreadPool(1, task -> new Thread(null, task, "deep-pool", STACK));
        System.out.println("pool of such threads: " + pool.submit(StackSizeApp::deep).get());
        pool.shutdown();
    }

    /** A subclass with a stack size that overrides {@code start()}, as some libraries' thread classes do. */
    static final class DeepSubclass extends Thread {
        volatile String result;

        DeepSubclass() {
            super(null, null, "deep-subclass", STACK);
        }

        @Override
        public void start() {
            super.start();
        }

        @Override
        public void run() {
            result = deep();
        }
    }
}
