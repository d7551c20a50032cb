package io.greening.net.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;

/**
 * An HTTP request as received and checked (a malformed one never reaches a handler): request line, headers, and a body stream that decodes {@code Content-Length}
 * or chunked framing and enforces the server's body size limit (a larger body makes reads fail and the server
 * answer 413).
 */
public final class HttpRequest {
    private final String method;
    private final String target;
    private final RequestTarget parsed;
    private final String version;
    private final Headers headers;
    private final InputStream body;
    private final InetSocketAddress remote;

    HttpRequest(String method, String target, RequestTarget parsed, String version, Headers headers, InputStream body,
                InetSocketAddress remote) {
        this.method = method;
        this.target = target;
        this.parsed = parsed;
        this.version = version;
        this.headers = headers;
        this.body = body;
        this.remote = remote;
    }

    /** The method, e.g. {@code GET}. */
    public String method() {
        return method;
    }

    /**
     * The request target as sent, e.g. {@code /path?x=1}, or {@code http://host/path?x=1} in absolute form
     * (whose host then also stands in the {@code Host} header, as RFC 9112 section 3.2.2 says).
     */
    public String target() {
        return target;
    }

    /**
     * The path part of the target (before {@code ?}), also for an absolute-form target ({@code /} if it has
     * none); {@code *} for {@code OPTIONS *}; the target itself for {@code CONNECT}.
     */
    public String path() {
        return parsed.path();
    }

    /** The query part of the target (after {@code ?}), or {@code null}. */
    public String query() {
        return parsed.query();
    }

    /** The protocol version, {@code HTTP/1.1} or {@code HTTP/1.0}. */
    public String version() {
        return version;
    }

    /** The header fields. */
    public Headers headers() {
        return headers;
    }

    /** The body, decoded from its framing; empty if there is none. What the handler leaves unread is skipped. */
    public InputStream body() {
        return body;
    }

    /** Reads the whole body. */
    public byte[] bodyBytes() throws IOException {
        return body.readAllBytes();
    }

    /** The client's address. */
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public String toString() {
        return method + " " + target + " " + version;
    }
}
