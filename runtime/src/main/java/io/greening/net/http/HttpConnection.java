package io.greening.net.http;

import io.greening.Green;
import io.greening.internal.Deadlines;
import io.greening.internal.LazyLogger;
import io.greening.net.GreenConnection;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves the requests of one connection, one after the other (keep-alive), in its green thread. Its buffers
 * come from the server's {@link Buffers} when a request starts arriving and go back while it waits idle, so an
 * idle or not yet talking connection holds none.
 */
final class HttpConnection {
    private static final System.Logger LOG = LazyLogger.named("io.greening.http");
    /** Bytes a connection reads or writes in one turn of the hub before it lets the other green threads run. */
    static final int TURN_BYTES = 64 * 1024;
    /** How long a refused or abandoned request's input is read and dropped before the connection closes. */
    static final Duration LINGER = Duration.ofSeconds(2);
    static final int OUT_BYTES = 16 * 1024;
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

    /**
     * The input and output buffers of a server's connections, kept for reuse (up to {@link #KEPT} of each) while
     * connections wait idle. Lock-free: on a {@link io.greening.HubGroup} the connections run on every hub at once,
     * and a monitor here, taken three times a request, made them queue for it; a green thread that finds a monitor
     * taken is woken through the JDK's unblocker thread, whose wake-ups reach the group's shared queue, so some
     * connections waited hundreds of milliseconds while others ran (see benchmarks/README.md, section 17).
     */
    static final class Buffers {
        static final int KEPT = 128;
        private final int inBytes;
        private final Kept<ByteBuffer> ins = new Kept<>();
        private final Kept<byte[]> outs = new Kept<>();

        Buffers(GreenHttpServer.Limits limits) {
            this.inBytes = Math.max(8 * 1024, limits.maxRequestLineBytes() + 2);
        }

        ByteBuffer takeIn() {
            ByteBuffer buffer = ins.take();
            return (buffer != null ? buffer.clear() : ByteBuffer.allocate(inBytes)).flip();   // empty, ready to read from
        }

        byte[] takeOut() {
            byte[] buffer = outs.take();
            return buffer != null ? buffer : new byte[OUT_BYTES];
        }

        void give(ByteBuffer in, byte[] out) {
            if (in != null) {
                ins.give(in);
            }
            if (out != null) {
                outs.give(out);
            }
        }

        /** How many input and output buffers are kept now. */
        int kept() {
            return ins.count.get() + outs.count.get();
        }

        /** At most {@link #KEPT} buffers, the last given first (still warm in a cache). */
        private static final class Kept<T> {
            private final ConcurrentLinkedDeque<T> buffers = new ConcurrentLinkedDeque<>();
            private final AtomicInteger count = new AtomicInteger();

            T take() {
                T buffer = buffers.pollFirst();
                if (buffer != null) {
                    count.decrementAndGet();
                }
                return buffer;
            }

            void give(T buffer) {
                if (count.incrementAndGet() <= KEPT) {
                    buffers.push(buffer);
                } else {
                    count.decrementAndGet();   // enough kept: the collector takes this one
                }
            }
        }
    }

    private final GreenConnection connection;
    private final HttpHandler handler;
    private final GreenHttpServer.Limits limits;
    private final GreenHttpServer.IdleConnections idle;
    private final Buffers buffers;
    private ByteBuffer in;   // null while idle; else flipped: ready to read from
    private byte[] out;      // null until written to, and while idle
    private int outLength;
    private int bytesThisTurn;   // read or written since the connection last let the others run
    private boolean servedOne;
    private Body body;       // the body of the request being served, if it has one
    private HttpResponse currentResponse;

    HttpConnection(GreenConnection connection, HttpHandler handler, GreenHttpServer.Limits limits,
                   GreenHttpServer.IdleConnections idle, Buffers buffers) {
        this.connection = connection;
        this.idle = idle;
        this.handler = handler;
        this.limits = limits;
        this.buffers = buffers;
    }

    void serve() throws IOException {
        try {
            while (true) {
                connection.setTimeout(limits.idleTimeout());
                HttpResponse served;
                try {
                    if (!awaitNextRequest()) {
                        return;   // the client closed between requests, or the server stops
                    }
                    String requestLine = readRequestLine();
                    if (requestLine == null) {
                        return;
                    }
                    connection.setTimeout(limits.requestTimeout());
                    served = serveOne(requestLine);
                } catch (Refusal refusal) {   // thrown before anything of the response was sent
                    refuse(refusal.status, refusal.getMessage());
                    lingerBeforeClose();
                    return;
                } catch (SocketTimeoutException idle) {
                    return;
                }
                if (!served.keepAlive()) {
                    if (body != null && !body.isFinished()) {
                        lingerBeforeClose();   // the client may still be sending the body
                    }
                    return;
                }
                servedOne = true;
            }
        } finally {
            releaseBuffers();
        }
    }

