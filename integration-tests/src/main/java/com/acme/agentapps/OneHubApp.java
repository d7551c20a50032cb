package com.acme.agentapps;

import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Run with greening's runtime jar also on the class path: the runtime classes it sees must be the bootstrap copy
 * the agent installed, so a greened thread's hub is the one {@code Hub.shared()} gives here; and the agent opened
 * what that runtime needs. Reflection only: the app has no compile dependency on greening.
 */
public final class OneHubApp {
    public static void main(String[] args) throws Exception {
        Class<?> hubClass = Class.forName("io.greening.Hub");
        System.out.println("Hub loaded by: " + (hubClass.getClassLoader() == null ? "bootstrap" : hubClass.getClassLoader()));
        System.out.println("runtime jar on class path: " + System.getProperty("java.class.path").contains("greening-runtime"));
        // what deadlock reports need to name a lock's owner (AbstractOwnableSynchronizer's owner field)
        System.out.println("java.util.concurrent.locks open to the runtime: "
                + Object.class.getModule().isOpen("java.util.concurrent.locks", hubClass.getModule()));
        Method shared = hubClass.getMethod("shared");
        Method current = hubClass.getMethod("current");
        AtomicReference<Object> seen = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                seen.set(current.invoke(null));
            } catch (ReflectiveOperationException e) {
                throw new RuntimeException(e);
            }
        });
        t.start();
        t.join();
        System.out.println("greened thread's hub is Hub.shared(): " + (seen.get() != null && seen.get() == shared.invoke(null)));
        long carriers = Thread.getAllStackTraces().keySet().stream().filter(th -> th.getName().startsWith("greening-hub")).count();
        System.out.println("hub carriers: " + carriers);
    }
}
