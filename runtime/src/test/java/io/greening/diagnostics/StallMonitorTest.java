package io.greening.diagnostics;

import io.greening.Green;
import io.greening.testing.LogCapture;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.*;

@org.junit.jupiter.api.Timeout(30)
class StallMonitorTest {

    @Test
    void aThreadThatKeepsTheCarrierIsReportedOnceWithItsStack() {
        List<LogRecord> records;
        Duration before = StallMonitor.threshold();
        StallMonitor.setThreshold(Duration.ofMillis(50));
        try (LogCapture log = LogCapture.of("io.greening.stall")) {
            records = log.records();
            Green.run(() -> {
                Green.spawn(() -> spinUntilReportedThenLonger(log.records())).join();
                return null;
            });
        } finally {
            StallMonitor.setThreshold(before);
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

    static void spinUntilReportedThenLonger(List<LogRecord> reported) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (reported.isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        // Keep stalling for several more thresholds: still one report for this one stall.
        long more = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        while (System.nanoTime() < more) {
            Thread.onSpinWait();
        }
    }

    @Test
    void offMeansOff() {
        Duration before = StallMonitor.threshold();
        StallMonitor.setThreshold(Duration.ZERO);
        try (LogCapture log = LogCapture.of("io.greening.stall")) {
            Green.run(() -> {
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                return null;
            });
            assertEquals(List.of(), log.records());
        } finally {
            StallMonitor.setThreshold(before);
        }
    }
}
