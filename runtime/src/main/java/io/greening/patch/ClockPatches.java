package io.greening.patch;

import io.greening.Hub;
import io.greening.internal.Access;
import io.greening.internal.HubClock;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The agent's clock rewrites: in selected code, {@code System.currentTimeMillis}, {@code System.nanoTime},
 * {@code Instant.now()} and {@code Clock.systemUTC()/systemDefaultZone()} read the hub's clock, so they agree with
 * sleeps and timeouts under {@code clock=virtual}. Off a hub with a virtual clock each returns what the JDK call
 * returns, at the JDK's precision; on one, the hub's virtual time, at nanosecond precision.
 */
public final class ClockPatches {
    private ClockPatches() {}

    /** {@code System.currentTimeMillis()}. */
    public static long currentTimeMillis() {
        HubClock clock = clockOfCaller();
        return clock == null ? System.currentTimeMillis() : clock.currentTimeMillis();
    }

    /** {@code System.nanoTime()}. */
    public static long nanoTime() {
        return Hub.now();
    }

    /** {@code Instant.now()}. */
    public static Instant now() {
        HubClock clock = clockOfCaller();
        return clock == null ? Instant.now() : clock.instant();
    }

    /** The clock of the caller's hub, or {@code null} off any hub. */
    private static HubClock clockOfCaller() {
        Hub hub = Hub.current();
        return hub == null ? null : Access.greening().clock(hub);
    }

    /** {@code Clock.systemUTC()}. */
    public static Clock systemUTC() {
        return new CallersHubClock(ZoneOffset.UTC);
    }

    /** {@code Clock.systemDefaultZone()}. */
    public static Clock systemDefaultZone() {
        return new CallersHubClock(ZoneId.systemDefault());
    }

    /** A clock that reads the hub's time of whichever thread asks it, as the system clock reads the system's. */
    private static final class CallersHubClock extends Clock {
        private final ZoneId zone;

        CallersHubClock(ZoneId zone) {
            this.zone = zone;
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return zone.equals(this.zone) ? this : new CallersHubClock(zone);
        }

        @Override
        public long millis() {
            return currentTimeMillis();
        }

        @Override
        public Instant instant() {
            return now();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof CallersHubClock c && c.zone.equals(zone);
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
