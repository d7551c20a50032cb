package io.greening.patch;

import java.net.InetAddress;
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
}
