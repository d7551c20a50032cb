package io.greening.bench;

import io.greening.Hub;
import io.greening.HubGroup;
import io.greening.net.http.GreenHttpServer;

import com.sun.net.httpserver.HttpServer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One HTTP server for the load tests ({@code benchmarks/http-load.sh} drives it with {@code wrk},
 * {@code http-load-java.sh} with {@link HttpLoadClient}): the same
 * "hello world" handler on greening's {@link GreenHttpServer} (one hub, or {@code green-group}: a {@link HubGroup}
 * of one hub per core, the agent's default scheduler), or on the JDK's
 * {@code com.sun.net.httpserver} with a pool of platform threads or a virtual thread per request, or on Jetty 12's
 * core server with its defaults (its {@code QueuedThreadPool}, the connector's default selector count). Prints
 * {@code READY <port>} once listening and serves until its standard input closes.
 *
 * <pre>java --add-opens java.base/java.lang=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *     io.greening.bench.HttpLoad green|green-group|jdk-platform|jdk-virtual|jetty [port]</pre>
 */
public final class HttpLoad {
    private static final byte[] HELLO = "hello world\n".getBytes(StandardCharsets.UTF_8);
    /** Platform threads for the JDK server's handlers. */
    static final int PLATFORM_THREADS = Integer.getInteger("httpload.platformThreads", 200);

    private HttpLoad() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: HttpLoad green|green-group|jdk-platform|jdk-virtual|jetty [port]");
            System.exit(2);
        }
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        AutoCloseable server = switch (args[0]) {
            case "green" -> green(address);
            case "green-group" -> greenGroup(address);
            case "jdk-platform" -> jdk(address, Executors.newFixedThreadPool(PLATFORM_THREADS));
            case "jdk-virtual" -> jdk(address, Executors.newVirtualThreadPerTaskExecutor());
            case "jetty" -> jetty(address);
            default -> throw new IllegalArgumentException("unknown server " + args[0]);
        };
        System.in.transferTo(OutputStream.nullOutputStream());   // serve until the driver closes our stdin
        server.close();
    }

    private static AutoCloseable green(InetSocketAddress address) throws IOException {
        Hub hub = Hub.start("http-load");
        GreenHttpServer server = helloServer(address).start(hub);
        ready(server.address().getPort());
        return () -> {
            server.close();
            hub.close();
        };
    }

    /** The same server on a group of hubs: it accepts on the first, and its connections run on every hub. */
    private static AutoCloseable greenGroup(InetSocketAddress address) throws IOException {
        HubGroup group = HubGroup.start("http-load");
        GreenHttpServer server = helloServer(address).start(group.hubs().getFirst());
        ready(server.address().getPort());
        return () -> {
            server.close();
            group.close();
        };
    }

    private static GreenHttpServer helloServer(InetSocketAddress address) {
        return new GreenHttpServer(address, (request, response) -> {
            response.header("Content-Type", "text/plain");
            response.send(200, HELLO);
        });
    }

    private static AutoCloseable jdk(InetSocketAddress address, ExecutorService executor) throws IOException {
        HttpServer server = HttpServer.create(address, 1024);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, HELLO.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(HELLO);
            }
        });
        server.setExecutor(executor);
        server.start();
        ready(server.getAddress().getPort());
        return () -> {
            server.stop(0);
            executor.shutdownNow();
        };
    }

    private static AutoCloseable jetty(InetSocketAddress address) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(address.getHostString());
        connector.setPort(address.getPort());
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, HELLO.length);
                // As the other servers, the whole request body is read; without blocking a pool thread on it.
                Content.Source.consumeAll(request, Callback.from(
                        () -> response.write(true, ByteBuffer.wrap(HELLO), callback), callback::failed));
                return true;
            }
        });
        server.start();
        ready(connector.getLocalPort());
        return server::stop;
    }

    private static void ready(int port) {
        System.out.println("READY " + port);
        System.out.flush();
    }
}
