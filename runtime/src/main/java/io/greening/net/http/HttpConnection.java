package io.greening.net.http;

import io.greening.net.GreenConnection;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Serves the requests of one connection, one after the other (keep-alive), in its green thread. */
final class HttpConnection {
    private static final System.Logger LOG = System.getLogger("io.greening.http");
    static final byte[] CRLF = {'\r', '\n'};
    static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** A request the server refuses with {@code status}, closing the connection after the answer. */
    static final class Refusal extends IOException {
        final int status;

        Refusal(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final GreenConnection connection;
    private final HttpHandler handler;
    private final GreenHttpServer.Limits limits;
    private final GreenHttpServer.IdleConnections idle;
    private final ByteBuffer in;
    private final byte[] out = new byte[16 * 1024];
    private int outLength;

    HttpConnection(GreenConnection connection, HttpHandler handler, GreenHttpServer.Limits limits,
                   GreenHttpServer.IdleConnections idle) {
        this.connection = connection;
        this.idle = idle;
        this.handler = handler;
        this.limits = limits;
        this.in = ByteBuffer.allocate(Math.max(8 * 1024, limits.maxRequestLineBytes() + 2));
        in.flip();   // empty, ready to read from
    }

    void serve() throws IOException {
        while (true) {
            connection.setTimeout(limits.idleTimeout());
            HttpResponse response;
            try {
                if (!in.hasRemaining() && !awaitNextRequest()) {
                    return;   // the client closed between requests, or the server stops
                }
                String requestLine = readRequestLine();
                if (requestLine == null) {
                    return;
                }
                connection.setTimeout(limits.requestTimeout());
                response = serveOne(requestLine);
            } catch (Refusal refusal) {   // thrown before anything of the response was sent
                refuse(refusal.status, refusal.getMessage());
                return;
            } catch (SocketTimeoutException idle) {
                return;
            }
            if (!response.keepAlive()) {
                return;
            }
        }
    }

    /** Waits, as an idle connection that a stopping server may close at once, for the next request's first bytes. */
    private boolean awaitNextRequest() throws IOException {
        if (!idle.enter()) {
            return false;
        }
        try {
            return fill();
        } finally {
            idle.leave();
        }
    }

    private HttpResponse serveOne(String requestLine) throws IOException {
        String[] parts = requestLine.split(" ", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || !isToken(parts[0])) {
            throw new Refusal(400, "malformed request line");
        }
        String version = parts[2];
        if (!version.startsWith("HTTP/1.")) {
            throw new Refusal(version.startsWith("HTTP/") ? 505 : 400, "unsupported version " + version);
        }
        boolean http11 = version.equals("HTTP/1.1");
        if (!http11 && !version.equals("HTTP/1.0")) {
            throw new Refusal(505, "unsupported version " + version);
        }
        Headers headers = readHeaders();
        if (http11 && headers.all("Host").size() != 1) {
            throw new Refusal(400, "HTTP/1.1 request without a single Host header");
        }
        InputStream body = bodyOf(headers);
        boolean keepAlive = http11 ? !headers.hasToken("Connection", "close") : headers.hasToken("Connection", "keep-alive");
        HttpRequest request = new HttpRequest(parts[0], parts[1], version, headers, body, connection.remoteAddress());
        HttpResponse response = new HttpResponse(this, http11, keepAlive, parts[0].equals("HEAD"));
        try {
            handler.handle(request, response);
        } catch (Refusal refusal) {   // the body broke its framing or limit while the handler read it
            response.closeAfter();
            if (response.isCommitted()) {
                return response;
            }
            throw refusal;
        } catch (IOException e) {
            throw e;   // the connection failed: nothing more to say on it
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "HTTP handler failed on " + request, e);
            response.closeAfter();
            if (!response.isCommitted()) {
                response.headers().remove("Content-Length");
                response.send(500, "internal server error\n");
            }
        }
        if (body instanceof Body framed && framed.isBroken()) {
            response.closeAfter();   // the handler caught a body failure and answered anyway
        }
        response.finish();
        if (response.keepAlive()) {
            try {
                body.skip(Long.MAX_VALUE);   // what the handler left unread, within the limit
                while (body.read() >= 0) {
                    body.skip(Long.MAX_VALUE);
                }
            } catch (IOException unreadable) {   // over the limit, or broken framing
                response.closeAfter();
            }
        }
        return response;
    }

