package com.acme.nettyapp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.FastThreadLocalThread;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain Netty 4.2 echo server (NIO transport, two event loops) and blocking clients, one {@code Thread} each, in
 * one JVM. Netty's event-loop threads are {@link FastThreadLocalThread}s, and Netty takes its fast thread-local path
 * only where {@code Thread.currentThread()} is one; the handler records what it sees there. Nothing in it knows about
 * greening.
 *
 * <p>Usage: {@code NettyApp <clients> <round trips per client>}. Prints what the handler saw, one fact a line, then
 * {@code netty: echoed=E wrong=W}.
 */
public final class NettyApp {
    private NettyApp() {}

    /** A per-thread counter on Netty's own thread-local, the kind its pooled allocator and recyclers use. */
    private static final FastThreadLocal<AtomicInteger> READS_ON_THIS_LOOP = new FastThreadLocal<>() {
        @Override
        protected AtomicInteger initialValue() {
            return new AtomicInteger();
        }
    };

    public static void main(String[] args) throws Exception {
        int clients = Integer.parseInt(args[0]);
        int roundTrips = Integer.parseInt(args[1]);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap()
                    .group(loops)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline().addLast(new Echo(seen));
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();

            AtomicInteger echoed = new AtomicInteger();
            AtomicInteger wrong = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                Thread thread = new Thread(() -> {
                    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                        DataInputStream in = new DataInputStream(socket.getInputStream());
                        for (int i = 0; i < roundTrips; i++) {
                            int value = client * 1_000_000 + i;
                            out.writeInt(value);
                            out.flush();
                            (in.readInt() == value ? echoed : wrong).incrementAndGet();
                        }
                    } catch (IOException e) {
                        wrong.incrementAndGet();
                    }
                }, "client-" + c);
                thread.start();
                threads.add(thread);
            }
            for (Thread thread : threads) {
                thread.join();
            }
            server.close().sync();
            seen.stream().sorted().forEach(System.out::println);
            System.out.println("netty: echoed=" + echoed.get() + " wrong=" + wrong.get());
        } finally {
            loops.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }

    /** Echoes what it reads, and notes what the event loop's thread looks like from inside. */
    static final class Echo extends ChannelInboundHandlerAdapter {
        private final Set<String> seen;

        Echo(Set<String> seen) {
            this.seen = seen;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            Thread current = Thread.currentThread();
            seen.add("current thread is a FastThreadLocalThread: " + (current instanceof FastThreadLocalThread));
            seen.add("Netty's fast thread-local path: " + FastThreadLocalThread.currentThreadHasFastThreadLocal());
            seen.add("in the channel's event loop: " + ctx.channel().eventLoop().inEventLoop());
            seen.add("current thread's name: " + current.getName().replaceAll("\\d+", "N"));
            READS_ON_THIS_LOOP.get().incrementAndGet();
            seen.add("FastThreadLocal counts on this loop: " + (READS_ON_THIS_LOOP.get().get() > 0));
            ctx.writeAndFlush(((ByteBuf) message).retain()).addListener(done -> ((ByteBuf) message).release());
        }
    }
}
