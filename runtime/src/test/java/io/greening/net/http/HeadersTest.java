package io.greening.net.http;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Headers' contract, kept when its storage changed from two hash maps to a short list scanned ignoring case, with an
 * index by lower-cased name past a handful of names.
 */
class HeadersTest {
    @Test
    void namesMatchIgnoringCaseAndKeepTheirFirstSpelling() {
        Headers headers = new Headers().add("Content-Type", "text/plain").add("content-TYPE", "text/html");

        assertEquals(List.of("text/plain", "text/html"), headers.all("CONTENT-type"));
        assertEquals("text/plain", headers.first("content-type"));
        assertTrue(headers.contains("CONTENT-TYPE"));
        assertEquals(List.of("Content-Type"), List.copyOf(headers.names()));
        assertEquals("Content-Type: text/plain\r\nContent-Type: text/html\r\n", headers.toString());
    }

    @Test
    void valuesOfOneNameGoOutTogetherInTheOrderTheNamesCameFirst() {
        Headers headers = new Headers().add("A", "1").add("B", "2").add("a", "3");

        assertEquals("A: 1\r\nA: 3\r\nB: 2\r\n", headers.toString());
        assertEquals(List.of("A", "B"), List.copyOf(headers.names()));
    }

    @Test
    void setReplacesEveryValueAndMovesTheNameLast() {
        Headers headers = new Headers().add("X-One", "1").add("X-Two", "2").add("x-one", "3");

        headers.set("X-ONE", "4");

        assertEquals("X-Two: 2\r\nX-ONE: 4\r\n", headers.toString());
        assertEquals(List.of("4"), headers.all("x-one"));
    }

    @Test
    void removeAndClearLeaveNothingOfTheName() {
        Headers headers = new Headers().add("Host", "a").add("Accept", "*/*");

        headers.remove("HOST");
        assertFalse(headers.contains("host"));
        assertNull(headers.first("Host"));
        assertEquals(List.of(), headers.all("Host"));
        assertEquals("Accept: */*\r\n", headers.toString());

        headers.clear();
        assertEquals("", headers.toString());
        assertTrue(headers.names().isEmpty());
    }

    @Test
    void hasTokenLooksAtEveryCommaSeparatedValueIgnoringCase() {
        Headers headers = new Headers().add("Connection", "Upgrade").add("connection", " keep-alive , TE");

        assertTrue(headers.hasToken("CONNECTION", "Keep-Alive"));
        assertTrue(headers.hasToken("Connection", "te"));
        assertFalse(headers.hasToken("Connection", "close"));
        assertFalse(headers.hasToken("Expect", "100-continue"));
    }

    @Test
    void allIsAReadOnlyView() {
        Headers headers = new Headers().add("A", "1");

        assertThrows(UnsupportedOperationException.class, () -> headers.all("a").add("2"));
    }

    @Test
    void checkSendableNamesTheFieldAsSpelled() {
        Headers headers = new Headers().add("X-Good", "ok").add("X-Bad", "a\r\nInjected: yes");

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, headers::checkSendable);
        assertTrue(refused.getMessage().contains("X-Bad"), refused.getMessage());
    }

    @Test
    void theContractHoldsPastTheNamesAScanLooksThrough() {
        Headers headers = new Headers();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            headers.add("X-Field-" + i, "a" + i);
        }
        for (int i = 0; i < 40; i++) {
            headers.add("x-FIELD-" + i, "b" + i);   // a second value under the first spelling
        }
        headers.remove("X-FIELD-3");
        headers.set("x-field-5", "c");
        headers.add("X-New", "n");
        for (int i = 0; i < 40; i++) {
            if (i != 3 && i != 5) {
                expected.append("X-Field-").append(i).append(": a").append(i).append("\r\n");
                expected.append("X-Field-").append(i).append(": b").append(i).append("\r\n");
            }
        }
        expected.append("x-field-5: c\r\nX-New: n\r\n");

        assertEquals(expected.toString(), headers.toString());
        assertEquals(List.of("a39", "b39"), headers.all("x-field-39"));
        assertFalse(headers.contains("X-Field-3"));
        assertEquals("c", headers.first("X-FIELD-5"));
        assertEquals(40, headers.names().size());

        headers.clear();
        headers.add("Host", "h");
        assertEquals(List.of("Host"), List.copyOf(headers.names()));
        assertNull(headers.first("X-Field-1"));
        assertEquals("h", headers.first("HOST"));
    }
}
