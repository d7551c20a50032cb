package com.acme.agentapps;

import com.acme.agentapps.unselected.JdkSocketEcho;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the JDK's socket pollers run under the agent (run with {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED}):
 * the first hub no longer starts them, so they start when a green thread first waits on a JDK socket (in code the
 * agent did not select, {@link JdkSocketEcho}); they must still run on the JDK's scheduler, not on that thread's hub.
 * Reflection only: the app has no compile dependency on greening.
 */
public final class JdkPollersApp {
    public static void main(String[] args) throws Exception {
        Thread first = new Thread(() -> System.out.println("first green thread ran"));
        first.start();   // green: the agent's hubs start, and with them whatever the first hub starts
        first.join();
        System.out.println("JDK socket pollers running after the first green thread: " + masterPollerRunning());
        AtomicInteger echoed = new AtomicInteger(-1);
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread echo = new Thread(() -> call(() -> JdkSocketEcho.echoOnce(server)));
            Thread client = new Thread(() -> call(() -> echoed.set(JdkSocketEcho.sendAndRead(server, 42))));
            echo.start();
            client.start();
            client.join();
            echo.join();
        }
        System.out.println("echoed " + echoed.get());
        System.out.println("JDK socket pollers running after a green thread's JDK socket wait: " + masterPollerRunning());
        Method hubOf = Class.forName("io.greening.Hub").getMethod("of", Thread.class);
        int checked = 0, onHubs = 0;
        for (Thread t : pollerThreads()) {
            checked++;
            if (hubOf.invoke(null, t) != null) {
                onHubs++;
                System.out.println("on a hub: " + t);
            }
        }
        System.out.println("poller threads checked: " + (checked > 0) + ", on a hub: " + onHubs);
    }

    private interface IoCall {
        void run() throws Exception;
    }

    private static void call(IoCall io) {
        try {
            io.run();
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    /** Whether the JDK's master poller (a platform thread of its socket pollers) runs. */
    private static boolean masterPollerRunning() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("MasterPoller")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The threads of the JDK's read, write and master pollers that have one (needs
     * {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED}); also used by {@code FreshJvmTest}.
     */
    public static List<Thread> pollerThreads() throws ReflectiveOperationException {
        Class<?> poller = Class.forName("sun.nio.ch.Poller");
        Field owner = poller.getDeclaredField("owner");
        owner.setAccessible(true);
        List<Object> pollers = new ArrayList<>();
        pollers.addAll((List<?>) poller.getMethod("readPollers").invoke(null));
        pollers.addAll((List<?>) poller.getMethod("writePollers").invoke(null));
        pollers.add(poller.getMethod("masterPoller").invoke(null));
        List<Thread> threads = new ArrayList<>();
        for (Object p : pollers) {
            Thread t = p == null ? null : (Thread) owner.get(p);
            if (t != null) {
                threads.add(t);
            }
        }
        return threads;
    }
}
