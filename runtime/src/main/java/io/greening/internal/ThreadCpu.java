package io.greening.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Linux says of one platform thread's use of a CPU: its CPU time ({@code /proc/<pid>/task/<tid>/schedstat}) and
 * whether it waits in the kernel (its state in {@code .../stat}: sleeping in a read, on a lock, ...) rather than
 * running or waiting for a core. The stall monitor reads a hub's carrier this way, so that a carrier the OS has
 * preempted (more runnable threads than cores) is not taken for one stuck in its task. Unknown where the kernel does
 * not say (not Linux, no {@code /proc}); the monitor then goes by wall time alone.
 *
 * <p>The files stay open from the first read until {@link #close()}; one thread reads at a time.
 */
public final class ThreadCpu implements AutoCloseable {
    private static final ThreadCpu UNKNOWN = new ThreadCpu(null);

    /** {@code /proc/<pid>/task/<tid>}, or {@code null} when unknown. */
    private final Path task;
    private final ByteBuffer buffer = ByteBuffer.allocate(1024);
    private FileChannel schedstat;   // guarded by this
    private FileChannel stat;        // guarded by this
    private boolean closed;          // guarded by this

    private ThreadCpu(Path task) {
        this.task = task;
    }

    /** The calling thread's, readable from any thread while the calling thread lives. */
    public static ThreadCpu ofCurrentThread() {
        try {
            Path task = Path.of("/proc").resolve(Files.readSymbolicLink(Path.of("/proc/thread-self")));   // <pid>/task/<tid>
            return Files.isReadable(task.resolve("schedstat")) && Files.isReadable(task.resolve("stat"))
                    ? new ThreadCpu(task) : UNKNOWN;
        } catch (IOException | UnsupportedOperationException | SecurityException noProcfs) {
            return UNKNOWN;
        }
    }

    /** A thread the kernel says nothing of: {@link #cpuNanos()} is -1, {@link #waitsInKernel()} false. */
    public static ThreadCpu unknown() {
        return UNKNOWN;
    }

    /** The thread's CPU time so far in nanoseconds, or -1 if unknown (also once closed or the thread has ended). */
    public synchronized long cpuNanos() {
        if (task == null || closed) {
            return -1;
        }
        try {
            if (schedstat == null) {
                schedstat = FileChannel.open(task.resolve("schedstat"));
            }
            String text = read(schedstat);   // "<on-CPU ns> <waiting-for-a-CPU ns> <time slices>\n"
            int end = text.indexOf(' ');
            return end <= 0 ? -1 : Long.parseLong(text, 0, end, 10);
        } catch (IOException | RuntimeException gone) {
            return -1;
        }
    }

    /**
     * Whether the thread waits in the kernel now (a blocking read, a lock, a page in: any state but running or ready
     * to run); false if unknown.
     */
    public synchronized boolean waitsInKernel() {
        if (task == null || closed) {
            return false;
        }
        try {
            if (stat == null) {
                stat = FileChannel.open(task.resolve("stat"));
            }
            String text = read(stat);   // "<tid> (<name>) <state> ...": the name may hold spaces and parentheses
            int state = text.lastIndexOf(')') + 2;
            return state > 1 && state < text.length() && text.charAt(state) != 'R';
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }

    private String read(FileChannel file) throws IOException {
        buffer.clear();
        int n = file.read(buffer, 0);   // from the start: procfs makes the text anew for each read at 0
        return n <= 0 ? "" : new String(buffer.array(), 0, n, StandardCharsets.US_ASCII);
    }

    /** Closes the files; later reads say unknown. */
    @Override
    public synchronized void close() {
        closed = true;
        for (FileChannel file : new FileChannel[] {schedstat, stat}) {
            try {
                if (file != null) {
                    file.close();
                }
            } catch (IOException ignored) {
                // a procfs file: nothing was written
            }
        }
    }
}
