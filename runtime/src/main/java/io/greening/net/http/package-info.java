/**
 * A small HTTP/1.1 server on the hub, the counterpart of {@code eventlet.wsgi}: {@link io.greening.net.http.GreenHttpServer}
 * serves each connection in a green thread, with keep-alive, chunked request and response bodies and request size
 * limits, calling an {@link io.greening.net.http.HttpHandler} with an {@link io.greening.net.http.HttpRequest} and an
 * {@link io.greening.net.http.HttpResponse}.
 */
package io.greening.net.http;
