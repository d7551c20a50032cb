package io.greening.internal;

/**
 * The JDK's blocking calls as blocking points of green threads: the bracket the agent's {@code waits} patches
 * ({@code io.greening.patch.WaitPatches}) put around a blocking call of {@code java.util.concurrent} or
 * {@code Object.wait}, so that a kill or {@code Timeout} of the green thread is raised there. The call itself is the
 * JDK's; what reaches it is an interrupt (see {@link ThreadRecord#deliver}), which the bracket turns back into what
 * was delivered:
 *
 * <pre>{@code
 * ThreadRecord me = JdkWaits.enter();          // raises what is pending already; null off green threads
 * if (me == null) return queue.take();
 * try {
 *     return queue.take();
 * } catch (InterruptedException e) {
 *     throw JdkWaits.interrupted(me, e);       // raises the kill or timeout that interrupted it, else rethrows
 * } finally {
 *     JdkWaits.leave(me);
 * }
 * }</pre>
 */
public final class JdkWaits {
    private JdkWaits() {}

    /**
     * Enters a JDK blocking call on the current thread: raises what is pending for it, and says where it waits, so that
     * a kill or timeout delivered meanwhile interrupts the call.
     *
     * @return its record, to {@link #leave} with; {@code null} if the caller is not a registered green thread (then it
     *         makes the JDK call as it is)
     */
    public static ThreadRecord enter() {
        if (!Thread.currentThread().isVirtual()) {
            return null;
        }
        ThreadRecord me = ThreadRecord.current();
        if (me != null) {
            me.enterJdkWait();
        }
        return me;
    }

    /** Leaves the call entered with {@link #enter}. */
    public static void leave(ThreadRecord me) {
        me.leaveJdkWait();
    }

    /**
     * The call threw {@code e}: raises what is pending for the thread if anything is (a kill or timeout interrupted the
     * call), else returns {@code e}, the application's own interrupt, for the caller to rethrow.
     */
    public static InterruptedException interrupted(ThreadRecord me, InterruptedException e) {
        me.raisePending();
        return e;
    }

    /**
     * Raises what is pending for the current green thread, if anything: for a blocking call the bracket cannot make
     * interruptible (an implementation greening does not know), checked before it.
     */
    public static void raisePending() {
        if (Thread.currentThread().isVirtual()) {
            ThreadRecord me = ThreadRecord.current();
            if (me != null) {
                me.raisePending();
            }
        }
    }
}
