package com.acme.agentapps;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs without an agent until one is attached: prints {@code ready}, waits for the file named by its argument, then
 * starts a thread in this (already loaded) class and one in a class loaded only now, and says where they ran.
 */
public final class AttachApp {
    public static void main(String[] args) throws Exception {
        System.out.println("before attach: virtual=" + probe());
        System.out.println("ready");
        Path go = Path.of(args[0]);
        while (!Files.exists(go)) {
            Thread.sleep(5);
        }
        System.out.println("loaded class: virtual=" + probe());
        System.out.println("new class: virtual=" + Later.probe());
    }

    /**
     * Whether the code runs on a virtual thread, as the JDK sees it: selected code's {@code Thread.currentThread()} is
     * the {@code Thread} object it started (the agent's identity row), but a reflective call is no call site.
     */
    static boolean onVirtualThread() {
        try {
            return ((Thread) Thread.class.getMethod("currentThread").invoke(null)).isVirtual();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean probe() throws InterruptedException {
        boolean[] virtual = new boolean[1];
        Thread t = new Thread(() -> virtual[0] = onVirtualThread());
        t.start();
        t.join();
        return virtual[0];
    }

    /** Loaded only after the attach. */
    static final class Later {
        static boolean probe() throws InterruptedException {
            boolean[] virtual = new boolean[1];
            Thread t = new Thread(() -> virtual[0] = onVirtualThread());
            t.start();
            t.join();
            return virtual[0];
        }
    }
}
