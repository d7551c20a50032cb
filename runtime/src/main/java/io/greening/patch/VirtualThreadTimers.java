package io.greening.patch;

import io.greening.Hub;
import io.greening.internal.Access;
import io.greening.internal.Deadlines;
import io.greening.internal.GreeningAccess;
import io.greening.internal.HubCarrier;
import io.greening.internal.TimerHeap.Timer;
import io.greening.internal.ThreadRecord;
import io.greening.internal.TimerHeap;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Timed parks of green threads on the hub's timers. The JDK schedules the timeout of a virtual thread's timed park or
 * wait ({@code LockSupport.parkNanos}, {@code Object.wait(ms)}, {@code tryLock}/{@code await}/{@code poll} with a
 * timeout) on its own timer threads ({@code VirtualThread-unparker}); the agent retransforms
 * {@code java.lang.VirtualThread} so that its calls to its private {@code schedule(Runnable, long, TimeUnit)} come
 * here, and for a green thread the timeout becomes a timer of its hub, set and cancelled on the hub's carrier.
 * Other virtual threads keep the JDK's path.
 */
public final class VirtualThreadTimers {
    private static final MethodHandle JDK_SCHEDULE;   // (Thread, Runnable, long, TimeUnit) -> Future

    static {
        try {
            Class<?> virtualThread = Class.forName("java.lang.VirtualThread");
            JDK_SCHEDULE = MethodHandles.privateLookupIn(virtualThread, MethodHandles.lookup())
                    .findVirtual(virtualThread, "schedule", MethodType.methodType(Future.class, Runnable.class, long.class, TimeUnit.class))
                    .asType(MethodType.methodType(Future.class, Thread.class, Runnable.class, long.class, TimeUnit.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private VirtualThreadTimers() {}

    /** {@code virtualThread.schedule(command, delay, unit)}, called by the JDK on the carrier the thread just left. */
    public static Future<?> schedule(Thread virtualThread, Runnable command, long delay, TimeUnit unit) throws Throwable {
        Hub hub = Hub.of(virtualThread);
        if (hub != null && hub.group() != null) {
            hub = HubCarrier.current();   // a thread of a group: its timer belongs to the hub it just left
        }
        if (hub == null || hub.carrier() != Thread.currentThread()) {
            return (Future<?>) JDK_SCHEDULE.invokeExact(virtualThread, command, delay, unit);
        }
        GreeningAccess access = Access.greening();
        long deadline = Deadlines.after(access.clock(hub).now(), unit.toNanos(delay));   // the hub's own time, virtual or real
        TimerHeap timers = access.timers(hub);
        ThreadRecord record = access.registry(hub).lookup(virtualThread);
        boolean ioTimeout = record != null && record.isInJdkIo();   // a socket's timeout in the JDK's poller (IoParks)
        return new HubTimeout(timers, timers.add(deadline, command, ioTimeout));
    }

    /**
     * The JDK only cancels the timeout (from the thread, back on a carrier: in a group, maybe another hub's) when the
     * thread continues earlier.
     */
    private static final class HubTimeout implements Future<Object> {
        private final TimerHeap timers;
        private Timer timer;   // the thread's own; null once cancelled

        HubTimeout(TimerHeap timers, Timer timer) {
            this.timers = timers;
            this.timer = timer;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            Timer t = timer;
            timer = null;
            if (t != null) {
                timers.cancel(t);
            }
            return t != null;
        }

        @Override
        public boolean isCancelled() {
            return timer == null;
        }

        @Override
        public boolean isDone() {
            return timer == null;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    }
}
