package io.greening.examples;

import io.greening.net.http.GreenHttpServer;
import io.greening.net.http.HttpHandler;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The eventlet notes' WSGI server example, in greening:
 * <pre>
 * def hello_world(env, start_response):
 *     start_response('200 OK', [('content-type', 'text/plain')])
 *     return ['Hello, World!\r\n']
 * wsgi.server(api.tcp_listener(('', 8080)), hello_world)
 * </pre>
 * The server runs on the shared hub; a JDK HttpClient (on platform threads) fetches the page and prints it.
 */
public final class WsgiHelloWorldExample {
    private WsgiHelloWorldExample() {}

    /** The WSGI application {@code hello_world}. */
    static final HttpHandler HELLO_WORLD = (request, response) -> {
        response.header("content-type", "text/plain");
        response.send(200, "Hello, World!\r\n");
    };

    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    /** Serves {@link #HELLO_WORLD}, fetches it once and prints the status, content type and body to {@code out}. */
    public static void run(PrintStream out) throws Exception {
        GreenHttpServer server = new GreenHttpServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), HELLO_WORLD).start();
        try (HttpClient client = HttpClient.newHttpClient()) {
            URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + "/");
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            out.println(response.statusCode());
            out.println("content-type: " + response.headers().firstValue("content-type").orElse("?"));
            out.print(response.body());
        } finally {
            server.stop(Duration.ofSeconds(1));
        }
    }
}
