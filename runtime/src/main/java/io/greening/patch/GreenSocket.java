package io.greening.patch;

import io.greening.Hub;
import io.greening.Timeout;
import io.greening.internal.Deadlines;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Socket} whose blocking calls are green: connect, read and write wait on the hub's selector when called
 * on a green thread (other green threads run meanwhile; {@code kill} and {@code Timeout} are raised there), and on
 * a small pooled selector when called on any other thread, so a socket made on a green thread keeps working on a
 * platform thread. It is built over a {@link SocketChannel} kept in non-blocking mode and never exposed
 * ({@link #getChannel()} is {@code null}, as for a plain {@code new Socket()}).
 *
 * <p>It behaves as the JDK's socket does: the same checks and exception messages ({@code "Socket is closed"},
 * {@link SocketTimeoutException} {@code "Read timed out"} / {@code "Connect timed out"} after
 * {@link #setSoTimeout}, {@link java.net.ConnectException} on a refused connection), closing it from another
 * thread makes a blocked reader throw {@code SocketException("Socket closed")}, and interrupts follow the JDK:
 * ignored on a platform thread, and on a green (virtual) thread they close the socket and throw
 * {@code SocketException("Closed by interrupt")}. The agent redirects {@code new Socket(...)} in selected code here.
 */
public class GreenSocket extends Socket {
    private static final int CONNECTED = 1, BOUND = 2, CLOSED = 4, SHUT_IN = 8, SHUT_OUT = 16;
    /** The most a single read or write moves, as the JDK's socket (it bounds temporary direct buffers). */
    private static final int MAX_TRANSFER = 128 * 1024;

    /** Non-blocking; made on first need by {@link #channel()}, as the JDK's socket makes its descriptor. */
    private volatile SocketChannel channel;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Readiness.Side reading = new Readiness.Side();
    private final Readiness.Side writing = new Readiness.Side();
    private final Object stateLock = new Object();
    private volatile int state;
    private final SocketOptions options = new SocketOptions() {
        @Override
        NetworkChannel channel() throws SocketException {
            return GreenSocket.this.channel();
        }

        @Override
        boolean socketClosed() {
            return isClosed();
        }
    };
    /** The peer, as given to connect or found by accept; kept after close, as the JDK's socket does. */
    private volatile InetSocketAddress remote;
    private volatile int localPort = -1;
    // Guarded by readLock.
    private boolean readEof;
    private boolean connectionReset;
    private ByteBuffer peeked;   // bytes read by available(), handed out first
    /** The last read took less than it asked for: all there was, so the next read of a green thread waits first. */
    private boolean readDrained;
    private volatile InputStream in;
    private volatile OutputStream out;

    /**
     * An unconnected socket, as {@link Socket#Socket()}; its descriptor is made when first needed.
     *
     * @throws SocketException never: declared by {@code Socket}'s constructor that this one calls
     */
    public GreenSocket() throws SocketException {
        super((SocketImpl) null);   // every method is overridden: Socket's own implementation stays unused
    }

    /** A socket connected to {@code host:port}, as {@link Socket#Socket(String, int)}; name lookup is offloaded. */
    public GreenSocket(String host, int port) throws IOException {
        this(resolve(host, port), null);
    }

    /** A socket connected to {@code address:port}, as {@link Socket#Socket(InetAddress, int)}. */
    public GreenSocket(InetAddress address, int port) throws IOException {
        this(address != null ? new InetSocketAddress(address, port) : null, null);
    }

    /** A socket bound to {@code localAddr:localPort} and connected to {@code host:port}, as the JDK's. */
    public GreenSocket(String host, int port, InetAddress localAddr, int localPort) throws IOException {
        this(resolve(host, port), new InetSocketAddress(localAddr, localPort));
    }

    /** A socket bound to {@code localAddr:localPort} and connected to {@code address:port}, as the JDK's. */
    public GreenSocket(InetAddress address, int port, InetAddress localAddr, int localPort) throws IOException {
        this(address != null ? new InetSocketAddress(address, port) : null, new InetSocketAddress(localAddr, localPort));
    }

    private GreenSocket(InetSocketAddress address, InetSocketAddress local) throws IOException {
        Objects.requireNonNull(address);
        this();
        try {
            if (local != null) {
                bind(local);
            }
            connect(address);
        } catch (IOException | RuntimeException | Error e) {
            try {
                close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Wraps a fresh channel (from {@code SocketChannel.open()} or an accept), switching it to non-blocking mode. */
    GreenSocket(SocketChannel channel) throws IOException {
        this();
        this.channel = channel;
        Readiness.closeWhenUnreachable(this, channel);
        try {
            channel.configureBlocking(false);
        } catch (IOException e) {
            Readiness.closeQuietly(channel);
            throw e;
        }
        if (channel.isConnected()) {
            remote = (InetSocketAddress) channel.getRemoteAddress();
            localPort = ((InetSocketAddress) channel.getLocalAddress()).getPort();
            state = CONNECTED | BOUND;
        }
    }

    /** The channel, made now if need be. */
    private SocketChannel channel() throws SocketException {
        SocketChannel c = channel;
        if (c != null) {
            return c;
        }
        synchronized (stateLock) {
            if (channel == null) {
                if ((state & CLOSED) != 0) {
                    throw new SocketException("Socket is closed");
                }
                try {
                    SocketChannel opened = SocketChannel.open();
                    opened.configureBlocking(false);
                    channel = opened;
                    Readiness.closeWhenUnreachable(this, opened);
                } catch (SocketException e) {
                    throw e;
                } catch (IOException e) {
                    throw new SocketException(e.getMessage(), e);
                }
            }
            return channel;
        }
    }

    /** Resolves {@code host} as the JDK's socket does, without stalling the hub ({@link HostNames#socketAddress}). */
    private static InetSocketAddress resolve(String host, int port) throws IOException {
        if (host == null) {
            return new InetSocketAddress(InetAddress.getByName(null), port);
        }
        return HostNames.socketAddress(host, port, true);
    }

    // ---- connect and bind ----

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
        connect(endpoint, 0);
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        if (endpoint == null) {
            throw new IllegalArgumentException("connect: The address can't be null");
        }
        if (timeout < 0) {
            throw new IllegalArgumentException("connect: timeout can't be negative");
        }
        int s = state;
        if ((s & CLOSED) != 0) {
            throw new SocketException("Socket is closed");
        }
        if ((s & CONNECTED) != 0) {
            throw new SocketException("Already connected");
        }
        if (!(endpoint instanceof InetSocketAddress target)) {
            throw new IllegalArgumentException("Unsupported address type");
        }
        try {
            if (target.isUnresolved()) {
                throw new UnknownHostException(target.getHostName());
            }
            long deadline = Deadlines.afterTimeoutMillis(timeout);
            readLock.lock();
            try {
                SocketChannel channel = channel();
                boolean connected = channel.connect(target);
                while (!connected) {
                    if (!Readiness.await(channel, SelectionKey.OP_CONNECT, deadline, writing, false)) {
                        throw new SocketTimeoutException("Connect timed out");
                    }
                    connected = channel.finishConnect();
                }
            } finally {
                readLock.unlock();
            }
            remote = target;
            localPort = ((InetSocketAddress) channel().getLocalAddress()).getPort();
            setState(CONNECTED | BOUND);
        } catch (IOException e) {
            if (e instanceof ClosedByInterruptException) {
                closeForInterrupt();
            }
            IOException reported = closedAsSocketException(e);
            try {
                close();
            } catch (IOException suppressed) {
                reported.addSuppressed(suppressed);
            }
            throw reported;
        }
    }

    @Override
    public void bind(SocketAddress bindpoint) throws IOException {
        int s = state;
        if ((s & CLOSED) != 0) {
            throw new SocketException("Socket is closed");
        }
        if ((s & BOUND) != 0) {
            throw new SocketException("Already bound");
        }
        if (bindpoint != null && !(bindpoint instanceof InetSocketAddress)) {
            throw new IllegalArgumentException("Unsupported address type");
        }
        InetSocketAddress local = (InetSocketAddress) bindpoint;
        if (local != null && local.isUnresolved()) {
            throw new SocketException("Unresolved address");
        }
        try {
            SocketChannel channel = channel();
            channel.bind(local != null ? local : new InetSocketAddress(0));
            localPort = ((InetSocketAddress) channel.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw closedAsSocketException(e);
        }
        setState(BOUND);
    }

    // ---- addresses: the JDK's socket keeps answering after close, so these come from what was cached ----

    @Override
    public InetAddress getInetAddress() {
        InetSocketAddress r = remote;
        return isConnected() && r != null ? r.getAddress() : null;
    }

    @Override
    public InetAddress getLocalAddress() {
        InetAddress any = new InetSocketAddress(0).getAddress();
        if (!isBound()) {
            return any;
        }
        try {
            InetAddress local = ((InetSocketAddress) channel().getLocalAddress()).getAddress();
            return local.isAnyLocalAddress() ? any : local;
        } catch (IOException | RuntimeException closed) {
            return any;
        }
    }

    @Override
    public int getPort() {
        InetSocketAddress r = remote;
        return isConnected() && r != null ? r.getPort() : 0;
    }

    @Override
    public int getLocalPort() {
        return isBound() ? localPort : -1;
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return isConnected() ? new InetSocketAddress(getInetAddress(), getPort()) : null;
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return isBound() ? new InetSocketAddress(getLocalAddress(), getLocalPort()) : null;
    }

    /** {@code null}: the channel underneath is this socket's own business (it is always non-blocking). */
    @Override
    public SocketChannel getChannel() {
        return null;
    }

    // ---- streams ----

    @Override
    public InputStream getInputStream() throws IOException {
        int s = state;
        if ((s & CLOSED) != 0) {
            throw new SocketException("Socket is closed");
        }
        if ((s & CONNECTED) == 0) {
            throw new SocketException("Socket is not connected");
        }
        if ((s & SHUT_IN) != 0) {
            throw new SocketException("Socket input is shutdown");
        }
        InputStream stream = in;
        if (stream == null) {
            synchronized (stateLock) {
                if (in == null) {
                    in = new GreenInputStream();
                }
                stream = in;
            }
        }
        return stream;
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        int s = state;
        if ((s & CLOSED) != 0) {
            throw new SocketException("Socket is closed");
        }
        if ((s & CONNECTED) == 0) {
            throw new SocketException("Socket is not connected");
        }
        if ((s & SHUT_OUT) != 0) {
            throw new SocketException("Socket output is shutdown");
        }
        OutputStream stream = out;
        if (stream == null) {
            synchronized (stateLock) {
                if (out == null) {
                    out = new GreenOutputStream();
                }
                stream = out;
            }
        }
        return stream;
    }

    private final class GreenInputStream extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n > 0 ? one[0] & 0xff : -1;
        }

        @Override
        public int read(byte[] b) throws IOException {
            return GreenSocket.this.read(b, 0, b.length);   // not through InputStream's: a frame less under each park
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return GreenSocket.this.read(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return GreenSocket.this.available();
        }

        @Override
        public void close() throws IOException {
            GreenSocket.this.close();
        }
    }

    private final class GreenOutputStream extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b) throws IOException {
            GreenSocket.this.write(b, 0, b.length);   // not through OutputStream's: a frame less under each park
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            GreenSocket.this.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            GreenSocket.this.close();
        }
    }

    private int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        long deadline = options.lockWithinTimeout(readLock, "Read timed out");
        try {
            if (readEof) {
                return -1;   // the JDK's legacy behaviour: -1 again, even once closed
            }
            ensureOpenAndConnected();
            if (connectionReset) {
                throw new SocketException("Connection reset");
            }
            if (peeked != null) {
                int n = Math.min(peeked.remaining(), Math.min(len, MAX_TRANSFER));
                peeked.get(b, off, n);
                if (!peeked.hasRemaining()) {
                    peeked = null;
                }
                return n;
            }
            // after a read that emptied the socket (a request, a reply) the next one nearly always finds nothing: a
            // green thread then waits for the hub's selector first rather than make a read that fails, as Netty stops
            // reading after a short read. Data that came meanwhile is reported at the hub's next select. The array is
            // wrapped only to read: a reader parked on its first wait holds no buffer (10,000 idle connections: 0.5 MB).
            // One call of Readiness.await, not one per case: the JIT inlines it, and a parked thread's frame grows
            // with each copy (the stack chunk of every parked reader).
            boolean waitFirst = readDrained && Hub.current() != null;
            readDrained = false;
            ByteBuffer buffer = null;
            while (true) {
                if (!waitFirst) {
                    if (buffer == null) {
                        buffer = ByteBuffer.wrap(b, off, Math.min(len, MAX_TRANSFER));
                    }
                    int n = channel.read(buffer);
                    if (n != 0) {
                        if (n < 0) {
                            readEof = true;
                        } else {
                            readDrained = buffer.hasRemaining();
                        }
                        return n;
                    }
                }
                boolean ready = Readiness.await(channel, SelectionKey.OP_READ, deadline, reading, false);
                if (!ready && !waitFirst) {
                    throw new SocketTimeoutException("Read timed out");
                }
                waitFirst = false;   // a first wait that timed out still reads once: the bytes may have been there
            }
        } catch (SocketException e) {
            if ("Connection reset".equals(e.getMessage())) {
                connectionReset = true;
            }
            throw e;
        } catch (IOException e) {
            throw asSocketException(e);
        } finally {
            readLock.unlock();
        }
    }

    private int available() throws IOException {
        readLock.lock();
        try {
            if ((state & CLOSED) != 0) {
                throw new SocketException("Socket closed");
            }
            if (readEof || (state & SHUT_IN) != 0) {
                return 0;
            }
            if (peeked == null) {
                ByteBuffer buffer = ByteBuffer.allocate(8192);
                int n = channel.read(buffer);   // non-blocking: takes only what has arrived
                if (n < 0) {
                    readEof = true;
                    return 0;
                }
                if (n == 0) {
                    return 0;
                }
                peeked = buffer.flip();
            }
            return peeked.remaining();
        } catch (IOException e) {
            throw asSocketException(e);
        } finally {
            readLock.unlock();
        }
    }

    private void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return;
        }
        writeLock.lock();
        try {
            ensureOpenAndConnected();
            ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
            while (buffer.hasRemaining()) {
                int limit = buffer.limit();
                buffer.limit(Math.min(limit, buffer.position() + MAX_TRANSFER));
                int n = channel.write(buffer);
                buffer.limit(limit);
                if (n == 0 && !Readiness.await(channel, SelectionKey.OP_WRITE, Deadlines.NO_DEADLINE, writing, false)) {
                    throw new IllegalStateException("a write wait without deadline timed out");
                }
            }
        } catch (IOException e) {
            throw asSocketException(e);
        } finally {
            writeLock.unlock();
        }
    }

    private void ensureOpenAndConnected() throws SocketException {
        int s = state;
        if ((s & CONNECTED) == 0) {
            throw new SocketException("Not connected");
        }
        if ((s & CLOSED) != 0 || !channel.isOpen()) {
            throw new SocketException("Socket closed");
        }
    }

    /**
     * The JDK's socket reports I/O failures as {@link SocketException}s: a close by another thread as
     * {@code "Socket closed"}, an interrupt of a virtual thread as {@code "Closed by interrupt"}.
     */
    private IOException asSocketException(IOException e) {
        if (e instanceof SocketException || e instanceof SocketTimeoutException) {
            return e;
        }
        if (e instanceof ClosedByInterruptException) {
            closeForInterrupt();
        }
        IOException closed = closedAsSocketException(e);
        if (closed != e) {
            return closed;
        }
        SocketException se = new SocketException(e.getMessage());
        se.initCause(e);
        return se;
    }

    /** The channel was closed for an interrupt, as the JDK does on a virtual thread: so is this socket. */
    private void closeForInterrupt() {
        try {
            close();
        } catch (IOException alreadyClosed) {
            // the channel is closed already; only the state remained to record
        }
    }

    private static IOException closedAsSocketException(IOException e) {
        if (e instanceof ClosedByInterruptException) {
            return new SocketException("Closed by interrupt");
        }
        if (e instanceof AsynchronousCloseException || e instanceof ClosedChannelException) {
            return new SocketException("Socket closed");
        }
        return e;
    }

    private void setState(int bits) {
        synchronized (stateLock) {
            state |= bits;
        }
    }

    // ---- options ----

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        options.set(StandardSocketOptions.TCP_NODELAY, on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        return options.get(StandardSocketOptions.TCP_NODELAY);
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        options.ensureNotClosed();
        if (!on) {
            options.set(StandardSocketOptions.SO_LINGER, -1);
            return;
        }
        if (linger < 0) {
            throw new IllegalArgumentException("invalid value for SO_LINGER");
        }
        options.set(StandardSocketOptions.SO_LINGER, Math.min(linger, 65535));
    }

    @Override
    public int getSoLinger() throws SocketException {
        return options.get(StandardSocketOptions.SO_LINGER);
    }

    @Override
    public void sendUrgentData(int data) throws IOException {
        throw new SocketException("Urgent data not supported");
    }

    @Override
    public void setOOBInline(boolean on) throws SocketException {
        options.ensureNotClosed();
        if (on) {
            throw new SocketException("SO_OOBINLINE not supported");
        }
    }

    @Override
    public boolean getOOBInline() throws SocketException {
        options.ensureNotClosed();
        return false;
    }

    /** Sets the read timeout: a read that waits longer throws {@link SocketTimeoutException}; 0 waits forever. */
    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        options.setTimeout(timeout, "timeout can't be negative");
    }

    @Override
    public int getSoTimeout() throws SocketException {
        return options.timeout();
    }

    @Override
    public void setSendBufferSize(int size) throws SocketException {
        options.setBufferSize(StandardSocketOptions.SO_SNDBUF, size, "negative send size");
    }

    @Override
    public int getSendBufferSize() throws SocketException {
        return options.get(StandardSocketOptions.SO_SNDBUF);
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        options.setBufferSize(StandardSocketOptions.SO_RCVBUF, size, "invalid receive size");
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return options.get(StandardSocketOptions.SO_RCVBUF);
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        options.set(StandardSocketOptions.SO_KEEPALIVE, on);
    }

    @Override
    public boolean getKeepAlive() throws SocketException {
        return options.get(StandardSocketOptions.SO_KEEPALIVE);
    }

    @Override
    public void setTrafficClass(int tc) throws SocketException {
        if (tc < 0 || tc > 255) {
            throw new IllegalArgumentException("tc is not in range 0 -- 255");
        }
        options.set(StandardSocketOptions.IP_TOS, tc);
    }

    @Override
    public int getTrafficClass() throws SocketException {
        return options.get(StandardSocketOptions.IP_TOS);
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
        options.set(StandardSocketOptions.SO_REUSEADDR, on);
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
        return options.get(StandardSocketOptions.SO_REUSEADDR);
    }

    @Override
    public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
        options.set(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return options.get(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        try {
            return channel().supportedOptions();
        } catch (SocketException e) {
            return Set.of();   // as the JDK's socket when it cannot make its descriptor
        }
    }


    // ---- closing and state ----

    /**
     * Closes the socket, waking any thread blocked on it (it throws {@code SocketException("Socket closed")}).
     */
    @Override
    public void close() throws IOException {
        synchronized (stateLock) {
            if ((state & CLOSED) != 0) {
                return;
            }
            state |= CLOSED;
        }
        SocketChannel c = channel;   // made under stateLock only while not closed, so this is final now
        if (c == null) {
            return;
        }
        try {
            c.close();
        } finally {
            reading.wake();
            writing.wake();
            Readiness.releaseHubs(c, reading, writing);
        }
    }

    @Override
    public void shutdownInput() throws IOException {
        checkShutdown(SHUT_IN, "Socket input is already shutdown");
        try {
            channel.shutdownInput();
        } catch (IOException e) {
            throw asSocketException(e);
        }
        setState(SHUT_IN);
    }

    @Override
    public void shutdownOutput() throws IOException {
        checkShutdown(SHUT_OUT, "Socket output is already shutdown");
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            throw asSocketException(e);
        }
        setState(SHUT_OUT);
    }

    private void checkShutdown(int bit, String already) throws SocketException {
        int s = state;
        if ((s & CLOSED) != 0) {
            throw new SocketException("Socket is closed");
        }
        if ((s & CONNECTED) == 0) {
            throw new SocketException("Socket is not connected");
        }
        if ((s & bit) != 0) {
            throw new SocketException(already);
        }
    }

    @Override
    public String toString() {
        if (isConnected()) {
            return "Socket[addr=" + getInetAddress() + ",port=" + getPort() + ",localport=" + getLocalPort() + "]";
        }
        return "Socket[unconnected]";
    }

    @Override
    public boolean isConnected() {
        return (state & CONNECTED) != 0;
    }

    @Override
    public boolean isBound() {
        return (state & BOUND) != 0;
    }

    @Override
    public boolean isClosed() {
        return (state & CLOSED) != 0;
    }

    @Override
    public boolean isInputShutdown() {
        return (state & SHUT_IN) != 0;
    }

    @Override
    public boolean isOutputShutdown() {
        return (state & SHUT_OUT) != 0;
    }

    @Override
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        // as the JDK's socket: no effect
    }
}
