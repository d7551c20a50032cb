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
