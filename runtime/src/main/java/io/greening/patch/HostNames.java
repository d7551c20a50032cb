package io.greening.patch;

import io.greening.Green;
import io.greening.Hub;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which host strings the JDK answers without a name lookup, so that greening resolves them inline instead of on the
 * offload pool, and how many lookups it did send there.
 *
 * <p>{@code InetAddress.getAllByName} (and so {@code getByName}, {@code new InetSocketAddress(host, port)} and the
 * JDK's sockets) looks a host up only when it is not empty, not in brackets, and either does not start with a hex
 * digit or a colon, or starts with one but parses as neither an IPv4 nor an IPv6 literal and holds no colon (e.g.
 * {@code db1}, {@code example.com}). Every other string is answered by parsing alone: an address, or the JDK's
 * {@code UnknownHostException} for an invalid literal. Where this cannot tell without the JDK's internals (an
 * ambiguous IPv4 form such as {@code 0127.0.0.1}, which the JDK rejects without a lookup) it says "lookup": such a
 * string is merely offloaded, and the JDK's own call gives the same answer there.
 */
final class HostNames {
    /** How many lookups greening has sent to the offload pool (read by the tests). */
    static final AtomicLong OFFLOADED_LOOKUPS = new AtomicLong();
    /** How long a host name counts as fresh in the JDK's name cache after {@link #socketAddress} looked it up. */
    private static final int FRESH_SECONDS = 10;
    private static final ConcurrentHashMap<String, Long> RESOLVED_AT = new ConcurrentHashMap<>();
    /** Lookups under way, so that many green threads connecting to one new name make one lookup. */
    private static final ConcurrentHashMap<String, CompletableFuture<Void>> RESOLVING = new ConcurrentHashMap<>();

    private HostNames() {}

    /** Whether {@code InetAddress.getAllByName(host)} answers without a name lookup (null and empty included). */
    static boolean resolvesWithoutLookup(String host) {
        if (host == null || host.isEmpty() || host.charAt(0) == '[' || host.indexOf(0) >= 0) {
            return true;   // loopback, an IPv6 literal or the JDK's error for a bad one, or its NUL error
        }
        char first = host.charAt(0);
        if (!isAsciiHexDigit(first) && first != ':') {
            return false;
        }
        if (host.indexOf(':') >= 0) {
            return true;   // an IPv6 literal (scoped or IPv4-mapped ones too), or the JDK's error for a bad one
        }
        try {
            InetAddress.ofLiteral(host);   // the parser getAllByName uses, which never looks anything up
            return true;
        } catch (IllegalArgumentException name) {
            return false;
        }
    }

    private static boolean isAsciiHexDigit(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /**
     * {@code new InetSocketAddress(host, port)} (which looks {@code host} up) without stalling the hub: on a green
     * thread a name that was not looked up lately is resolved on the offload pool, once for all the green threads
     * that want it at the same time. A literal address needs no lookup ({@link #resolvesWithoutLookup}) and is parsed
     * inline, and a name resolved in the last {@value #FRESH_SECONDS} seconds is answered by the JDK's own cache (30 s
     * by default), so thousands of connections to one host do not each take a trip to the offload pool.
     *
     * @param host          not null
     * @param interruptible whether an interrupt ends the wait for the lookup (a green socket's connect), or is kept
     *                      for after it as the JDK's constructor does
     * @throws IOException only when {@code interruptible} and the wait was interrupted
     */
    static InetSocketAddress socketAddress(String host, int port, boolean interruptible) throws IOException {
        if (Hub.current() == null || resolvesWithoutLookup(host) || resolvedLately(host)) {
            return new InetSocketAddress(host, port);
        }
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> inFlight = RESOLVING.putIfAbsent(host, mine);
        if (inFlight != null) {
            inFlight.join();   // parks this green thread until the one lookup of the name ends; then the JDK's cache answers
            return new InetSocketAddress(host, port);
        }
        try {
            OFFLOADED_LOOKUPS.incrementAndGet();
            Callable<InetSocketAddress> lookup = () -> new InetSocketAddress(host, port);
            InetSocketAddress resolved = interruptible ? Green.offload(lookup) : Green.offloadUninterruptibly(lookup);
            if (!resolved.isUnresolved()) {
                if (RESOLVED_AT.size() >= 1024) {
                    RESOLVED_AT.clear();   // a bound, not an LRU: a name dropped here is only offloaded once more
                }
                RESOLVED_AT.put(host, System.nanoTime());
            }
            return resolved;
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        } finally {
            RESOLVING.remove(host, mine);
            mine.complete(null);
        }
    }

    private static boolean resolvedLately(String host) {
        Long at = RESOLVED_AT.get(host);
        return at != null && System.nanoTime() - at < TimeUnit.SECONDS.toNanos(FRESH_SECONDS);
    }
}