    /**
     * Makes the next request's first bytes ready in {@code in}; false if the client closed or the server stops.
     * A request that is already here (pipelined) waits one turn, so that one connection cannot hold the hub; the
     * buffers go back to the pool while the connection waits idle, as one a stopping server may close at once.
     */
    private boolean awaitNextRequest() throws IOException {
        if (in == null) {
            in = buffers.takeIn();
        }
        if (!in.hasRemaining()) {
            int n = readNow();
            if (n < 0) {
                return false;
            }
            if (n == 0) {
                releaseBuffers();
                if (!idle.enter()) {
                    return false;
                }
                try {
                    connection.awaitReadable();
                } finally {
                    idle.leave();
                }
                bytesThisTurn = 0;
                in = buffers.takeIn();
                return fill();
            }
        }
        if (servedOne) {
            yieldTurn();
        }
        return true;
    }

    private int readNow() throws IOException {
        in.clear();
        try {
            return connection.readNow(in);
        } finally {
            in.flip();
        }
    }

    private void yieldTurn() {
        bytesThisTurn = 0;
        Green.cede();
    }

    /** Counts {@code n} bytes moved against the turn's budget, letting the others run once it is spent. */
    private void spend(int n) {
        bytesThisTurn += n;
        if (bytesThisTurn >= TURN_BYTES) {
            yieldTurn();
        }
    }

    private void releaseBuffers() {
        if ((in == null || !in.hasRemaining()) && outLength == 0) {
            buffers.give(in, out);
            in = null;
            out = null;
        }
    }

    /**
     * Half-closes, then reads and drops what the client still sends, until it closes or for at most
     * {@link #LINGER}: closing with unread input would reset the connection, and a reset can destroy the answer
     * before the client has read it (a lingering close, as Apache's and Go's servers do).
     */
    private void lingerBeforeClose() {
        try {
            connection.shutdownOutput();
            if (in == null) {
                in = buffers.takeIn();
            }
            long deadline = Deadlines.after(LINGER);
            long drained = 0;
            while (!Deadlines.hasPassed(deadline)) {
                connection.setTimeout(Duration.ofNanos(Deadlines.nanosLeft(deadline)));
                in.clear();
                int n = connection.read(in);
                if (n < 0) {
                    break;
                }
                drained += n;
                if (drained >= TURN_BYTES) {
                    drained = 0;
                    Green.cede();
                }
            }
        } catch (IOException done) {   // timed out, reset: nothing more to wait for
        } finally {
            if (in != null) {
                in.clear().flip();
            }
        }
    }

