package io.greening;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/** Cases of gevent's src/gevent/tests/test__timeout.py and eventlet's tests/timeout_test.py, ported. */
@org.junit.jupiter.api.Timeout(60)
class GeventTimeoutPortTest {

    /** test__timeout.py test_none / eventlet Timeout(None): a timeout of None never fires. */
    @Test
    void aTimeoutOfNoneNeverFires() {
        Green.run(() -> {
            try (Timeout t = Timeout.of(null)) {
                Green.sleep(Duration.ofMillis(1));
                assertFalse(t.isExpired());
                assertNull(t.duration());
            }
            try (Timeout t = Timeout.of(null, new IllegalStateException("never"))) {
                Green.cede();
                assertFalse(t.isExpired());
            }
            return null;
        });
    }

    /** test__timeout.py test_cancel / eventlet timeout_test test_cancel: a cancelled timeout does not fire. */
    @Test
    void aCancelledTimeoutDoesNotFire() {
        Green.run(() -> {
            Timeout t = Timeout.of(Duration.ZERO);
            t.close();
            Green.sleep(Duration.ofMillis(1));
            t.close();   // closing twice is harmless
            return null;
        });
    }

    /** eventlet timeout_test test_raising_exception_class: the caller's exception is raised. */
    @Test
    void theCallersExceptionIsRaisedAtTheBlockingPoint() {
        Green.run(() -> {
            IllegalStateException mine = new IllegalStateException("mine");
            try (Timeout t = Timeout.of(Duration.ZERO, mine)) {
                assertSame(mine, assertThrows(IllegalStateException.class, () -> Green.sleep(Duration.ofDays(1))));
                assertTrue(t.isExpired());
            }
            return null;
        });
    }
}
