package io.greening.bench;

import io.greening.Hub;
import io.greening.HubGroup;
import io.greening.net.http.GreenHttpServer;

import com.sun.net.httpserver.HttpServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
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
 * core server with its defaults (its {@code QueuedThreadPool}, the connector's default selector count), or on
 * Netty's HTTP codec ({@code netty}: an NIO event loop group of {@code httpload.nettyThreads} threads, default one per
 * core, accepting and serving, as NettyEchoServer). Prints
 * {@code READY <port>} once listening and serves until its standard input closes.
 *
 * <pre>java --add-opens java.base/java.lang=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *     io.greening.bench.HttpLoad green|green-group|jdk-platform|jdk-virtual|jetty|netty [port]</pre>
 */
public final class HttpLoad {
    private static final byte[] HELLO = "hello world\n".getBytes(StandardCharsets.UTF_8);
    /** Platform threads for the JDK server's handlers. */
    static final int PLATFORM_THREADS = Integer.getInteger("httpload.platformThreads", 200);

    private HttpLoad() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: HttpLoad green|green-group|jdk-platform|jdk-virtual|jetty|netty [port]");
            System.exit(2);
        }
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        AutoCloseable server = start(args[0], address);
        System.in.transferTo(OutputStream.nullOutputStream());   // serve until the driver closes our stdin
        server.close();
    }

    /** Starts the server named {@code name} on {@code address}; prints {@code READY <port>} once it listens. */
    static AutoCloseable start(String name, InetSocketAddress address) throws Exception {
        return switch (name) {
            case "green" -> green(address);
            case "green-group" -> greenGroup(address);
            case "jdk-platform" -> jdk(address, Executors.newFixedThreadPool(PLATFORM_THREADS));
            case "jdk-virtual" -> jdk(address, Executors.newVirtualThreadPerTaskExecutor());
            case "jetty" -> jetty(address);
            case "netty" -> netty(address, Integer.getInteger("httpload.nettyThreads", Runtime.getRuntime().availableProcessors()));
            default -> throw new IllegalArgumentException("unknown server " + name);
        };
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
        connector.setAcceptQueueSize(4096);   // the listen backlog the other servers have (Jetty's default: the JDK's 50)
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

    private static AutoCloseable netty(InetSocketAddress address, int threads) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new HttpServerCodec(), new NettyHello());
                    }
                })
                .bind(address).sync().channel();
        ready(((InetSocketAddress) server.localAddress()).getPort());
        return () -> {
            server.close().sync();
            group.shutdownGracefully().sync();
        };
    }

    /**
     * Netty's "hello world" as its HttpHelloWorldServer example has it, answering once the request's body has
     * arrived (as the other servers, which read it); the answers of one read batch go out in one flush.
     */
    private static final class NettyHello extends SimpleChannelInboundHandler<HttpObject> {
        private boolean keepAlive;

        @Override
        protected void channelRead0(ChannelHandlerContext context, HttpObject message) {
            if (message instanceof HttpRequest request) {
                keepAlive = HttpUtil.isKeepAlive(request);
            }
            if (message instanceof LastHttpContent) {
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        Unpooled.wrappedBuffer(HELLO));
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, HELLO.length);
                if (keepAlive) {
                    context.write(response);
                } else {
                    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                    context.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                }
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext context) {
            context.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            context.close();
        }
    }

    private static void ready(int port) {
        System.out.println("READY " + port);
        System.out.flush();
    }
}
