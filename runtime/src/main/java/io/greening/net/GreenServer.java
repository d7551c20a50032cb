package io.greening.net;

import io.greening.Green;
import io.greening.GreenThread;
import io.greening.Hub;
import io.greening.internal.Access;
import io.greening.internal.Deadlines;
import io.greening.internal.LazyLogger;
import io.greening.sync.AsyncResult;
import io.greening.sync.GreenPool;
import io.greening.sync.Group;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * A TCP server that runs a handler in a green thread per connection, gevent's {@code StreamServer} and
 * eventlet's {@code serve(listen(...), handler)}. An accept loop on a hub spawns each handler into a
 * {@link Group}, or into a {@link GreenPool} to cap the connections served at once (the accept loop then waits
 * for a free slot, leaving new connections in the listen backlog). {@link #stop(Duration)} stops accepting,
 * lets the handlers finish for a while, then kills those left. A failing {@code accept()} (out of file
 * descriptors, say) does not stop the server: it logs once, waits with a growing back-off (5 ms to 1 s) and
 * accepts again once it can; the listener stays open.
 *
 * <pre>{@code
 * GreenServer server = new GreenServer(new InetSocketAddress(6000), conn -> {
 *     var in = conn.inputStream();
 *     var out = conn.outputStream();
 *     in.transferTo(out);   // echo
 * }).start();
 * }</pre>
 */
public final class GreenServer implements AutoCloseable {
    private static final System.Logger LOG = LazyLogger.named("io.greening.server");
    /** Connections accepted in a row before the accept loop lets the other green threads run. */
    private static final int ACCEPTS_PER_TURN = 64;

    /** What runs in its own green thread for each accepted connection; the connection is closed after it returns. */
    @FunctionalInterface
    public interface Handler {
        /** Serves one connection. A thrown exception is logged and closes the connection; the server goes on. */
        void handle(GreenConnection connection) throws Exception;
    }

    private final SocketAddress requested;
    private final Handler handler;
    private final GreenPool pool;
    private final int backlog;
    private final int maxConnections;
    private volatile Group handlers;
    private volatile ServerSocketChannel listener;
    private volatile InetSocketAddress bound;
    private volatile GreenThread<?> acceptor;

    /** A server on {@code address} (port 0: any free port) with no limit on connections served at once. */
    public GreenServer(SocketAddress address, Handler handler) {
        this(address, handler, null);
    }

    /**
     * A server on {@code address} serving at most {@code pool}'s size of connections at once ({@code null}: no
     * limit).
     */
    public GreenServer(SocketAddress address, Handler handler, GreenPool pool) {
        this(address, handler, pool, 1024);
    }

    /** As {@link #GreenServer(SocketAddress, Handler, GreenPool)}, with a listen backlog of {@code backlog}. */
    public GreenServer(SocketAddress address, Handler handler, GreenPool pool, int backlog) {
        this(address, handler, pool, 0, backlog);
    }

    /**
     * A server on {@code address} serving at most {@code maxConnections} connections at once (in a
     * {@link GreenPool} of that size, made on the server's hub); further connections wait in the listen backlog
     * until one ends.
     *
     * @throws IllegalArgumentException if {@code maxConnections} is not positive
     */
    public GreenServer(SocketAddress address, Handler handler, int maxConnections) {
        this(address, handler, null, requirePositive(maxConnections), 1024);
    }

    private GreenServer(SocketAddress address, Handler handler, GreenPool pool, int maxConnections, int backlog) {
        this.requested = address;
        this.handler = handler;
        this.pool = pool;
        this.maxConnections = maxConnections;
        this.backlog = backlog;
    }

    private static int requirePositive(int maxConnections) {
        if (maxConnections <= 0) {
            throw new IllegalArgumentException("maxConnections must be positive: " + maxConnections);
        }
        return maxConnections;
    }

    /**
     * Binds and starts accepting, on the current hub if called on a green thread, else on the
     * {@linkplain Hub#shared() shared hub}. Returns once bound.
     *
     * @throws IOException if it cannot bind
     * @throws IllegalStateException if it was started before
     */
    public synchronized GreenServer start() throws IOException {
        Hub hub = Hub.current();
        return start(hub != null ? hub : Hub.shared());
    }

    /** Binds and starts accepting on {@code hub}; see {@link #start()}. */
    public synchronized GreenServer start(Hub hub) throws IOException {
        if (listener != null) {
            throw new IllegalStateException("server already started");
        }
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(requested, backlog);
            channel.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        listener = channel;
        bound = (InetSocketAddress) channel.getLocalAddress();
        AsyncResult<Group> ready = new AsyncResult<>();
        acceptor = hub.spawn(() -> {
            acceptLoop(channel, ready);
            return null;
        });
        handlers = ready.get();
        return this;
    }

    /** Starts if needed and waits until the server is stopped (eventlet's {@code serve}). */
    public void serveForever() throws IOException {
        GreenThread<?> loop;
        synchronized (this) {
            if (listener == null) {
                start();
            }
            loop = acceptor;
        }
        loop.join();
    }

    private void acceptLoop(ServerSocketChannel channel, AsyncResult<Group> ready) throws IOException {
        Group group = pool != null ? pool : maxConnections > 0 ? new GreenPool(maxConnections) : new Group();   // made here so that this hub owns it
        ready.set(group);
        AcceptBackoff backoff = new AcceptBackoff();
        backoff.prepare();
        int acceptedThisTurn = 0;
        try {
            while (true) {
                SocketChannel accepted;
                try {
                    accepted = channel.accept();
                } catch (ClosedChannelException closed) {
                    return;   // stopped
                } catch (IOException e) {   // EMFILE, ENFILE, ENOBUFS, a connection aborted in the backlog...
                    backoff.failed(this, e);
                    continue;
                }
                if (accepted == null) {
                    acceptedThisTurn = 0;
                    // the hub it runs on now: in a group of hubs it may move
                    Access.greening().io(Hub.current()).awaitReady(channel, SelectionKey.OP_ACCEPT, Deadlines.NO_DEADLINE);
                    continue;
                }
                backoff.succeeded(this);
                if (++acceptedThisTurn == ACCEPTS_PER_TURN) {   // a flood of connections does not hold the hub
                    acceptedThisTurn = 0;
                    Green.cede();
                }
                try {
                    accepted.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    GreenConnection connection = new GreenConnection(accepted);
                    group.spawn(() -> serve(connection));
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "could not serve an accepted connection", e);
                    accepted.close();
                }
            }
        } finally {
            try {
                // A channel's socket stays open, and accepting, while a selector still holds its cancelled key.
                Access.greening().forget(channel);
            } finally {
                channel.close();
            }
        }
    }

    /**
     * What the accept loop does when {@code accept()} fails, as Go's {@code net/http} does: the failure is most
     * often passing (out of file descriptors until connections close), so it waits, doubling the wait from 5 ms
     * up to 1 s, and tries again, keeping the listener open. It warns once, at the first failure, and says once
     * when accepting works again; failures and recoveries within {@link #QUIET} of that warning (a server at its
     * descriptor limit flaps) are logged at debug level only.
     */
    private static final class AcceptBackoff {
        private static final long FIRST_MILLIS = 5;
        private static final long MAX_MILLIS = 1000;
        private static final Duration QUIET = Duration.ofMinutes(1);
        private long waitMillis;
        private long failures;
        private long warnedAt;
        private boolean warned;
        private boolean recoveryToTell;

        /**
         * Runs the wait once, 1 ns long, while descriptors are free: out of them, loading a class from a directory
         * fails, and a first wait would end the loop with a {@link NoClassDefFoundError}.
         */
        void prepare() {
            Green.sleep(Duration.ofNanos(1));
        }

        void failed(GreenServer server, IOException e) {
            failures++;
            if (!warned || System.nanoTime() - warnedAt > QUIET.toNanos()) {
                warned = true;
                warnedAt = System.nanoTime();
                recoveryToTell = true;
                LOG.log(System.Logger.Level.WARNING, server + ": accept failed, retrying with back-off until it succeeds"
                        + " (failures in the next minute are logged at debug level): " + e, e);
            } else {
                LOG.log(System.Logger.Level.DEBUG, server + ": accept failed again: " + e);
            }
            waitMillis = waitMillis == 0 ? FIRST_MILLIS : Math.min(MAX_MILLIS, waitMillis * 2);
            Green.sleep(waitMillis);
        }

        void succeeded(GreenServer server) {
            if (failures > 0) {
                LOG.log(recoveryToTell ? System.Logger.Level.INFO : System.Logger.Level.DEBUG,
                        server + ": accepting again after " + failures + " failed accepts");
                recoveryToTell = false;
                failures = 0;
                waitMillis = 0;
            }
        }
    }

    private void serve(GreenConnection connection) {
        try (connection) {
            handler.handle(connection);
        } catch (Exception e) {   // a kill (an Error) passes through: the thread dies of it
            LOG.log(System.Logger.Level.DEBUG, "handler failed on " + connection, e);
        }
    }

    /** The address it listens on (with the actual port when bound to port 0), also once stopped. */
    public InetSocketAddress address() {
        InetSocketAddress address = bound;
        if (address == null) {
            throw new IllegalStateException("server not started");
        }
        return address;
    }

    /** How many connections are being served now. */
    public int connections() {
        Group group = handlers;
        return group == null ? 0 : group.count();
    }

    /**
     * Stops accepting (closing the listening socket at once), waits at most {@code timeout} for the connections
     * being served to finish, then kills the handlers left and waits for them to end. Safe from any thread, and
     * more than once.
     *
     * @return whether every handler finished by itself within {@code timeout}
     */
    public boolean stop(Duration timeout) {
        GreenThread<?> loop = acceptor;
        Group group = handlers;
        if (loop == null) {
            return true;
        }
        loop.kill();
        loop.join();
        if (group.join(timeout)) {
            return true;
        }
        group.killAll();
        group.join();
        return false;
    }

    /** Stops at once, killing the handlers: {@code stop(Duration.ZERO)}. */
    @Override
    public void close() {
        stop(Duration.ZERO);
    }

    @Override
    public String toString() {
        return "GreenServer[" + requested + "]";
    }
}
