package io.greening.net.http;

import io.greening.Green;
import io.greening.GreenThread;
import io.greening.Hub;
import io.greening.net.GreenConnection;
import io.greening.net.GreenServer;
import io.greening.sync.GreenPool;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An HTTP/1.1 server on the hub, the counterpart of {@code eventlet.wsgi.server}: a {@link GreenServer} whose
 * connections each run a green thread that reads requests one after another (keep-alive, pipelining), calls
 * the {@link HttpHandler}, and writes the responses. Request bodies may be {@code Content-Length} or chunked;
 * responses without a length go out chunked.
 *
 * <p>Limits protect the server: a malformed request gets a 400 (an unsupported version 505, an unsupported
 * transfer coding 501), a request line over {@link #maxRequestLineBytes} a 414, a header section over
 * {@link #maxHeaderBytes} a 431, a body over {@link #maxBodyBytes} a 413; then the connection half-closes and
 * reads what the client still sends for up to 2 s (a lingering close: closing with unread input would reset
 * the connection and could destroy the answer), then closes. Malformed includes a control character in the
 * request target or a header, a Host header that is not {@code host[:port]}, and chunked framing that strays
 * from RFC 9112 section 7.1 (a bare LF, whitespace before or after the chunk size): a proxy in front that
 * framed such bytes differently could smuggle a request past it. A connection idle between requests longer than
 * {@link #idleTimeout} is closed, as is one that takes longer than {@link #requestTimeout} for a read or write
 * within a request. At most {@link #maxConnections} are served at once. A connection lets the others run
 * between pipelined requests and after each 64 KiB it reads or writes, so none holds the hub. None of this affects other
 * connections.
 *
 * <pre>{@code
 * GreenHttpServer server = new GreenHttpServer(new InetSocketAddress(8080),
 *         (request, response) -> response.send(200, "hello world\n")).start();
 * }</pre>
 */
public final class GreenHttpServer implements AutoCloseable {
    /** The limits a connection is served under. */
    record Limits(int maxRequestLineBytes, int maxHeaderBytes, long maxBodyBytes, Duration idleTimeout, Duration requestTimeout) {
    }

    /**
     * The connections waiting for their next request, which a stopping server closes at once rather than
     * waiting for their idle timeout (as eventlet.wsgi does).
     */
    static final class IdleConnections {
        private final Set<GreenThread<?>> waiting = ConcurrentHashMap.newKeySet();
        private volatile boolean stopping;

        /** Marks the current connection idle; false if the server stops (the connection should close). */
        boolean enter() {
            waiting.add(Green.current());
            if (stopping) {
                waiting.remove(Green.current());
                return false;
            }
            return true;
        }

        void leave() {
            waiting.remove(Green.current());
        }

        void closeAll() {
            stopping = true;
            for (GreenThread<?> connection : waiting) {
                connection.kill();
            }
        }
    }

    private final IdleConnections idle = new IdleConnections();
    private final SocketAddress address;
    private final HttpHandler handler;
    private int maxRequestLineBytes = 8 * 1024;
    private int maxHeaderBytes = 64 * 1024;
    private long maxBodyBytes = 10L * 1024 * 1024;
    private Duration idleTimeout = Duration.ofSeconds(60);
    private Duration requestTimeout = Duration.ofSeconds(60);
    private int maxConnections = 10_000;
    private GreenPool pool;
    private GreenServer server;

    /** A server on {@code address} (port 0: any free port) calling {@code handler} for each request. */
    public GreenHttpServer(SocketAddress address, HttpHandler handler) {
        this.address = address;
        this.handler = handler;
    }

    /** The longest request line accepted, in bytes (default 8 KiB); longer gets a 414. */
    public GreenHttpServer maxRequestLineBytes(int bytes) {
        checkNotStarted();
        this.maxRequestLineBytes = positive(bytes);
        return this;
    }

    /** The largest header section accepted, in bytes (default 64 KiB); larger gets a 431. */
    public GreenHttpServer maxHeaderBytes(int bytes) {
        checkNotStarted();
        this.maxHeaderBytes = positive(bytes);
        return this;
    }

    /** The largest request body accepted, in bytes (default 10 MiB); larger gets a 413. */
    public GreenHttpServer maxBodyBytes(long bytes) {
        checkNotStarted();
        if (bytes < 0) {
            throw new IllegalArgumentException("negative limit " + bytes);
        }
        this.maxBodyBytes = bytes;
        return this;
    }

    /** How long a kept-alive connection may stay idle waiting for its next request (default 60 s). */
    public GreenHttpServer idleTimeout(Duration timeout) {
        checkNotStarted();
        this.idleTimeout = timeout;
        return this;
    }

    /** How long any read or write within a request may wait (default 60 s). */
    public GreenHttpServer requestTimeout(Duration timeout) {
        checkNotStarted();
        this.requestTimeout = timeout;
        return this;
    }

    /**
     * The most connections served at once (default 10,000); further ones wait in the listen backlog until one
     * ends. An idle connection holds no buffer, but one in the middle of a request holds up to
     * {@code max(8 KiB, maxRequestLineBytes)} of input and 16 KiB of output buffer, so the default bounds those to
     * about 250 MB; set it from the heap the server may use. A {@link #pool} replaces it.
     */
    public GreenHttpServer maxConnections(int connections) {
        checkNotStarted();
        this.maxConnections = positive(connections);
        return this;
    }

    /** Serves at most {@code pool}'s size of connections at once, instead of {@link #maxConnections}. */
    public GreenHttpServer pool(GreenPool pool) {
        checkNotStarted();
        this.pool = pool;
        return this;
    }

    private static int positive(int bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("limit must be positive: " + bytes);
        }
        return bytes;
    }

    private void checkNotStarted() {
        if (server != null) {
            throw new IllegalStateException("server already started");
        }
    }

    /** Binds and starts serving on the current hub (or the shared hub off any hub); returns once bound. */
    public synchronized GreenHttpServer start() throws IOException {
        Hub hub = Hub.current();
        return start(hub != null ? hub : Hub.shared());
    }

    /** Binds and starts serving on {@code hub}; returns once bound. */
    public synchronized GreenHttpServer start(Hub hub) throws IOException {
        checkNotStarted();
        Limits limits = new Limits(maxRequestLineBytes, maxHeaderBytes, maxBodyBytes, idleTimeout, requestTimeout);
        HttpConnection.Buffers buffers = new HttpConnection.Buffers(limits);
        GreenServer.Handler serve = (GreenConnection c) -> new HttpConnection(c, handler, limits, idle, buffers).serve();
        server = (pool != null ? new GreenServer(address, serve, pool) : new GreenServer(address, serve, maxConnections)).start(hub);
        return this;
    }

    /** The address it listens on. */
    public InetSocketAddress address() {
        return started().address();
    }

    /** How many connections are open now. */
    public int connections() {
        return started().connections();
    }

    /**
     * Stops accepting and closes the idle kept-alive connections, lets the requests under way finish for at most
     * {@code timeout} (their connections then close), then kills what is left.
     *
     * @return whether every connection ended by itself within {@code timeout}
     */
    public boolean stop(Duration timeout) {
        GreenServer running = started();
        idle.closeAll();
        return running.stop(timeout);
    }

    /** Stops at once: {@code stop(Duration.ZERO)}. */
    @Override
    public void close() {
        stop(Duration.ZERO);
    }

    private synchronized GreenServer started() {
        if (server == null) {
            throw new IllegalStateException("server not started");
        }
        return server;
    }
}
