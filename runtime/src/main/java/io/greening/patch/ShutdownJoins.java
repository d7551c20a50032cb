package io.greening.patch;

import io.greening.Hub;
import io.greening.internal.Access;
import io.greening.internal.GreeningAccess;
import io.greening.internal.ThreadRecord;

import java.time.Duration;

/**
 * A platform thread's {@code join()} of a green thread that a shutdown could otherwise never get past: once the JVM is
 * shutting down, a join whose green thread's hub has made no progress for {@link #HOPELESS_AFTER} because another
 * green thread holds the hub's carrier in a native call (a blocking read the agent does not rewrite, a JNI call) gives
 * up, says so in one line on stderr, and returns, so that the shutdown hook that joined can finish and the JVM exits,
 * as it would plain, where the joined thread would have run on a thread of its own. Any other join waits as the JDK's
 * does: for a green thread that is itself in the native call (plain would wait for it too) or a hub that is busy
 * computing.
 */
final class ShutdownJoins {
    private static final Duration SLICE = Duration.ofMillis(100);
    static final Duration HOPELESS_AFTER = Duration.ofSeconds(1);
    private static volatile boolean shuttingDown;

    static {
        try {
            Runtime.getRuntime().addShutdownHook(
                    Thread.ofPlatform().name("greening-shutdown-flag").unstarted(() -> shuttingDown = true));
        } catch (IllegalStateException alreadyShuttingDown) {
            shuttingDown = true;
        }
    }

    private ShutdownJoins() {}

    /** {@code green.join()} from a platform thread; see the class comment. */
    static void join(Thread green) throws InterruptedException {
        GreeningAccess access = Access.greening();
        long lastTasks = -1;
        long stuckSince = 0;
        while (!green.join(SLICE)) {
            Hub hub = Hub.of(green);
            if (!shuttingDown || hub == null) {
                continue;
            }
            long tasks = access.tasksRun(hub);
            long now = System.nanoTime();
            if (tasks != lastTasks || !access.isBusy(hub)) {
                lastTasks = tasks;
                stuckSince = now;
                continue;
            }
            Thread holder = inNativeCallOnCarrier(hub);
            if (holder != null && holder != green && now - stuckSince >= HOPELESS_AFTER.toNanos()) {
                System.err.println("greening: shutdown: stopped waiting for green thread \"" + green.getName()
                        + "\": its hub " + hub.name() + " is held by \"" + holder.getName() + "\" in a native call");
                System.err.flush();
                return;
            }
        }
    }

    /** The green thread that holds {@code hub}'s carrier inside a native method, or null. */
    private static Thread inNativeCallOnCarrier(Hub hub) {
        ThreadRecord holder = Access.greening().registry(hub).mountedOn(hub.carrier());
        if (holder == null) {
            return null;
        }
        StackTraceElement[] stack = holder.thread().getStackTrace();
        return stack.length > 0 && stack[0].isNativeMethod() ? holder.thread() : null;
    }

    /** Whether {@code thread.join()} from the calling thread goes through {@link #join}: a platform thread joining a green one. */
    static boolean applies(Thread joined) {
        return joined.isVirtual() && !Thread.currentThread().isVirtual();
    }
}
