package io.greening.patch;

import io.greening.Green;
import io.greening.Hub;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

@org.junit.jupiter.api.Timeout(60)
class SleepPatchesTest {

    @Test
    void greenSleepsNeverEndEarly() {
        Green.run(() -> {
            assertNotNull(Hub.current());
            long start = System.nanoTime();
            SleepPatches.sleep(30);
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(30));
            start = System.nanoTime();
            SleepPatches.sleep(Duration.ofMillis(20));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(20));
            start = System.nanoTime();
            SleepPatches.sleep(TimeUnit.MILLISECONDS, 20);
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(20));
            start = System.nanoTime();
            SleepPatches.sleep(10, 500_000);
            assertTrue(System.nanoTime() - start >= 10_500_000);
            return null;
        });
    }

    /**
     * The sleeper sleeps a minute; the other green thread of its hub runs meanwhile, sees it still asleep, and ends
     * the sleep with an interrupt: no timing, only the order of events.
     */
    @Test
    void aSleepingGreenThreadLetsTheOthersOfItsHubRun() {
        String order = Green.run(() -> {
            StringBuilder seen = new StringBuilder();
            Thread[] sleeperThread = new Thread[1];
            var sleeper = Green.spawn(() -> {
                sleeperThread[0] = Thread.currentThread();
                try {
                    SleepPatches.sleep(60_000);
                    seen.append("slept ");
                } catch (InterruptedException e) {
                    seen.append("woken ");
                }
                return null;
            });
            var other = Green.spawn(() -> {
                seen.append("other ");
                sleeperThread[0].interrupt();
                return null;
            });
            other.join();
            sleeper.join();
            return seen.toString();
        });
        assertEquals("other woken ", order);
    }

    @Test
    void argumentChecksAndInterruptsAsTheJdk() {
        Green.run(() -> {
            IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> SleepPatches.sleep(-1));
            assertEquals("timeout value is negative", negative.getMessage());
            assertThrows(IllegalArgumentException.class, () -> SleepPatches.sleep(1, 1_000_000));
            assertThrows(NullPointerException.class, () -> SleepPatches.sleep((Duration) null));
            SleepPatches.sleep(Duration.ofMillis(-5));     // negative duration: returns, as the JDK's
            SleepPatches.sleep(TimeUnit.SECONDS, -1);       // non-positive TimeUnit sleep: returns
            SleepPatches.sleep(0);

            Thread.currentThread().interrupt();
            InterruptedException e = assertThrows(InterruptedException.class, () -> SleepPatches.sleep(10_000));
            assertEquals("sleep interrupted", e.getMessage());
            assertFalse(Thread.currentThread().isInterrupted(), "the status is cleared, as by the JDK");
            return null;
        });
    }

    @Test
    void anInterruptWakesAGreenSleeper() throws Exception {
        CountDownLatch asleep = new CountDownLatch(1);
        var sleeper = Hub.shared().spawn(() -> {
            asleep.countDown();
            try {
                SleepPatches.sleep(Duration.ofMinutes(5));
                return "slept";
            } catch (InterruptedException e) {
                return "interrupted " + Thread.currentThread().isInterrupted();
            }
        });
        asleep.await();
        while (sleeper.thread().getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        sleeper.thread().interrupt();
        assertEquals("interrupted false", sleeper.get());
    }

    @Test
    void offTheHubItIsTheJdkSleep() throws Exception {
        assertNull(Hub.current());
        long start = System.nanoTime();
        SleepPatches.sleep(5);
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(5));
        assertThrows(IllegalArgumentException.class, () -> SleepPatches.sleep(-1));
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> SleepPatches.sleep(TimeUnit.SECONDS, 5));
        assertFalse(Thread.currentThread().isInterrupted());
    }
}
