/**
 * Servers and connections on the hub: {@link io.greening.net.GreenServer} (gevent's {@code StreamServer}) serves each
 * accepted {@link io.greening.net.GreenConnection} in a green thread; an HTTP/1.1 server is in
 * {@link io.greening.net.http}.
 */
package io.greening.net;
