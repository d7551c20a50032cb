package io.greening.net.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * HTTP header fields: names compared ignoring case, several values per name, in the order they were added. Not
 * thread-safe (a request's and a response's headers belong to the green thread serving them).
 */
public final class Headers {
    private final Map<String, List<String>> fields = new LinkedHashMap<>();
    private final Map<String, String> spelling = new LinkedHashMap<>();

    /** No headers. */
    public Headers() {
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    /** Adds a value of {@code name}, after those it has. */
    public Headers add(String name, String value) {
        String key = key(name);
        spelling.putIfAbsent(key, name);
        fields.computeIfAbsent(key, k -> new ArrayList<>(1)).add(value);
        return this;
    }

    /** Sets {@code name} to the single {@code value}. */
    public Headers set(String name, String value) {
        remove(name);
        return add(name, value);
    }

    /** Removes every value of {@code name}. */
    public Headers remove(String name) {
        fields.remove(key(name));
        spelling.remove(key(name));
        return this;
    }

    /** The first value of {@code name}, or {@code null}. */
    public String first(String name) {
        List<String> values = fields.get(key(name));
        return values == null ? null : values.getFirst();
    }

    /** Every value of {@code name}, in order (empty if none). */
    public List<String> all(String name) {
        List<String> values = fields.get(key(name));
        return values == null ? List.of() : Collections.unmodifiableList(values);
    }

    /** Whether {@code name} has a value. */
    public boolean contains(String name) {
        return fields.containsKey(key(name));
    }

    /** Whether one of the comma-separated values of {@code name} is {@code token}, ignoring case. */
    public boolean hasToken(String name, String token) {
        for (String value : all(name)) {
            for (String part : value.split(",")) {
                if (part.trim().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The names, as first spelled, in order. */
    public Set<String> names() {
        return Collections.unmodifiableSet(new java.util.LinkedHashSet<>(spelling.values()));
    }

    /** Removes every field. */
    void clear() {
        fields.clear();
        spelling.clear();
    }

    /**
     * Checks that every field can be sent as it is: a name that is a token, a value without control characters.
     *
     * @throws IllegalArgumentException naming the first field that cannot
     */
    void checkSendable() {
        for (Map.Entry<String, List<String>> field : fields.entrySet()) {
            for (String value : field.getValue()) {
                checkSendable(spelling.get(field.getKey()), value);
            }
        }
    }

    /**
     * Checks that {@code name: value} can be sent as it is. A CR or LF in either would end the field early and let
     * what follows pass for more fields or a second response (response splitting), so a name must be an RFC 9110
     * token and a value must hold no control character but HTAB (no CR, LF, NUL, DEL).
     *
     * @throws IllegalArgumentException if it cannot
     */
    static void checkSendable(String name, String value) {
        if (!isToken(name)) {
            throw new IllegalArgumentException("header name is not an RFC 9110 token: \"" + printable(name) + "\"");
        }
        if (!isValue(value)) {
            throw new IllegalArgumentException("header " + name + ": value holds a control character: \"" + printable(value) + "\"");
        }
    }

    /** {@code s} with its control characters escaped, shortened, for a message. */
    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && out.length() < 80; i++) {
            char c = s.charAt(i);
            if (c < ' ' || c == 127) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Whether {@code s} is an RFC 9110 token: one or more visible ASCII characters, no delimiter. */
    static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    /** Whether {@code s} may be a field value: no control character but HTAB (obs-text, 0x80 and above, is kept). */
    static boolean isValue(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < ' ' && c != '\t') || c == 127) {
                return false;
            }
        }
        return true;
    }

    /** {@code s} without the spaces and tabs (RFC 9110's OWS) around it, and nothing else. */
    static String trimWhitespace(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
            end--;
        }
        return s.substring(start, end);
    }

    /** Appends {@code Name: value\r\n} for each value. */
    void writeTo(StringBuilder out) {
        for (Map.Entry<String, List<String>> field : fields.entrySet()) {
            String name = spelling.get(field.getKey());
            for (String value : field.getValue()) {
                out.append(name).append(": ").append(value).append("\r\n");
            }
        }
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        writeTo(out);
        return out.toString();
    }
}
