package io.greening.diagnostics;

import io.greening.GreenThread;
import io.greening.internal.ThreadRecord;

import java.util.concurrent.locks.AbstractOwnableSynchronizer;
import java.util.concurrent.locks.LockSupport;

/** How the thread dump and the deadlock report say what a green thread waits on: one text for both. */
final class Waits {
    private Waits() {}

    /**
     * One line for a green thread: {@code "name" kind STATE waiting on what at where}, without a line end. What it
     * waits on is what a patch noted (a sleep and its end), else its blocker ({@code join of X}, {@code lock X@id},
     * {@code X@id}) and the first frame of application code, else that frame ({@code monitor at} it when blocked
     * entering a monitor).
     */
    static String line(ThreadRecord record) {
        Thread t = record.thread();
        Thread.State state = t.getState();
        StringBuilder out = new StringBuilder().append('"').append(t.getName()).append("\" ").append(record.kind())
                .append(' ').append(state);
        String waiting = waitingOn(record, state);
        if (waiting != null) {
            out.append(" waiting on ").append(waiting);
        }
        return out.toString();
    }

    private static String waitingOn(ThreadRecord record, Thread.State state) {
        if (state == Thread.State.RUNNABLE || state == Thread.State.NEW || state == Thread.State.TERMINATED) {
            return null;
        }
        String noted = record.waitingOn();
        if (noted != null) {
            return noted;
        }
        Thread t = record.thread();
        Object blocker = LockSupport.getBlocker(t);
        String where = firstApplicationFrame(t.getStackTrace());
        if (blocker != null) {
            String what = describe(blocker);
            return where == null ? what : what + " at " + where;
        }
        return where == null ? null : (state == Thread.State.BLOCKED ? "monitor at " : "") + where;
    }

    /** What a blocker is: {@code join of NAME} for a green thread, {@code lock CLASS@ID} for a lock, else {@code CLASS@ID}. */
    static String describe(Object blocker) {
        if (blocker instanceof GreenThread<?> g) {
            return "join of " + g.name();
        }
        String id = blocker.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(blocker));
        return blocker instanceof AbstractOwnableSynchronizer ? "lock " + id : id;
    }

    private static String firstApplicationFrame(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            String c = frame.getClassName();
            if (!c.startsWith("java.") && !c.startsWith("jdk.") && !c.startsWith("sun.") && !c.startsWith("io.greening.")) {
                return frame.toString();
            }
        }
        return stack.length == 0 ? null : stack[0].toString();
    }
}
