package com.acme.downstream;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * How the server apps call their downstream service: a blocking {@link HttpURLConnection} GET. It lives apart from
 * {@code com.acme.backend}, which the tests leave unselected, so that the call is greened with the app.
 */
public final class Downstream {
    private Downstream() {}

    /** The body of {@code GET url}; an {@link IOException} for a status other than 200. */
    public static String fetch(String url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setConnectTimeout(30_000);
        connection.setReadTimeout(30_000);
        if (connection.getResponseCode() != 200) {
            throw new IOException("downstream status " + connection.getResponseCode());
        }
        try (InputStream in = connection.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
