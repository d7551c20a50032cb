package io.greening.diagnostics;

import io.greening.Green;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.*;

@org.junit.jupiter.api.Timeout(30)
class StallMonitorTest {

    @Test
    void aThreadThatKeepsTheCarrierIsReportedOnceWithItsStack() {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger("io.greening.stall");
        Handler handler = collectingHandler(records::add);
        logger.addHandler(handler);
        Duration before = StallMonitor.threshold();
        StallMonitor.setThreshold(Duration.ofMillis(50));
        try {
            Green.run(() -> {
                Green.spawn(StallMonitorTest::spinUntilReportedThenLonger).join();
                return null;
            });
        } finally {
            StallMonitor.setThreshold(before);
            logger.removeHandler(handler);
        }
        assertEquals(1, records.size(), "one stall, one report: " + records);
        LogRecord r = records.get(0);
        assertTrue(r.getMessage().contains("green-"), r.getMessage());
        boolean spinnerOnStack = false;
        for (StackTraceElement frame : r.getThrown().getStackTrace()) {
            spinnerOnStack |= frame.getMethodName().equals("spinUntilReportedThenLonger");
        }
        assertTrue(spinnerOnStack, "the report carries the stalling thread's stack");
    }

    static void spinUntilReportedThenLonger() {
        Logger logger = Logger.getLogger("io.greening.stall");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        boolean[] reported = new boolean[1];
        Handler watcher = collectingHandler(r -> reported[0] = true);
        logger.addHandler(watcher);
        try {
            while (!reported[0] && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            // Keep stalling for several more thresholds: still one report for this one stall.
            long more = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            while (System.nanoTime() < more) {
                Thread.onSpinWait();
            }
        } finally {
            logger.removeHandler(watcher);
        }
    }

    @Test
    void offMeansOff() {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger("io.greening.stall");
        Handler handler = collectingHandler(records::add);
        logger.addHandler(handler);
        Duration before = StallMonitor.threshold();
        StallMonitor.setThreshold(Duration.ZERO);
        try {
            Green.run(() -> {
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                return null;
            });
        } finally {
            StallMonitor.setThreshold(before);
            logger.removeHandler(handler);
        }
        assertEquals(List.of(), records);
    }

    private static Handler collectingHandler(java.util.function.Consumer<LogRecord> sink) {
        return new Handler() {
            @Override public void publish(LogRecord r) { sink.accept(r); }
            @Override public void flush() { }
            @Override public void close() { }
        };
    }
}
