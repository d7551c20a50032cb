package io.greening.net.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The response to one request. Either {@linkplain #send(int, byte[]) send} it whole (with a
 * {@code Content-Length}), or set the {@linkplain #status(int) status} and {@linkplain #headers() headers} and
 * write to {@link #body()}: without a {@code Content-Length} header the body goes out chunked (to an HTTP/1.0
 * client: until the connection closes). The status line and headers go out on the first body write; after that
 * they can no longer change.
 *
 * <p>Header names must be tokens and values must hold no control character but HTAB: a CR or LF from untrusted
 * input would let it forge headers or a whole second response. Such a header is refused with
 * {@link IllegalArgumentException}, not repaired: a repaired value is a different value (a redirect to elsewhere),
 * and the bug that let the input through stays hidden; this is also what the JDK's server does.
 */
public final class HttpResponse {
    private final HttpConnection connection;
    private final Headers headers = new Headers();
    private final boolean headRequest;
    private final boolean http11;
    private int status = 200;
    private boolean committed;
    private boolean keepAlive;
    private OutputStream body;
    private boolean chunked;
    private long declaredLength = -1;
    private long written;

    HttpResponse(HttpConnection connection, boolean http11, boolean keepAlive, boolean headRequest) {
        this.connection = connection;
        this.http11 = http11;
        this.keepAlive = keepAlive;
        this.headRequest = headRequest;
    }

    /** Sets the status code (default 200). */
    public HttpResponse status(int status) {
        checkNotCommitted();
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status " + status);
        }
        this.status = status;
        return this;
    }

    /** The status code. */
    public int status() {
        return status;
    }

    /**
     * The response headers, to change before the body is written. A field that cannot be sent as it is (a name
     * that is not a token, a value with a control character) makes the send or the first body write throw
     * {@link IllegalArgumentException}, sending nothing.
     */
    public Headers headers() {
        return headers;
    }

    /**
     * Sets a header; see {@link #headers()}.
     *
     * @throws IllegalArgumentException if {@code name} is not a token or {@code value} holds a control character
     *         (CR, LF, NUL, ...: response splitting); the response is left as it was
     */
    public HttpResponse header(String name, String value) {
        checkNotCommitted();
        Headers.checkSendable(name, value);
        headers.set(name, value);
        return this;
    }

    /** Whether the status line and headers were sent. */
    public boolean isCommitted() {
        return committed;
    }

    /** Sends {@code status} with {@code body} and a {@code Content-Length}, all at once. */
    public void send(int status, byte[] body) throws IOException {
        status(status);
        headers.set("Content-Length", Integer.toString(body.length));
        commit(body);
    }

    /** Sends {@code status} with a {@code text/plain; charset=utf-8} body. */
    public void send(int status, String text) throws IOException {
        if (!headers.contains("Content-Type")) {
            headers.set("Content-Type", "text/plain; charset=utf-8");
        }
        send(status, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The body stream: fixed-length if a {@code Content-Length} header was set (writing more fails), else chunked.
     * Closing it ends the body; the server ends it anyway when the handler returns.
     */
    public OutputStream body() throws IOException {
        if (body == null) {
            commit(null);
            body = new BodyStream();
        }
        return body;
    }

    private void checkNotCommitted() {
        if (committed) {
            throw new IllegalStateException("response already committed");
        }
    }

    private boolean bodyAllowed() {
        return !headRequest && status >= 200 && status != 204 && status != 304;
    }

    /** Sends the status line and headers (and {@code wholeBody}, if given, in the same write). */
    private void commit(byte[] wholeBody) throws IOException {
        checkNotCommitted();
        headers.checkSendable();
        committed = true;
        if (connection.awaitsContinue()) {
            keepAlive = false;   // the client may still wait to be told to send the body, or send it: close
        }
        String length = headers.first("Content-Length");
        if (length != null) {
            declaredLength = Long.parseLong(length.trim());
        } else if (bodyAllowed() && wholeBody == null) {
            if (http11) {
                chunked = true;
                headers.set("Transfer-Encoding", "chunked");
            } else {
                keepAlive = false;   // HTTP/1.0 without a length: the body ends when the connection does
            }
        } else if (wholeBody == null && status >= 200 && status != 204 && status != 304) {
            headers.set("Content-Length", "0");
        }
        if (!keepAlive) {
            headers.set("Connection", "close");
        } else if (!http11) {
            headers.set("Connection", "keep-alive");
        }
        StringBuilder head = new StringBuilder(128);
        head.append(http11 ? "HTTP/1.1 " : "HTTP/1.0 ").append(status).append(' ').append(reason(status)).append("\r\n");
        headers.writeTo(head);
        head.append("\r\n");
        connection.writeHead(head, wholeBody != null && bodyAllowed() ? wholeBody : null);
        if (wholeBody != null) {
            written = wholeBody.length;
        }
    }

    /** Ends the response when the handler returns: sends an empty one if nothing was sent, ends the body. */
    void finish() throws IOException {
        if (!committed) {
            if (bodyAllowed()) {
                headers.set("Content-Length", "0");
            }
            commit(null);
        }
        if (body != null) {
            body.close();
        }
        connection.flush();
    }

    /** Whether the connection may serve another request after this response. */
    boolean keepAlive() {
        return keepAlive && (declaredLength < 0 || written == declaredLength || !bodyAllowed());
    }

    /** Makes the response close the connection (must be called before commit to be announced). */
    void closeAfter() {
        keepAlive = false;
    }

    private final class BodyStream extends OutputStream {
        private boolean closed;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("response body closed");
            }
            if (len == 0 || !bodyAllowed()) {
                return;
            }
            if (declaredLength >= 0 && written + len > declaredLength) {
                throw new IOException("body longer than its Content-Length " + declaredLength);
            }
            written += len;
            if (chunked) {
                byte[] size = (Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                connection.write(size, 0, size.length);
                connection.write(b, off, len);
                connection.write(HttpConnection.CRLF, 0, 2);
            } else {
                connection.write(b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            connection.flush();
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            if (chunked) {
                connection.write(HttpConnection.LAST_CHUNK, 0, HttpConnection.LAST_CHUNK.length);
            }
            connection.flush();
        }
    }

    static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 304 -> "Not Modified";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            case 505 -> "HTTP Version Not Supported";
            default -> "Status " + status;
        };
    }
}
