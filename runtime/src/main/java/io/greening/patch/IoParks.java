package io.greening.patch;

import io.greening.Hub;
import io.greening.internal.Access;
import io.greening.internal.IoWaiters;
import io.greening.internal.ThreadRecord;

import java.util.concurrent.locks.LockSupport;

/**
 * The parks inside the JDK's poller ({@code sun.nio.ch.Poller}), where a virtual thread waits for a socket of code
 * the agent did not select (the JDK's {@code HttpURLConnection}, a library's server): for a green thread, the hub
 * counts the wait as real I/O in flight and its timeout as an I/O timeout, so that a virtual clock neither jumps while
 * the peer may still answer within the grace, nor jumps to the socket's own timeout (docs/agent.md, clock). On any
 * other thread, and for the hub's own bookkeeping otherwise, the JDK's park.
 */
public final class IoParks {
    private IoParks() {}

    /** {@code LockSupport.park()} in the poller: a socket wait without timeout. */
    public static void park() {
        IoWaiters io = enter();
        if (io == null) {
            LockSupport.park();
            return;
        }
        try {
            LockSupport.park();
        } finally {
            leave(io);
        }
    }

    /** {@code LockSupport.parkNanos(nanos)} in the poller: a socket wait with a timeout. */
    public static void parkNanos(long nanos) {
        IoWaiters io = enter();
        if (io == null) {
            LockSupport.parkNanos(nanos);
            return;
        }
        try {
            LockSupport.parkNanos(nanos);
        } finally {
            leave(io);
        }
    }

    /** The hub's I/O bookkeeping, told that the current green thread waits on real I/O; {@code null} off green threads. */
    private static IoWaiters enter() {
        Thread me = Thread.currentThread();
        Hub hub = me.isVirtual() ? Hub.of(me) : null;
        ThreadRecord record = hub == null ? null : ThreadRecord.current();
        if (record == null) {
            return null;
        }
        IoWaiters io = Access.greening().io(hub);
        io.jdkWait(true);
        record.inJdkIo(true);
        return io;
    }

    private static void leave(IoWaiters io) {
        ThreadRecord.current().inJdkIo(false);
        io.jdkWait(false);
    }
}
