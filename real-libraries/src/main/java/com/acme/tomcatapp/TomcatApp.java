package com.acme.tomcatapp;

import com.acme.backend.Backend;
import com.acme.workservlet.WorkServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A plain embedded Tomcat 11 app in thread-per-request style, on Tomcat's default NIO connector (an acceptor thread,
 * a poller thread and a worker pool of {@code TaskThread}s): {@code GET /work?n=<n>} sleeps 10 ms, then calls a
 * downstream HTTP service ({@link Backend}, platform threads, same JVM) with {@link HttpURLConnection} and answers
 * {@code work <n> <downstream body>}; {@code GET /shutdown} stops it. Nothing in it knows about greening.
 *
 * <p>Usage: {@code TomcatApp <port, 0 = any> <maxThreads> [downstreamThreads, default 32] [virtual]}; {@code virtual}
 * turns on Tomcat's {@code useVirtualThreads}: a virtual thread per request (Tomcat's {@code VirtualThreadExecutor},
 * which makes them through reflection) in place of the worker pool. Prints {@code tomcat: listening port=<p>} once
 * serving, and at the end {@code tomcat: served=S downstream-failures=F peak-platform-threads=P
 * served-on-virtual-threads=V}.
 */
public final class TomcatApp {
    private TomcatApp() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int maxThreads = Integer.parseInt(args[1]);
        int downstreamThreads = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        boolean virtualThreads = args.length > 3 && args[3].equals("virtual");
        try (Backend downstream = Backend.start(downstreamThreads)) {
            AtomicLong served = new AtomicLong();
            AtomicInteger downstreamFailures = new AtomicInteger();
            CountDownLatch shutdown = new CountDownLatch(1);
            Path baseDir = Files.createTempDirectory("tomcat-app");
            Tomcat tomcat = new Tomcat();
            tomcat.setBaseDir(baseDir.toString());
            Connector connector = connector(port, maxThreads);
            if (virtualThreads) {
                connector.setProperty("useVirtualThreads", "true");
            }
            tomcat.setConnector(connector);
            Context context = tomcat.addContext("", null);
            Tomcat.addServlet(context, "work",
                    new WorkServlet("http://127.0.0.1:" + downstream.port(), served, downstreamFailures));
            context.addServletMapping("/work", "work");
            Tomcat.addServlet(context, "shutdown", new HttpServlet() {
                @Override
                protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                    response.setContentType("text/plain");
                    response.getWriter().print("stopping");
                    shutdown.countDown();
                }
            });
            context.addServletMapping("/shutdown", "shutdown");
            tomcat.start();
            System.out.println("tomcat: listening port=" + connector.getLocalPort());
            shutdown.await();
            tomcat.stop();
            tomcat.destroy();
            System.out.println("tomcat: served=" + served.get() + " downstream-failures=" + downstreamFailures.get()
                    + " peak-platform-threads=" + ManagementFactory.getThreadMXBean().getPeakThreadCount()
                    + " served-on-virtual-threads=" + WorkServlet.servedOnVirtualThreads());
        }
    }

    /**
     * Tomcat's default HTTP/1.1 connector (NIO) on loopback, with up to {@code maxThreads} workers and a backlog that
     * holds a burst of connections.
     */
    public static Connector connector(int port, int maxThreads) {
        Connector connector = new Connector();
        connector.setPort(port);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("maxThreads", Integer.toString(maxThreads));
        connector.setProperty("acceptCount", "4096");
        return connector;
    }
}
