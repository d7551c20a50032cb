package io.greening.patch;

import io.greening.internal.ThreadRecord;
import io.greening.internal.ThreadRegistry;
import io.greening.internal.VirtualThreads;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code main=green}: the agent makes the application's {@code main} begin with
 * {@code if (GreenMain.enter(args, MainClass.class)) return;}, so that {@code main} runs again as a green thread named
 * {@code main} (eventlet's main greenlet) while the JVM's main thread waits for it. What main throws is rethrown on the
 * JVM's main thread, so the JVM reports it and exits as it would have.
 */
public final class GreenMain {
    private static final AtomicBoolean ENTERED = new AtomicBoolean();

    private GreenMain() {}

    /**
     * Runs {@code mainClass.main(args)} as a green thread and returns true once it has ended; returns false (run main
     * as it is) when called from the green main itself or a second time.
     */
    public static boolean enter(String[] args, Class<?> mainClass) throws Throwable {
        if (Thread.currentThread().isVirtual() || !ENTERED.compareAndSet(false, true)) {
            return false;
        }
        Method main = mainClass.getDeclaredMethod("main", String[].class);
        main.setAccessible(true);
        Throwable[] failure = new Throwable[1];
        Thread green = VirtualThreads.builder(Hubs.scheduler()).name(Thread.currentThread().getName()).unstarted(() -> {
            ThreadRecord record = ThreadRegistry.enter("main");
            try {
                main.invoke(null, (Object) args);
            } catch (InvocationTargetException e) {
                failure[0] = e.getCause();
            } catch (IllegalAccessException e) {
                failure[0] = e;
            } finally {
                ThreadRegistry.exit(record);
            }
        });
        green.setContextClassLoader(Thread.currentThread().getContextClassLoader());
        green.start();
        boolean interrupted = false;
        while (true) {
            try {
                green.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;   // the platform main only waits; its interrupt is passed on, not acted on
                green.interrupt();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return true;
    }
}
