package com.acme.agentapps;

import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Run with greening's runtime jar also on the class path: the runtime classes it sees must be the bootstrap copy
 * the agent installed, so a greened thread's hub is one of the agent's group (the one {@code HubGroup.current()} gives
 * it) and of the class loaded here; and the agent opened what that runtime needs. Reflection only: the app has no compile dependency on greening.
 */
public final class OneHubApp {
    public static void main(String[] args) throws Exception {
        Class<?> hubClass = Class.forName("io.greening.Hub");
        System.out.println("Hub loaded by: " + (hubClass.getClassLoader() == null ? "bootstrap" : hubClass.getClassLoader()));
        System.out.println("runtime jar on class path: " + System.getProperty("java.class.path").contains("greening-runtime"));
        // what deadlock reports need to name a lock's owner (AbstractOwnableSynchronizer's owner field)
        System.out.println("java.util.concurrent.locks open to the runtime: "
                + Object.class.getModule().isOpen("java.util.concurrent.locks", hubClass.getModule()));
        Method current = hubClass.getMethod("current");
        Method group = hubClass.getMethod("group");
        Method groupHubs = Class.forName("io.greening.HubGroup").getMethod("hubs");
        AtomicReference<Object> seen = new AtomicReference<>();
        AtomicReference<Object> seenGroup = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                Object hub = current.invoke(null);
                seen.set(hub);
                seenGroup.set(hub == null ? null : group.invoke(hub));
            } catch (ReflectiveOperationException e) {
                throw new RuntimeException(e);
            }
        });
        t.start();
        t.join();
        System.out.println("greened thread's hub is one of the agent's group: " + (seenGroup.get() != null
                && ((java.util.List<?>) groupHubs.invoke(seenGroup.get())).contains(seen.get())));
        // core hubs only: a spare may have started while a hub was stuck loading classes
        long carriers = Thread.getAllStackTraces().keySet().stream().filter(th -> th.getName().matches("greening-hub-\\d+")).count();
        System.out.println("hub carriers, one per processor: " + (carriers == Runtime.getRuntime().availableProcessors()));
    }
}
