package com.acme.jettyapp;

import com.acme.backend.Backend;
import com.acme.workservlet.WorkServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A plain embedded Jetty 12 (ee10 servlet) app in thread-per-request style: {@code GET /work?n=<n>} sleeps 10 ms, then
 * calls a downstream HTTP service ({@link Backend}, platform threads, same JVM) with {@link HttpURLConnection} and
 * answers {@code work <n> <downstream body>}; {@code GET /shutdown} stops it. Nothing in it knows about greening.
 *
 * <p>Usage: {@code JettyApp <port, 0 = any> <maxThreads> [downstreamThreads, default 32] [virtual]}; {@code virtual}
 * gives the pool Jetty's virtual-threads executor ({@code VirtualThreads.getNamedVirtualThreadsExecutor}, which makes
 * them through reflection), on which Jetty runs the blocking servlet work. Prints {@code jetty: listening port=<p>} once
 * serving, and at the end {@code jetty: served=S downstream-failures=F peak-platform-threads=P qtp-threads-after-stop=Q
 * served-on-virtual-threads=V}.
 */
public final class JettyApp {
    private JettyApp() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int maxThreads = Integer.parseInt(args[1]);
        int downstreamThreads = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        boolean virtualThreads = args.length > 3 && args[3].equals("virtual");
        try (Backend downstream = Backend.start(downstreamThreads)) {
            String downstreamBase = "http://127.0.0.1:" + downstream.port();
            QueuedThreadPool pool = new QueuedThreadPool(maxThreads, 8);
            pool.setName("jetty-worker");
            if (virtualThreads) {
                pool.setVirtualThreadsExecutor(VirtualThreads.getNamedVirtualThreadsExecutor("jetty-virtual-"));
            }
            Server server = new Server(pool);
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            connector.setPort(port);
            connector.setAcceptQueueSize(4096);
            server.addConnector(connector);

            AtomicLong served = new AtomicLong();
            AtomicInteger downstreamFailures = new AtomicInteger();
            CountDownLatch shutdown = new CountDownLatch(1);
            ServletContextHandler context = new ServletContextHandler();
            context.addServlet(new ServletHolder(new WorkServlet(downstreamBase, served, downstreamFailures)), "/work");
            context.addServlet(new ServletHolder(new HttpServlet() {
                @Override
                protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                    response.setContentType("text/plain");
                    response.getWriter().print("stopping");
                    shutdown.countDown();
                }
            }), "/shutdown");
            server.setHandler(context);
            server.start();
            System.out.println("jetty: listening port=" + connector.getLocalPort());
            shutdown.await();
            server.stop();
            System.out.println("jetty: served=" + served.get() + " downstream-failures=" + downstreamFailures.get()
                    + " peak-platform-threads=" + ManagementFactory.getThreadMXBean().getPeakThreadCount()
                    + " peak-os-threads-hwm=" + osThreads() + " qtp-threads-after-stop=" + pool.getThreads()
                    + " served-on-virtual-threads=" + WorkServlet.servedOnVirtualThreads());
        }
    }

    /** OS threads of this process now (Linux), or -1. */
    private static long osThreads() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Threads:")) {
                    return Long.parseLong(line.substring("Threads:".length()).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
