package io.greening.net;

import io.greening.GreenInterruptedException;
import io.greening.Hub;
import io.greening.Timeout;
import io.greening.internal.Access;
import io.greening.internal.Deadlines;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;

/**
 * A TCP connection over a non-blocking {@link SocketChannel} whose reads and writes wait green: on a green thread
 * they wait on the hub's selector while the other green threads run. What {@link GreenServer} hands its handlers,
 * and what {@link #connect} opens for clients. Off any hub (a platform thread) it still works, waiting on a
 * selector of its own.
 *
 * <p>One reader and one writer at a time. {@link #setTimeout} bounds each wait, as Python's
 * {@code socket.settimeout}; a kill or {@link Timeout} of the waiting green thread stops a wait too.
 */
public final class GreenConnection implements Closeable {
    private final SocketChannel channel;
    private volatile Duration timeout;
    private Selector ownSelector;   // for callers off any hub; guarded by this
    private InputStream in;
    private OutputStream out;

    /**
     * Wraps a connected channel, switching it to non-blocking mode.
     *
     * @throws IOException if the channel cannot be configured
     */
    public GreenConnection(SocketChannel channel) throws IOException {
        this.channel = Objects.requireNonNull(channel, "channel");
        channel.configureBlocking(false);
    }

    /** Connects to {@code address}, waiting green; see {@link #connect(SocketAddress, Duration)}. */
    public static GreenConnection connect(SocketAddress address) throws IOException {
        return connect(address, null);
    }

    /**
     * Connects to {@code address}, waiting at most {@code timeout} ({@code null}: no limit), as eventlet's
     * {@code connect}. The returned connection has no timeout set.
     *
     * @throws SocketTimeoutException if it did not connect in time
     */
    public static GreenConnection connect(SocketAddress address, Duration timeout) throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            GreenConnection connection = new GreenConnection(channel);
            if (!channel.connect(address)) {
                connection.timeout = timeout;
                while (!channel.finishConnect()) {
                    connection.await(SelectionKey.OP_CONNECT);
                }
                connection.timeout = null;
            }
            return connection;
        } catch (IOException | RuntimeException | Error e) {
            channel.close();
            throw e;
        }
    }

    /** Bounds each later read, write or connect wait to {@code timeout} ({@code null}: no limit). */
    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    /** The bound on each wait, or {@code null}. */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Reads into {@code buffer}, waiting until at least one byte arrives.
     *
     * @return how many bytes were read, or -1 at the end of the stream
     * @throws SocketTimeoutException if nothing arrived within the {@linkplain #setTimeout timeout}
     */
    public int read(ByteBuffer buffer) throws IOException {
        if (!buffer.hasRemaining()) {
            return 0;
        }
        int n;
        while ((n = channel.read(buffer)) == 0) {
            await(SelectionKey.OP_READ);
        }
        return n;
    }

    /**
     * Reads what has arrived into {@code buffer} without waiting.
     *
     * @return how many bytes were read (0 if none had arrived), or -1 at the end of the stream
     */
    public int readNow(ByteBuffer buffer) throws IOException {
        return buffer.hasRemaining() ? channel.read(buffer) : 0;
    }

    /**
     * Waits until a read would not wait (bytes or the end of the stream have arrived) without reading, so that a
     * connection idle between messages need not hold a buffer.
     *
     * @throws SocketTimeoutException if nothing arrived within the {@linkplain #setTimeout timeout}
     */
    public void awaitReadable() throws IOException {
        await(SelectionKey.OP_READ);
    }

    /**
     * Writes all of {@code buffer}, waiting while the socket's send buffer is full.
     *
     * @throws SocketTimeoutException if the peer took nothing within the {@linkplain #setTimeout timeout}
     */
    public void write(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.write(buffer) == 0) {
                await(SelectionKey.OP_WRITE);
            }
        }
    }

    /** Writes all of {@code bytes}; see {@link #write(ByteBuffer)}. */
    public void write(byte[] bytes) throws IOException {
        write(ByteBuffer.wrap(bytes));
    }

    private void await(int op) throws IOException {
        Duration limit = timeout;
        long deadline = limit == null ? Deadlines.NO_DEADLINE : Deadlines.after(limit);
        Hub hub = Hub.current();
        boolean ready = hub != null ? Access.greening().io(hub).awaitReady(channel, op, deadline) : awaitOffHub(op, deadline);
        if (!ready) {
            throw new SocketTimeoutException((op == SelectionKey.OP_READ ? "read" : op == SelectionKey.OP_WRITE
                    ? "write" : "connect") + " timed out after " + limit);
        }
    }

    private synchronized boolean awaitOffHub(int op, long deadline) throws IOException {
        if (ownSelector == null) {
            ownSelector = Selector.open();
        }
        SelectionKey key = channel.keyFor(ownSelector);
        if (key == null) {
            key = channel.register(ownSelector, op);
        } else {
            key.interestOps(op);
        }
        while (true) {
            long waitMillis = 0;   // select(0) waits without limit
            if (deadline != Deadlines.NO_DEADLINE) {
                if (Deadlines.hasPassed(deadline)) {
                    return false;
                }
                waitMillis = Deadlines.selectMillis(Deadlines.nanosLeft(deadline));
            }
            if (ownSelector.select(waitMillis) > 0) {
                ownSelector.selectedKeys().clear();
                return true;
            }
            if (Thread.interrupted()) {
                throw new GreenInterruptedException();
            }
        }
    }

    /** An input stream over {@link #read(ByteBuffer)} (unbuffered; wrap it in a {@link java.io.BufferedInputStream}). */
    public synchronized InputStream inputStream() {
        if (in == null) {
            in = new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    Objects.checkFromIndexSize(off, len, b.length);
                    return len == 0 ? 0 : GreenConnection.this.read(ByteBuffer.wrap(b, off, len));
                }

                @Override
                public void close() throws IOException {
                    GreenConnection.this.close();
                }
            };
        }
        return in;
    }

    /** An output stream over {@link #write(ByteBuffer)} (unbuffered; wrap it in a {@link java.io.BufferedOutputStream}). */
    public synchronized OutputStream outputStream() {
        if (out == null) {
            out = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    GreenConnection.this.write(new byte[] {(byte) b});
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    GreenConnection.this.write(ByteBuffer.wrap(b, off, len));
                }

                @Override
                public void close() throws IOException {
                    GreenConnection.this.close();
                }
            };
        }
        return out;
    }

    /** Ends the sending side (the peer reads end of stream) while reading goes on. */
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    /** The peer's address. */
    public InetSocketAddress remoteAddress() throws IOException {
        return (InetSocketAddress) channel.getRemoteAddress();
    }

    /** The local address. */
    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /** The underlying non-blocking channel. */
    public SocketChannel channel() {
        return channel;
    }

    /** Whether it is still open. */
    public boolean isOpen() {
        return channel.isOpen();
    }

    /** Closes the connection. */
    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            synchronized (this) {
                if (ownSelector != null) {
                    ownSelector.close();
                }
            }
        }
    }

    @Override
    public String toString() {
        return "GreenConnection[" + channel + "]";
    }
}
