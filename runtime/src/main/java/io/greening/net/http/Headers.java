package io.greening.net.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * HTTP header fields: names compared ignoring case, several values per name, in the order they were added. Not
 * thread-safe (a request's and a response's headers belong to the green thread serving them).
 */
public final class Headers {
    /**
     * The fields, one per name in the order the names were first added. A request or response has a handful, so a
     * scan comparing names ignoring case costs less than hashing lower-cased copies (which showed up in profiles of
     * the server under load).
     */
    private final List<Field> fields = new ArrayList<>(8);

    /**
     * Past this many names, lookups go through {@link #index}: a scan per added field would make a header section of
     * thousands of short names (64 KiB holds over 10,000) cost seconds of CPU, quadratic in its size.
     */
    private static final int SCANNED_NAMES = 16;

    /** The fields by lower-cased name, once there are more than {@link #SCANNED_NAMES}; {@code null} until then. */
    private Map<String, Field> index;

    /** A name as first spelled and its values in order. */
    private record Field(String name, List<String> values) {
    }

    /** No headers. */
    public Headers() {
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private Field field(String name) {
        if (index != null) {
            return index.get(key(name));
        }
        for (int i = 0; i < fields.size(); i++) {
            Field field = fields.get(i);
            if (field.name.equalsIgnoreCase(name)) {
                return field;
            }
        }
        return null;
    }

    /** Adds a value of {@code name}, after those it has. */
    public Headers add(String name, String value) {
        Field field = field(name);
        if (field == null) {
            field = new Field(name, new ArrayList<>(1));
            fields.add(field);
            if (index != null) {
                index.put(key(name), field);
            } else if (fields.size() > SCANNED_NAMES) {
                index = new HashMap<>();
                for (Field each : fields) {
                    index.put(key(each.name), each);
                }
            }
        }
        field.values.add(value);
        return this;
    }

    /** Sets {@code name} to the single {@code value}. */
    public Headers set(String name, String value) {
        remove(name);
        return add(name, value);
    }

    /** Removes every value of {@code name}. */
    public Headers remove(String name) {
        if (index != null) {
            Field field = index.remove(key(name));
            if (field != null) {
                fields.removeIf(each -> each == field);
            }
            return this;
        }
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).name.equalsIgnoreCase(name)) {
                fields.remove(i);
                return this;
            }
        }
        return this;
    }

    /** The first value of {@code name}, or {@code null}. */
    public String first(String name) {
        Field field = field(name);
        return field == null ? null : field.values.getFirst();
    }

    /** Every value of {@code name}, in order (empty if none). */
    public List<String> all(String name) {
        Field field = field(name);
        return field == null ? List.of() : Collections.unmodifiableList(field.values);
    }

    /** Whether {@code name} has a value. */
    public boolean contains(String name) {
        return field(name) != null;
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
        Set<String> names = new LinkedHashSet<>();
        for (Field field : fields) {
            names.add(field.name);
        }
        return Collections.unmodifiableSet(names);
    }

    /** Removes every field. */
    void clear() {
        fields.clear();
        index = null;
    }

    /**
     * Checks that every field can be sent as it is: a name that is a token, a value without control characters.
     *
     * @throws IllegalArgumentException naming the first field that cannot
     */
    void checkSendable() {
        for (Field field : fields) {
            for (String value : field.values) {
                checkSendable(field.name, value);
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
        for (Field field : fields) {
            for (String value : field.values) {
                out.append(field.name).append(": ").append(value).append("\r\n");
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