    private void refuse(int status, String message) {
        try {
            byte[] body = (HttpResponse.reason(status) + ": " + message + "\n").getBytes(StandardCharsets.UTF_8);
            String head = "HTTP/1.1 " + status + " " + HttpResponse.reason(status) + "\r\nContent-Type: text/plain; charset=utf-8"
                    + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            writeHead(new StringBuilder(head), body);
            flush();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "could not answer " + status, e);
        }
    }

    private static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    // ---- reading ----

    /** Fills the input buffer with at least one more byte; false at end of stream. */
    private boolean fill() throws IOException {
        in.compact();
        try {
            if (!in.hasRemaining()) {
                throw new IllegalStateException("input buffer full");
            }
            return connection.read(in) >= 0;
        } finally {
            in.flip();
        }
    }

    private String readRequestLine() throws IOException {
        while (true) {
            if (!in.hasRemaining() && !fill()) {
                return null;
            }
            String line = readLine(limits.maxRequestLineBytes(), 414, "request line too long");
            if (line == null) {
                throw new Refusal(400, "connection closed in the request line");
            }
            if (!line.isEmpty()) {   // RFC 9112: ignore empty lines before a request
                return line;
            }
        }
    }

    /** A line without its CRLF (a bare LF is accepted), or null at end of stream; longer than {@code max}: refused. */
    private String readLine(int max, int status, String tooLong) throws IOException {
        int scanned = 0;   // bytes after the position already searched for LF
        while (true) {
            int start = in.position();
            for (int i = start + scanned; i < in.limit(); i++) {
                if (in.get(i) == '\n') {
                    int end = i > start && in.get(i - 1) == '\r' ? i - 1 : i;
                    if (end - start > max) {
                        throw new Refusal(status, tooLong);
                    }
                    String line = new String(in.array(), start, end - start, StandardCharsets.ISO_8859_1);
                    in.position(i + 1);
                    return line;
                }
            }
            scanned = in.remaining();
            if (scanned > max + 1 || scanned == in.capacity()) {
                throw new Refusal(status, tooLong);
            }
            if (!fill()) {
                return null;
            }
        }
    }

