package com.acme.workservlet;

import com.acme.backend.Backend;
import com.acme.downstream.Downstream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The servlet apps' blocking endpoint, the same in every servlet container: {@code GET /work?n=<n>} sleeps 10 ms,
 * calls the downstream service ({@link Backend}) with {@link Downstream#fetch} and answers
 * {@code work <n> <downstream body>}.
 */
public final class WorkServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final AtomicLong SERVED_ON_VIRTUAL_THREADS = new AtomicLong();
    private final String downstreamBase;
    private final AtomicLong served;
    private final AtomicInteger downstreamFailures;

    /** Calls {@code downstreamBase + "/item/<n>"}; counts answers in {@code served}, failed calls in the other. */
    public WorkServlet(String downstreamBase, AtomicLong served, AtomicInteger downstreamFailures) {
        this.downstreamBase = downstreamBase;
        this.served = served;
        this.downstreamFailures = downstreamFailures;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String n = request.getParameter("n") == null ? "0" : request.getParameter("n");
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response.sendError(503);
            return;
        }
        String body;
        try {
            body = Downstream.fetch(downstreamBase + "/item/" + n);
        } catch (IOException e) {
            downstreamFailures.incrementAndGet();
            response.sendError(502, e.toString());
            return;
        }
        response.setContentType("text/plain");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().print("work " + n + " " + body);
        if (Thread.currentThread().isVirtual()) {
            SERVED_ON_VIRTUAL_THREADS.incrementAndGet();
        }
        served.incrementAndGet();
    }

    /** How many requests every {@code WorkServlet} of this JVM answered on a virtual thread (a container's option). */
    public static long servedOnVirtualThreads() {
        return SERVED_ON_VIRTUAL_THREADS.get();
    }
}
