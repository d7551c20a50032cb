package com.acme.springapp;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** What the controller shares with {@link SpringApp}: the downstream's address, the counts and the stop signal. */
public final class WorkState {
    private final String downstreamBase;
    private final AtomicLong served = new AtomicLong();
    private final AtomicInteger downstreamFailures = new AtomicInteger();
    private final CountDownLatch shutdown = new CountDownLatch(1);

    public WorkState(String downstreamBase) {
        this.downstreamBase = downstreamBase;
    }

    /** {@code http://host:port} of the downstream service. */
    public String downstreamBase() {
        return downstreamBase;
    }

    public void servedOne() {
        served.incrementAndGet();
    }

    public long served() {
        return served.get();
    }

    public void downstreamFailed() {
        downstreamFailures.incrementAndGet();
    }

    public int downstreamFailures() {
        return downstreamFailures.get();
    }

    public void shutdown() {
        shutdown.countDown();
    }

    public void awaitShutdown() throws InterruptedException {
        shutdown.await();
    }
}