    private Headers readHeaders() throws IOException {
        Headers headers = new Headers();
        int total = 0;
        while (true) {
            int room = limits.maxHeaderBytes() - total;
            String line = readLine(Math.min(room, in.capacity() - 2), 431, "header section too large");
            if (line == null) {
                throw new Refusal(400, "connection closed in the headers");
            }
            total += line.length() + 2;
            if (total > limits.maxHeaderBytes()) {
                throw new Refusal(431, "header section too large");
            }
            if (line.isEmpty()) {
                return headers;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon))) {
                throw new Refusal(400, "malformed header line");
            }
            String value = line.substring(colon + 1).strip();
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if ((c < ' ' && c != '\t') || c == 127) {
                    throw new Refusal(400, "control character in a header value");
                }
            }
            headers.add(line.substring(0, colon), value);
        }
    }

    private InputStream bodyOf(Headers headers) throws IOException {
        boolean expectContinue = headers.hasToken("Expect", "100-continue");
        if (headers.contains("Transfer-Encoding")) {
            if (headers.contains("Content-Length")) {
                throw new Refusal(400, "both Transfer-Encoding and Content-Length");
            }
            String coding = String.join(",", headers.all("Transfer-Encoding")).strip();
            if (!coding.equalsIgnoreCase("chunked")) {
                throw new Refusal(501, "unsupported Transfer-Encoding " + coding);
            }
            return new ChunkedBody(expectContinue);
        }
        String length = null;
        for (String value : headers.all("Content-Length")) {
            for (String part : value.split(",")) {
                String p = part.strip();
                if (length != null && !length.equals(p)) {
                    throw new Refusal(400, "conflicting Content-Length values");
                }
                length = p;
            }
        }
        if (length == null) {
            return InputStream.nullInputStream();
        }
        if (length.isEmpty() || length.length() > 18 || !length.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new Refusal(400, "malformed Content-Length");
        }
        long n = Long.parseLong(length);
        if (n > limits.maxBodyBytes()) {
            throw new Refusal(413, "body of " + n + " bytes, limit " + limits.maxBodyBytes());
        }
        return n == 0 ? InputStream.nullInputStream() : new FixedBody(n, expectContinue);
    }

    /** Reads up to {@code len} buffered or newly received bytes; -1 at end of stream. */
    private int readRaw(byte[] b, int off, int len) throws IOException {
        if (!in.hasRemaining() && !fill()) {
            return -1;
        }
        int n = Math.min(len, in.remaining());
        in.get(b, off, n);
        return n;
    }

    private abstract class Body extends InputStream {
        private boolean continueSent;
        private final boolean expectContinue;
        private IOException broken;

        Body(boolean expectContinue) {
            this.expectContinue = expectContinue;
        }

        void beforeRead() throws IOException {
            if (expectContinue && !continueSent) {
                continueSent = true;
                write(CONTINUE, 0, CONTINUE.length);
                flush();
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public final int read(byte[] b, int off, int len) throws IOException {
            if (broken != null) {
                throw broken;
            }
            try {
                return readBody(b, off, len);
            } catch (IOException e) {   // framing lost: the connection cannot serve another request
                broken = e;
                throw e;
            }
        }

        abstract int readBody(byte[] b, int off, int len) throws IOException;

        boolean isBroken() {
            return broken != null;
        }
    }

    private final class FixedBody extends Body {
        private long remaining;

        FixedBody(long length, boolean expectContinue) {
            super(expectContinue);
            this.remaining = length;
        }

        @Override
        int readBody(byte[] b, int off, int len) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            beforeRead();
            int n = readRaw(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new Refusal(400, "connection closed in the body");
            }
            remaining -= n;
            return n;
        }
    }

    private final class ChunkedBody extends Body {
        private long chunkLeft;
        private long total;
        private boolean done;

        ChunkedBody(boolean expectContinue) {
            super(expectContinue);
        }

        @Override
        int readBody(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            beforeRead();
            if (chunkLeft == 0) {
                String sizeLine = readLine(1024, 400, "chunk size line too long");
                if (sizeLine == null) {
                    throw new Refusal(400, "connection closed in a chunked body");
                }
                int semicolon = sizeLine.indexOf(';');   // chunk extensions are ignored
                String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).strip();
                if (hex.isEmpty() || hex.length() > 15 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                    throw new Refusal(400, "malformed chunk size");
                }
                chunkLeft = Long.parseLong(hex, 16);
                total += chunkLeft;
                if (total > limits.maxBodyBytes()) {
                    throw new Refusal(413, "chunked body over the limit of " + limits.maxBodyBytes() + " bytes");
                }
                if (chunkLeft == 0) {
                    readTrailers();
                    done = true;
                    return -1;
                }
            }
            int n = readRaw(b, off, (int) Math.min(len, chunkLeft));
            if (n < 0) {
                throw new Refusal(400, "connection closed in a chunk");
            }
            chunkLeft -= n;
            if (chunkLeft == 0) {
                String end = readLine(0, 400, "chunk not followed by CRLF");
                if (end == null || !end.isEmpty()) {
                    throw new Refusal(400, "chunk not followed by CRLF");
                }
            }
            return n;
        }

        private void readTrailers() throws IOException {
            readHeaders();   // trailer fields: same syntax and limit as headers; dropped
        }
    }

    // ---- writing ----

    /** Writes the head (and a whole body) in as few writes as possible. */
    void writeHead(CharSequence head, byte[] body) throws IOException {
        byte[] bytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        write(bytes, 0, bytes.length);
        if (body != null) {
            write(body, 0, body.length);
        }
    }

    void write(byte[] b, int off, int len) throws IOException {
        if (len > out.length - outLength) {
            flush();
            if (len > out.length) {
                connection.write(ByteBuffer.wrap(b, off, len));
                return;
            }
        }
        System.arraycopy(b, off, out, outLength, len);
        outLength += len;
    }

    void flush() throws IOException {
        if (outLength > 0) {
            int n = outLength;
            outLength = 0;
            connection.write(ByteBuffer.wrap(out, 0, n));
        }
    }
}
