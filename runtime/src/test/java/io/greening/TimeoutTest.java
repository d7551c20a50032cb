package io.greening;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

@org.junit.jupiter.api.Timeout(30)
class TimeoutTest {

    @Test
    void raisesAtTheNextBlockingPointAfterExpiry() {
        Green.run(() -> {
            long start = System.nanoTime();
            Timeout t = Timeout.of(Duration.ofMillis(20));
            GreenTimeout e = assertThrows(GreenTimeout.class, () -> {
                try (t) {
                    Green.sleep(Duration.ofHours(1));
                }
            });
            assertTrue(e.isFrom(t));
            assertTrue(t.isExpired());
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(20));
            return null;
        });
    }

    @Test
    void anInnerTimeoutDoesNotMasqueradeAsTheOuterOne() {
        Green.run(() -> {
            try (Timeout outer = Timeout.of(Duration.ofSeconds(10))) {
                Timeout inner = Timeout.of(Duration.ofMillis(10));
                GreenTimeout e = assertThrows(GreenTimeout.class, () -> {
                    try (inner) {
                        Green.sleep(Duration.ofHours(1));
                    }
                });
                assertTrue(e.isFrom(inner));
                assertFalse(e.isFrom(outer));
                assertFalse(outer.isExpired());
            }
            return null;
        });
    }

    @Test
    void anOuterTimeoutPassesThroughAnInnerScope() {
        Green.run(() -> {
            Timeout outer = Timeout.of(Duration.ofMillis(10));
            GreenTimeout e = assertThrows(GreenTimeout.class, () -> {
                try (outer; Timeout inner = Timeout.of(Duration.ofSeconds(10))) {
                    Green.sleep(Duration.ofHours(1));
                }
            });
            assertTrue(e.isFrom(outer));
            return null;
        });
    }

    @Test
    void aClosedTimeoutNeverFiresEvenIfItExpiredWhileTheThreadWasBlockedElsewhere() {
        Green.run(() -> {
            Timeout t = Timeout.of(Duration.ofMillis(5));
            Thread.sleep(40);   // the JDK's own sleep: not a greening blocking point, so nothing is raised here
            assertTrue(t.isExpired(), "expired while we were in the JDK's sleep");
            t.close();
            Green.sleep(20);    // a greening blocking point: a closed timeout must not be raised here
            Green.cede();
            return null;
        });
    }

    @Test
    void aClosedTimeoutThatNeverExpiredNeverFires() {
        Green.run(() -> {
            try (Timeout t = Timeout.of(Duration.ofMillis(200))) {
                Green.cede();   // a blocking point well inside the timeout, however loaded the machine
                assertFalse(t.isExpired());
            }
            Green.sleep(300);   // past the closed timeout's deadline: it must not fire
            return null;
        });
    }

    @Test
    void onlyGreenThreadsHaveTimeouts() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Timeout.of(Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("green threads only"));
    }

    @Test
    void raisesTheCallersOwnException() {
        Green.run(() -> {
            IllegalStateException mine = new IllegalStateException("too slow");
            Timeout t = Timeout.of(Duration.ofMillis(10), mine);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
                try (t) {
                    Green.sleep(Duration.ofHours(1));
                }
            });
            assertSame(mine, e, "gevent's Timeout(seconds, exception) raises that exception");
            assertTrue(t.isExpired());

            try (Timeout quiet = Timeout.of(Duration.ofHours(1), new IllegalStateException("never"))) {
                Green.sleep(1);
            }
            return null;
        });
    }
}