    private HttpResponse serveOne(String requestLine) throws IOException {
        body = null;
        currentResponse = null;
        String[] parts = requestLine.split(" ", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || !Headers.isToken(parts[0])) {
            throw new Refusal(400, "malformed request line");
        }
        RequestTarget target = RequestTarget.parse(parts[0], parts[1]);
        if (target == null) {
            throw new Refusal(400, "malformed request target");
        }
        String version = parts[2];
        if (version.length() != 8 || !version.startsWith("HTTP/") || !isDigit(version.charAt(5)) || version.charAt(6) != '.'
                || !isDigit(version.charAt(7))) {   // RFC 9112 section 2.3: HTTP/DIGIT.DIGIT
            throw new Refusal(400, "malformed version");
        }
        boolean http11 = version.equals("HTTP/1.1");
        if (!http11 && !version.equals("HTTP/1.0")) {
            throw new Refusal(505, "unsupported version " + version);
        }
        Headers headers = readHeaders(false);
        java.util.List<String> hosts = headers.all("Host");
        if (http11 ? hosts.size() != 1 : hosts.size() > 1) {
            throw new Refusal(400, "not a single Host header");
        }
        if (!hosts.isEmpty() && !RequestTarget.isHost(hosts.getFirst())) {
            throw new Refusal(400, "malformed Host header");
        }
        if (target.authority() != null && !parts[0].equals("CONNECT")) {
            headers.set("Host", target.authority());   // RFC 9112 section 3.2.2: the absolute form's authority wins
        }
        InputStream body = bodyOf(headers, http11);
        this.body = body instanceof Body framed ? framed : null;
        boolean keepAlive = http11 ? !headers.hasToken("Connection", "close") : headers.hasToken("Connection", "keep-alive");
        HttpRequest request = new HttpRequest(parts[0], parts[1], target, version, headers, body, connection.remoteAddress());
        HttpResponse response = new HttpResponse(this, http11, keepAlive, parts[0].equals("HEAD"));
        currentResponse = response;
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
                response.headers().clear();   // what the handler set is for the answer it did not give
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

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
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

    // ---- reading ----

    /** Fills the input buffer with at least one more byte; false at end of stream. */
    private boolean fill() throws IOException {
        int n;
        in.compact();
        try {
            if (!in.hasRemaining()) {
                throw new IllegalStateException("input buffer full");
            }
            n = connection.read(in);
        } finally {
            in.flip();
        }
        spend(Math.max(n, 0));
        return n >= 0;
    }

    private String readRequestLine() throws IOException {
        while (true) {
            if (!in.hasRemaining() && !fill()) {
                return null;
            }
            String line = readLine(limits.maxRequestLineBytes(), 414, "request line too long", false);
            if (line == null) {
                throw new Refusal(400, "connection closed in the request line");
            }
            if (!line.isEmpty()) {   // RFC 9112: ignore empty lines before a request
                return line;
            }
        }
    }

    /**
     * A line without its CRLF, or null at end of stream; longer than {@code max}: refused. A bare LF ends the
     * line too (RFC 9112 section 2.2 allows it) unless {@code crlfOnly}: chunked framing takes CRLF alone, as a
     * proxy in front may see a bare LF as no line end at all and the two would frame the bytes differently.
     */
    private String readLine(int max, int status, String tooLong, boolean crlfOnly) throws IOException {
        int scanned = 0;   // bytes after the position already searched for LF
        while (true) {
            int start = in.position();
            for (int i = start + scanned; i < in.limit(); i++) {
                if (in.get(i) == '\n') {
                    boolean cr = i > start && in.get(i - 1) == '\r';
                    if (crlfOnly && !cr) {
                        throw new Refusal(400, "bare LF in chunked framing");
                    }
                    int end = cr ? i - 1 : i;
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

    /** The header fields (or a chunked body's trailer fields, {@code trailers}: lines end with CRLF only). */
    private Headers readHeaders(boolean trailers) throws IOException {
        Headers headers = new Headers();
        int total = 0;
        while (true) {
            int room = limits.maxHeaderBytes() - total;
            String line = readLine(Math.min(room, in.capacity() - 2), 431, "header section too large", trailers);
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
            if (colon <= 0 || !Headers.isToken(line.substring(0, colon))) {
                throw new Refusal(400, "malformed header line");
            }
            String value = Headers.trimWhitespace(line.substring(colon + 1));
            if (!Headers.isValue(value)) {
                throw new Refusal(400, "control character in a header value");
            }
            headers.add(line.substring(0, colon), value);
        }
    }

    private InputStream bodyOf(Headers headers, boolean http11) throws IOException {
        boolean expectContinue = http11 && headers.hasToken("Expect", "100-continue");   // RFC 9110: not to HTTP/1.0
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
            if (awaitsContinue()) {
                continueSent = true;
                if (currentResponse == null || !currentResponse.isCommitted()) {   // never after the final response
                    write(CONTINUE, 0, CONTINUE.length);
                    flush();
                }
            }
        }

        /** Whether the client asked to be told to send the body and was not told yet. */
        boolean awaitsContinue() {
            return expectContinue && !continueSent;
        }

        /** Whether the body was read to its end. */
        abstract boolean isFinished();

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
        boolean isFinished() {
            return remaining == 0;
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
        boolean isFinished() {
            return done;
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
                chunkLeft = readChunkSize();
                total += chunkLeft;
                if (total > limits.maxBodyBytes()) {
                    throw new Refusal(413, "chunked body over the limit of " + limits.maxBodyBytes() + " bytes");
                }
                if (chunkLeft == 0) {
                    readHeaders(true);   // trailer fields: same syntax and limit as headers; dropped
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
                String end = readLine(0, 400, "chunk not followed by CRLF", true);
                if (end == null || !end.isEmpty()) {
                    throw new Refusal(400, "chunk not followed by CRLF");
                }
            }
            return n;
        }

        /**
         * A chunk-size line as RFC 9112 section 7.1 has it: hex digits right at the line's start, then the line's
         * CRLF or extensions (after optional whitespace, a {@code ;}); extensions are ignored but must hold no
         * control character.
         */
        private long readChunkSize() throws IOException {
            String line = readLine(1024, 400, "chunk size line too long", true);
            if (line == null) {
                throw new Refusal(400, "connection closed in a chunked body");
            }
            int digits = 0;
            while (digits < line.length() && Character.digit(line.charAt(digits), 16) >= 0 && line.charAt(digits) < 128) {
                digits++;
            }
            if (digits == 0 || digits > 15) {
                throw new Refusal(400, "malformed chunk size");
            }
            int rest = digits;
            while (rest < line.length() && (line.charAt(rest) == ' ' || line.charAt(rest) == '\t')) {
                rest++;
            }
            if (rest < line.length() ? line.charAt(rest) != ';' || !Headers.isValue(line.substring(rest)) : rest != digits) {
                throw new Refusal(400, "malformed chunk size");
            }
            return Long.parseLong(line, 0, digits, 16);
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

    /** Whether the current request asked for {@code 100 Continue} and has not had it: its body was not sent. */
    boolean awaitsContinue() {
        return body != null && body.awaitsContinue();
    }

    void write(byte[] b, int off, int len) throws IOException {
        if (out == null) {
            out = buffers.takeOut();
        }
        if (len > out.length - outLength) {
            flush();
            if (len > out.length) {
                connection.write(ByteBuffer.wrap(b, off, len));
                spend(len);
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
            spend(n);
        }
    }
}
