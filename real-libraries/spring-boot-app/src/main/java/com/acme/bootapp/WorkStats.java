package com.acme.bootapp;

import org.springframework.stereotype.Component;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** What {@link WorkController} counts for {@link BootApp}'s last line, and the stop signal. */
@Component
public class WorkStats {
    private final AtomicLong served = new AtomicLong();
    private final AtomicInteger downstreamFailures = new AtomicInteger();
    private final AtomicInteger dbFailures = new AtomicInteger();
    private final CountDownLatch shutdown = new CountDownLatch(1);

    void servedOne() {
        served.incrementAndGet();
    }

    long served() {
        return served.get();
    }

    void downstreamFailed() {
        downstreamFailures.incrementAndGet();
    }

    int downstreamFailures() {
        return downstreamFailures.get();
    }

    void dbFailed() {
        dbFailures.incrementAndGet();
    }

    int dbFailures() {
        return dbFailures.get();
    }

    void shutdown() {
        shutdown.countDown();
    }

    void awaitShutdown() throws InterruptedException {
        shutdown.await();
    }
}
