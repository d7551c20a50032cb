package io.greening.patch;

import io.greening.Hub;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The agent's clock rewrites (group {@code sleep}): in selected code, {@code System.currentTimeMillis},
 * {@code System.nanoTime}, {@code Instant.now()} and {@code Clock.systemUTC()/systemDefaultZone()} read the hub's
 * clock, so they agree with sleeps and timeouts under {@code clock=virtual}. Off a virtual hub each returns what the
 * JDK call returns.
 */
public final class ClockPatches {
    private ClockPatches() {}

    /** {@code System.currentTimeMillis()}. */
    public static long currentTimeMillis() {
        return Hub.currentTimeMillis();
    }

    /** {@code System.nanoTime()}. */
    public static long nanoTime() {
        return Hub.now();
    }

    /** {@code Instant.now()}. */
    public static Instant now() {
        return Instant.ofEpochMilli(Hub.currentTimeMillis());
    }

    /** {@code Clock.systemUTC()}. */
    public static Clock systemUTC() {
        return new HubClock(ZoneOffset.UTC);
    }

    /** {@code Clock.systemDefaultZone()}. */
    public static Clock systemDefaultZone() {
        return new HubClock(ZoneId.systemDefault());
    }

    /** A clock that reads the hub's time of whichever thread asks it, as the system clock reads the system's. */
    private static final class HubClock extends Clock {
        private final ZoneId zone;

        HubClock(ZoneId zone) {
            this.zone = zone;
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return zone.equals(this.zone) ? this : new HubClock(zone);
        }

        @Override
        public long millis() {
            return Hub.currentTimeMillis();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof HubClock c && c.zone.equals(zone);
        }

        @Override
        public int hashCode() {
            return zone.hashCode() + 1;
        }

        @Override
        public String toString() {
            return "HubClock[" + zone + "]";
        }
    }
}
