package io.greening.patch;

import io.greening.Green;
import io.greening.Hub;
import io.greening.HubOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
     * What the patch adds over the JDK's own sleep (which also frees the carrier of a virtual thread): the sleep is a
     * timer of the hub, so the hub knows the sleeper will wake. A seeded hub whose green threads are all blocked with
     * no hub timer pending is deadlocked after its 1 s grace ({@code GreenDeadlockException}); with the JDK's sleep
     * (a timer of the JDK's own unparker thread) this 1.5 s sleep would be taken for a deadlock.
     */
    @Test
    void aGreenSleepIsAHubTimerSoASeededHubWaitsForIt() {
        String order = Green.run(HubOptions.DEFAULT.withRandomSchedule(7), () -> {
            StringBuilder seen = new StringBuilder();
            var sleeper = Green.spawn(() -> {
                SleepPatches.sleep(1_500);
                seen.append("sleeper ");
                return null;
            });
            var other = Green.spawn(() -> seen.append("other "));
            other.join();
            sleeper.join();
            return seen.toString();
        });
        assertEquals("other sleeper ", order);
    }

    /** Under a virtual clock a patched hour of sleep ends at once, with the hub's time one hour further. */
    @Test
    void underAVirtualClockAnHourOfSleepAdvancesHubTimeByAnHour() {
        List<Long> advanced = Green.run(HubOptions.DEFAULT.withVirtualClock(true), () -> {
            List<Long> minutes = new ArrayList<>();
            long start = Hub.now();
            SleepPatches.sleep(TimeUnit.HOURS.toMillis(1));
            minutes.add(TimeUnit.NANOSECONDS.toMinutes(Hub.now() - start));
            SleepPatches.sleep(Duration.ofHours(1));
            minutes.add(TimeUnit.NANOSECONDS.toMinutes(Hub.now() - start));
            SleepPatches.sleep(TimeUnit.HOURS, 1);
            minutes.add(TimeUnit.NANOSECONDS.toMinutes(Hub.now() - start));
            SleepPatches.sleep(TimeUnit.HOURS.toMillis(1), 999_999);
            minutes.add(TimeUnit.NANOSECONDS.toMinutes(Hub.now() - start));
            return minutes;
        });
        // Three hours and more of virtual sleep within the class's 60 s @Timeout.
        assertEquals(List.of(60L, 120L, 180L, 240L), advanced);
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
        // WAITING on a hub timer; TIMED_WAITING in the JDK's own sleep, where the interrupt must work the same way
        while (sleeper.thread().getState() != Thread.State.WAITING
                && sleeper.thread().getState() != Thread.State.TIMED_WAITING) {
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
