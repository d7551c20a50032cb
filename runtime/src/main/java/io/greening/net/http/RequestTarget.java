package io.greening.net.http;

/**
 * A request target checked against RFC 9112 section 3.2, split into what a handler routes on. The four forms:
 * origin ({@code /path?query}), absolute ({@code http://host/path?query}, which a server must accept; its
 * authority then stands for the Host header), authority ({@code host:port}, CONNECT only) and asterisk
 * ({@code *}, OPTIONS only). No form may hold a control character, a space or DEL; bytes from 0x80 up are
 * kept as they came (raw UTF-8 in paths, which some clients send).
 *
 * @param authority the host and port of an absolute or authority form, else {@code null}
 * @param path the path ({@code /} for an absolute form without one), {@code *}, or the authority for CONNECT
 * @param query what follows the first {@code ?}, or {@code null}
 */
record RequestTarget(String authority, String path, String query) {

    /** {@code target} of a {@code method} request, or {@code null} if it is malformed. */
    static RequestTarget parse(String method, String target) {
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= ' ' || c == 127) {
                return null;
            }
        }
        if (method.equals("CONNECT")) {
            return isHost(target) && target.lastIndexOf(':') > target.lastIndexOf(']') ? new RequestTarget(target, target, null) : null;
        }
        if (target.equals("*")) {
            return method.equals("OPTIONS") ? new RequestTarget(null, "*", null) : null;
        }
        if (target.startsWith("/")) {
            return split(null, target);
        }
        int schemeEnd = schemeEnd(target);
        if (schemeEnd < 0 || !target.startsWith("//", schemeEnd + 1)) {
            return null;
        }
        int authorityStart = schemeEnd + 3;
        int authorityEnd = authorityStart;
        while (authorityEnd < target.length() && "/?#".indexOf(target.charAt(authorityEnd)) < 0) {
            authorityEnd++;
        }
        String authority = target.substring(authorityStart, authorityEnd);
        if (authority.isEmpty() || !isHost(authority)) {   // no userinfo: RFC 9110 section 4.2.4
            return null;
        }
        String rest = target.substring(authorityEnd);
        return split(authority, rest.startsWith("/") ? rest : "/" + rest);
    }

    private static RequestTarget split(String authority, String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? new RequestTarget(authority, pathAndQuery, null)
                : new RequestTarget(authority, pathAndQuery.substring(0, q), pathAndQuery.substring(q + 1));
    }

    /** The index of the {@code :} ending an RFC 3986 scheme at the start of {@code s}, or -1. */
    private static int schemeEnd(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ':') {
                return i > 0 ? i : -1;
            }
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            if (!letter && (i == 0 || !((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))) {
                return -1;
            }
        }
        return -1;
    }

    /**
     * Whether {@code host} is a Host header value as RFC 9112 section 3.2 has it: {@code uri-host [":" port]}, a
     * bracketed IP literal or a reg-name (letters, digits, {@code -._~!$&'()*+,;=} and %-escapes), or empty (for a
     * target without an authority). No space, {@code @} or control character.
     */
    static boolean isHost(String host) {
        if (host.isEmpty()) {
            return true;
        }
        int i = 0;
        if (host.charAt(0) == '[') {
            int close = host.indexOf(']');
            if (close < 2) {
                return false;
            }
            for (i = 1; i < close; i++) {
                char c = host.charAt(i);
                if (c != ':' && !isUnreserved(c) && !isSubDelim(c)) {
                    return false;
                }
            }
            i = close + 1;
        } else {
            while (i < host.length() && host.charAt(i) != ':') {
                char c = host.charAt(i);
                if (c == '%') {
                    if (i + 2 >= host.length() || !isHex(host.charAt(i + 1)) || !isHex(host.charAt(i + 2))) {
                        return false;
                    }
                    i += 3;
                } else if (isUnreserved(c) || isSubDelim(c)) {
                    i++;
                } else {
                    return false;
                }
            }
            if (i == 0) {
                return false;   // a port without a host
            }
        }
        if (i == host.length()) {
            return true;
        }
        if (host.charAt(i) != ':' || host.length() - i - 1 > 5) {
            return false;
        }
        for (int p = i + 1; p < host.length(); p++) {
            if (host.charAt(p) < '0' || host.charAt(p) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isUnreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                || c == '_' || c == '~';
    }

    private static boolean isSubDelim(char c) {
        return "!$&'()*+,;=".indexOf(c) >= 0;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
