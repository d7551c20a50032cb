package io.greening.net.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Thousands of generated malformed requests, each a valid request with one defect put in at a random place
 * (sometimes after a valid request on the same connection). The server must answer each with a 4xx or close,
 * within a bounded read (never hang: the client half-closes after sending, so nothing is left to wait for),
 * never hand a malformed request (or a body whose framing broke) to the handler as if it were sound, and serve
 * valid requests all along. The seed is fixed, so a failure repeats; its message names the request.
 */
@Timeout(300)
class MalformedRequestFuzzTest {
    private static final int CASES = 3000;
    private static final long SEED = 20261202L;
    private static GreenHttpServer server;
    /** What reached the handler whole from a fuzz request: each entry is a defect that got through. */
    private static final List<String> accepted = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        server = new GreenHttpServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), (request, response) -> {
            byte[] body = request.bodyBytes();   // a broken body throws here: the handler never sees it whole
            if (!request.path().equals("/valid")) {
                accepted.add(request + " " + request.headers().toString().replace("\r\n", " | ") + " body " + body.length);
            }
            response.send(200, "ok");
        }).maxBodyBytes(4096).maxHeaderBytes(4096).maxRequestLineBytes(512).start();
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ofMillis(100));
    }

    private static final String VALID = "GET /valid HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final String CONTROLS;

    static {
        StringBuilder c = new StringBuilder();
        for (char ch = 0; ch < 32; ch++) {
            if (ch != '\t' && ch != '\n') {   // a bare LF may end a line (RFC 9112 section 2.2): not a defect by itself
                c.append(ch);
            }
        }
        CONTROLS = c.append((char) 127).toString();
    }

    /** One kind of defect: makes a malformed request from a random generator. */
    private record Defect(String name, Function<Random, String> make) { }

    private static final List<Defect> DEFECTS = List.of(
            new Defect("control character in the target", r -> {
                String path = "/" + word(r) + "/" + word(r);
                int at = 1 + r.nextInt(path.length());
                return "GET " + path.substring(0, at) + (r.nextInt(10) == 0 ? "\n" : control(r)) + path.substring(at) + " HTTP/1.1\r\nHost: x\r\n\r\n";
            }),
            new Defect("control character in a header value", r -> {
                String value = word(r) + " " + word(r);
                int at = r.nextInt(value.length() + 1);
                return "GET /f HTTP/1.1\r\nHost: x\r\nX-" + word(r) + ": " + value.substring(0, at) + control(r) + value.substring(at) + "\r\n\r\n";
            }),
            new Defect("bad character in a header name", r -> {
                String name = "X-" + word(r);
                int at = r.nextInt(name.length() + 1);
                String bad = r.nextBoolean() ? control(r) : pick(r, " \t()<>@,;\\\"/[]?={}\u0080\u00ff".split(""));
                return "GET /f HTTP/1.1\r\nHost: x\r\n" + name.substring(0, at) + bad + name.substring(at) + ": v\r\n\r\n";
            }),
            new Defect("malformed Host", r -> "GET /f HTTP/1.1\r\nHost: " + pick(r, "a b", "a@b", "h:8x", "[::1", "h:1234567",
                    ":80", "h%zz", "h/p", "h?q", "h#f", "[]", "a\"b", "h" + control(r) + "x", "a<b", "[v1 x]") + "\r\n\r\n"),
            new Defect("missing or repeated Host", r -> r.nextBoolean() ? "GET /f HTTP/1.1\r\nX-A: b\r\n\r\n"
                    : "GET /f HTTP/1.1\r\nHost: a\r\nHost: " + word(r) + "\r\n\r\n"),
            new Defect("malformed request line", r -> pick(r, "GET  /f HTTP/1.1", "GET /f  HTTP/1.1", "GET\t/f HTTP/1.1",
                    "GET /f HTTP/1.1 ", "G(T /f HTTP/1.1", "GET /f", "GET /f http/1.1", " GET /f HTTP/1.1", "GET /f HTTP/1.1\r",
                    "GET f HTTP/1.1", "GET * HTTP/1.1", "GET http:/h/f HTTP/1.1", "GET http://u@h/f HTTP/1.1",
                    "GET http:// HTTP/1.1", "GET ://h/f HTTP/1.1", "CONNECT /f HTTP/1.1", "CONNECT h HTTP/1.1")
                    + "\r\nHost: x\r\n\r\n"),
            new Defect("folded or broken header line", r -> "GET /f HTTP/1.1\r\nHost: x\r\n" + pick(r, "X-A: b\r\n c", "X-A: b\r\n\tc: d",
                    "no colon", ": empty name", "X-A : b", " X-A: b", "X-A\u0000: b") + "\r\n\r\n"),
            new Defect("malformed Content-Length", r -> "POST /f HTTP/1.1\r\nHost: x\r\nContent-Length: "
                    + pick(r, "12x", "-1", "1 2", "0x10", "+3", "", "3, 4", "99999999999999999999", "3\u0000") + "\r\n\r\nabc"),
            new Defect("Content-Length with Transfer-Encoding", r -> "POST /f HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
            new Defect("body shorter than its Content-Length", r -> "POST /f HTTP/1.1\r\nHost: x\r\nContent-Length: "
                    + (5 + r.nextInt(100)) + "\r\n\r\nabc"),
            new Defect("loose chunk framing", r -> {
                String[] chunks = {"3\r\nabc\r\n", "2\r\nde\r\n", "0\r\n\r\n"};
                int which = r.nextInt(chunks.length);
                chunks[which] = pick(r, chunks[which].replaceFirst("\r\n", "\n"), " " + chunks[which],
                        chunks[which].replaceFirst("\r\n", " \r\n"), chunks[which].replaceFirst("\r\n", "\t\r\n"),
                        "x" + chunks[which], "0x" + chunks[which], "-" + chunks[which],
                        chunks[which].replaceFirst("\r\n", ";a=" + control(r) + "\r\n"),
                        chunks[which].replaceFirst("\r\n$", "\n"), chunks[which].replaceFirst("\r\n$", "XY"),
                        which < 2 ? chunks[which].replaceFirst("\r\n", "\r\n\r\n") : "0\r\n\r", chunks[which].substring(0, chunks[which].length() - 1));
                return "POST /f HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + String.join("", chunks);
            }),
            new Defect("bad trailer", r -> "POST /f HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n"
                    + pick(r, "X-T: a\n\r\n", "X-T: a" + control(r) + "b\r\n\r\n", "bad trailer\r\n\r\n", "X-T: a\r\n")),
            new Defect("chunked body over the limit", r -> "POST /f HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "fff\r\n" + "z".repeat(4095) + "\r\n2\r\nzz\r\n0\r\n\r\n"),
            new Defect("unterminated header section", r -> "GET /f HTTP/1.1\r\nHost: x\r\nX-" + word(r) + ": v\r\n"));

    private static String control(Random r) {
        return String.valueOf(CONTROLS.charAt(r.nextInt(CONTROLS.length())));
    }

    private static String word(Random r) {
        StringBuilder w = new StringBuilder();
        for (int i = 1 + r.nextInt(8); i > 0; i--) {
            w.append((char) ('a' + r.nextInt(26)));
        }
        return w.toString();
    }

    private static String pick(Random r, String... options) {
        return options[r.nextInt(options.length)];
    }

    @Test
    void malformedRequestsGet4xxOrACloseAndNeverReachTheHandler() throws IOException {
        Random random = new Random(SEED);
        for (int i = 0; i < CASES; i++) {
            Defect defect = DEFECTS.get(random.nextInt(DEFECTS.size()));
            String malformed = defect.make().apply(random);
            boolean afterValid = random.nextInt(3) == 0;
            String reply = send(afterValid ? VALID + malformed : malformed, defect, malformed);
            String rest = reply;
            if (afterValid) {
                assertTrue(reply.startsWith("HTTP/1.1 200 "), () -> describe(defect, malformed) + " the valid request first: " + reply);
                rest = reply.substring(reply.indexOf("\r\n\r\nok") + 6);
            }
            String answer = rest;
            assertTrue(answer.isEmpty() || answer.matches("(?s)HTTP/1\\.1 4\\d\\d .*"), () -> describe(defect, malformed) + " got: " + answer);
            assertFalse(answer.matches("(?s).*HTTP/1\\.1 \\d\\d\\d .*HTTP/1\\.1 .*"), () -> describe(defect, malformed) + " two answers: " + answer);
            assertEquals(List.of(), accepted, () -> describe(defect, malformed) + " reached the handler");
            if (i % 100 == 0) {
                assertTrue(send(VALID, null, VALID).startsWith("HTTP/1.1 200 "), "the server keeps serving");
            }
        }
        assertTrue(send(VALID, null, VALID).startsWith("HTTP/1.1 200 "), "the server keeps serving");
    }

    private static String send(String request, Defect defect, String malformed) throws IOException {
        try (Socket socket = new Socket(server.address().getAddress(), server.address().getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (SocketTimeoutException hang) {
            throw new AssertionError("no answer nor close within 10 s: " + describe(defect, malformed), hang);
        }
    }

    private static String describe(Defect defect, String request) {
        StringBuilder shown = new StringBuilder();
        for (char c : request.toCharArray()) {
            shown.append(c >= ' ' && c < 127 ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return (defect == null ? "valid" : defect.name()) + " [" + shown + "]";
    }
}
