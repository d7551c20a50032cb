package io.greening.patch;

import io.greening.Hub;
import io.greening.internal.Deadlines;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketOption;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NetworkChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/** What {@link GreenSocket} and {@link GreenServerSocket} share: options and timed locks the way the JDK's sockets do them. */
final class SocketOptionsAccess {
    private SocketOptionsAccess() {}

    /** Sets an option on the channel, failing as a socket does: with a {@link SocketException}. */
    static <T> void set(NetworkChannel channel, SocketOption<T> name, T value) throws SocketException {
        try {
            channel.setOption(name, value);
        } catch (IOException e) {
            throw asSocketException(e);
        }
    }

    /** Reads an option of the channel, failing as a socket does: with a {@link SocketException}. */
    static <T> T get(NetworkChannel channel, SocketOption<T> name) throws SocketException {
        try {
            return channel.getOption(name);
        } catch (IOException e) {
            throw asSocketException(e);
        }
    }

    private static SocketException asSocketException(IOException e) {
        if (e instanceof SocketException se) {
            return se;
        }
        return new SocketException(e instanceof ClosedChannelException ? "Socket is closed" : e.getMessage(), e);
    }

    /**
     * Takes {@code lock} as the JDK's socket takes its read or accept lock: without limit when there is no timeout,
     * else within it, throwing {@link java.net.SocketTimeoutException} with {@code timeoutMessage}; an interrupt
     * meanwhile is kept pending, not acted on.
     */
    static void lock(ReentrantLock lock, int timeoutMillis, long deadline, String timeoutMessage)
            throws java.net.SocketTimeoutException {
        if (timeoutMillis <= 0) {
            lock.lock();
            return;
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    if (lock.tryLock(Deadlines.nanosLeft(deadline), TimeUnit.NANOSECONDS)) {
                        return;
                    }
                    throw new java.net.SocketTimeoutException(timeoutMessage);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
