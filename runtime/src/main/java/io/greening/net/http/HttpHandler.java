package io.greening.net.http;

/**
 * Serves one HTTP request, in the green thread of its connection (the counterpart of a WSGI application). Read
 * the request, then {@linkplain HttpResponse#send(int, byte[]) send} a response or write one to
 * {@linkplain HttpResponse#body() its body}. A handler that returns without responding sends an empty 200; one
 * that throws before responding sends a 500 and closes the connection; the server goes on either way.
 */
@FunctionalInterface
public interface HttpHandler {
    /** Handles {@code request} by filling in {@code response}. */
    void handle(HttpRequest request, HttpResponse response) throws Exception;
}
