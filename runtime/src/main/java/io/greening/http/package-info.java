/**
 * A small HTTP/1.1 server on the hub, the counterpart of {@code eventlet.wsgi}: {@link io.greening.http.GreenHttpServer}
 * serves each connection in a green thread, with keep-alive, chunked request and response bodies and request size
 * limits, calling an {@link io.greening.http.HttpHandler} with an {@link io.greening.http.HttpRequest} and an
 * {@link io.greening.http.HttpResponse}.
 */
package io.greening.http;
