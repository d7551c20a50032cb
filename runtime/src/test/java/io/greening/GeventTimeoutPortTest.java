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

    // ---- second round: test__timeout.py, eventlet timeout_test.py ----

    /** test__timeout.py Test.test_expires / test_context_manager: the timeout raised is the very one opened. */
    @Test
    void theTimeoutRaisedIsTheOneOpened() {
        Green.run(() -> {
            Timeout opened = null;
            try (Timeout t = Timeout.of(Duration.ofMillis(1))) {
                opened = t;
                Green.sleep(Duration.ofDays(1));
                fail("must raise");
            } catch (GreenTimeout ex) {
                assertTrue(ex.isFrom(opened));
                assertTrue(opened.isExpired());
            }
            return null;
        });
    }

    /** test__timeout.py Test.test_with_timeout / eventlet TestWithTimeout.test_with_timeout. */
    @Test
    void withTimeoutRaisesOrReturnsTheTimeoutValue() {
        Green.run(() -> {
            assertThrows(GreenTimeout.class, () -> Green.withTimeout(Duration.ofMillis(1), () -> {
                Green.sleep(Duration.ofDays(1));
                return "late";
            }));
            Object x = new Object();
            assertSame(x, Green.withTimeout(Duration.ofMillis(1), () -> {
                Green.sleep(Duration.ofDays(1));
                return "late";
            }, x));
            assertNull(Green.withTimeout(Duration.ofSeconds(30), () -> {
                Green.sleep(1);
                return null;
            }, x));
            assertEquals("value", Green.withTimeout(Duration.ofSeconds(30), () -> "value"));
            return null;
        });
    }

    /**
     * eventlet timeout_test.py TestWithTimeout.test_with_outer_timer: an inner withTimeout with a timeout value does not
     * swallow the outer one's expiry.
     */
    @Test
    void anInnerWithTimeoutDoesNotCatchTheOuterTimeout() {
        Green.run(() -> {
            assertThrows(GreenTimeout.class, () -> Green.withTimeout(Duration.ofMillis(10),
                    () -> Green.withTimeout(Duration.ofSeconds(30), () -> {
                        Green.sleep(Duration.ofDays(1));
                        return "a";
                    }, "b")));
            return null;
        });
    }

    /** test__timeout.py: a body's own failure goes through withTimeout unchanged. */
    @Test
    void withTimeoutRethrowsWhatTheBodyThrows() {
        Green.run(() -> {
            IllegalStateException boom = new IllegalStateException("boom");
            assertSame(boom, assertThrows(IllegalStateException.class, () -> Green.withTimeout(Duration.ofSeconds(30),
                    () -> {
                        throw boom;
                    }, "ignored")));
            return null;
        });
    }
}
