package io.greening.patch;

import io.greening.internal.Deadlines;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link ServerSocket} whose {@link #accept()} is green and returns {@link GreenSocket}s: on a green thread it
 * waits on the hub's selector, on any other thread on a pooled selector. Built over a {@link ServerSocketChannel}
 * kept in non-blocking mode and never exposed ({@link #getChannel()} is {@code null}, as for a plain
 * {@code new ServerSocket()}). It keeps the JDK's checks, messages and {@link #setSoTimeout} behaviour
 * ({@code SocketTimeoutException("Accept timed out")}); closing it wakes a blocked accept with
 * {@code SocketException("Socket closed")}. The agent redirects {@code new ServerSocket(...)} in selected code here.
 */
public class GreenServerSocket extends ServerSocket {
    private final ServerSocketChannel channel;
    private final ReentrantLock acceptLock = new ReentrantLock();
    private final Readiness.Side accepting = new Readiness.Side();
    private final Object stateLock = new Object();
    private volatile boolean bound;
    private volatile boolean closed;
    private final SocketOptions options = new SocketOptions() {
        @Override
        NetworkChannel channel() throws SocketException {
            return GreenServerSocket.this.channel();
        }

        @Override
        boolean socketClosed() {
            return isClosed();
        }
    };
    /** The address it was bound to as given (the JDK reports it so, not the wildcard the system picked). */
    private volatile InetAddress boundAddress;
    private volatile int localPort = -1;

    /** An unbound server socket, as {@link ServerSocket#ServerSocket()}. */
    public GreenServerSocket() throws IOException {
        super(Detached.INSTANCE);   // every method is overridden: ServerSocket's own implementation stays unused
        this.channel = ServerSocketChannel.open();
        Readiness.closeWhenUnreachable(this, channel);
        try {
            channel.configureBlocking(false);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    /** A server socket bound to {@code port} on all addresses, as {@link ServerSocket#ServerSocket(int)}. */
    public GreenServerSocket(int port) throws IOException {
        this(port, 50, null);
    }

    /** As {@link ServerSocket#ServerSocket(int, int)}. */
    public GreenServerSocket(int port, int backlog) throws IOException {
        this(port, backlog, null);
    }

    /** As {@link ServerSocket#ServerSocket(int, int, InetAddress)}. */
    public GreenServerSocket(int port, int backlog, InetAddress bindAddr) throws IOException {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("Port value out of range: " + port);
        }
        this();
        try {
            bind(new InetSocketAddress(bindAddr, port), backlog);
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    @Override
    public void bind(SocketAddress endpoint) throws IOException {
        bind(endpoint, 50);
    }

    @Override
    public void bind(SocketAddress endpoint, int backlog) throws IOException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
        if (bound) {
            throw new SocketException("Already bound");
        }
        if (endpoint == null) {
            endpoint = new InetSocketAddress(0);
        }
        if (!(endpoint instanceof InetSocketAddress local)) {
            throw new IllegalArgumentException("Unsupported address type");
        }
        if (local.isUnresolved()) {
            throw new SocketException("Unresolved address");
        }
        try {
            channel.bind(local, backlog < 1 ? 50 : backlog);
            localPort = ((InetSocketAddress) channel.getLocalAddress()).getPort();
        } catch (ClosedChannelException e) {
            throw new SocketException("Socket is closed");
        }
        boundAddress = local.getAddress();
        bound = true;
    }

    @Override
    public InetAddress getInetAddress() {
        return bound ? boundAddress : null;
    }

    @Override
    public int getLocalPort() {
        return bound ? localPort : -1;
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return bound ? new InetSocketAddress(getInetAddress(), getLocalPort()) : null;
    }

    /**
     * Waits for a connection and returns it as a {@link GreenSocket}; green on a green thread.
     *
     * @throws SocketTimeoutException {@code "Accept timed out"} if {@link #setSoTimeout} is set and passes
     * @throws SocketException {@code "Socket closed"} if the server socket is closed meanwhile
     */
    @Override
    public Socket accept() throws IOException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
        if (!bound) {
            throw new SocketException("Socket is not bound yet");
        }
        long deadline = options.lockWithinTimeout(acceptLock, "Accept timed out");
        SocketChannel accepted;
        boolean foundWaiting;
        try {
            accepted = channel.accept();
            foundWaiting = accepted != null;
            while (accepted == null) {
                if (!Readiness.await(channel, SelectionKey.OP_ACCEPT, deadline, accepting, false)) {
                    throw new SocketTimeoutException("Accept timed out");
                }
                accepted = channel.accept();
            }
        } catch (java.nio.channels.ClosedByInterruptException e) {
            try {
                close();
            } catch (IOException alreadyClosed) {
                // the channel is closed already; only the state remained to record
            }
            throw new SocketException("Closed by interrupt");
        } catch (ClosedChannelException e) {
            throw new SocketException("Socket closed");
        } finally {
            acceptLock.unlock();
        }
        GreenSocket socket = new GreenSocket(accepted);
        Readiness.afterAccept(accepting, foundWaiting);   // after the lock: another acceptor may take the next one
        return socket;
    }

    /** Closes it, waking a thread blocked in {@link #accept()}. */
    @Override
    public void close() throws IOException {
        synchronized (stateLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            channel.close();
        } finally {
            accepting.wake();
            Readiness.releaseHubs(channel, accepting);
        }
    }

    /** {@code null}: the channel underneath is this server socket's own business (it is always non-blocking). */
    @Override
    public ServerSocketChannel getChannel() {
        return null;
    }

    @Override
    public boolean isBound() {
        return bound;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    /** Sets the accept timeout: an accept that waits longer throws {@link SocketTimeoutException}; 0 waits forever. */
    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        options.setTimeout(timeout, "timeout < 0");
    }

    @Override
    public int getSoTimeout() throws IOException {
        return options.timeout();
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
    public String toString() {
        if (!bound) {
            return "ServerSocket[unbound]";
        }
        return "ServerSocket[addr=" + getInetAddress() + ",localport=" + getLocalPort() + "]";
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        options.setBufferSize(StandardSocketOptions.SO_RCVBUF, size, "negative receive size");
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return options.get(StandardSocketOptions.SO_RCVBUF);
    }

    @Override
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        // as the JDK's server socket: no effect
    }

    @Override
    public <T> ServerSocket setOption(SocketOption<T> name, T value) throws IOException {
        options.set(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return options.get(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return channel.supportedOptions();
    }

    private ServerSocketChannel channel() {
        return channel;
    }

    /**
     * The implementation handed to {@code ServerSocket}'s constructor, which requires one; never called, since
     * {@link GreenServerSocket} overrides everything that would use it.
     */
    static final class Detached extends SocketImpl {
        static final Detached INSTANCE = new Detached();

        private static UnsupportedOperationException unused() {
            return new UnsupportedOperationException("greening's server socket does not use a SocketImpl");
        }

        @Override protected void create(boolean stream) { throw unused(); }
        @Override protected void connect(String host, int port) { throw unused(); }
        @Override protected void connect(InetAddress address, int port) { throw unused(); }
        @Override protected void connect(SocketAddress address, int timeout) { throw unused(); }
        @Override protected void bind(InetAddress host, int port) { throw unused(); }
        @Override protected void listen(int backlog) { throw unused(); }
        @Override protected void accept(SocketImpl s) { throw unused(); }
        @Override protected InputStream getInputStream() { throw unused(); }
        @Override protected OutputStream getOutputStream() { throw unused(); }
        @Override protected int available() { throw unused(); }
        @Override protected void close() { }
        @Override protected void sendUrgentData(int data) { throw unused(); }
        @Override public void setOption(int optID, Object value) { throw unused(); }
        @Override public Object getOption(int optID) { throw unused(); }
    }
}
