package io.greening.bench;

import io.greening.Hub;

import java.util.concurrent.locks.LockSupport;

/**
 * Two threads handing a turn back and forth with park/unpark: one round trip is ping waking pong and pong waking
 * ping, so two context switches. The same code runs on green, virtual and platform threads; only who schedules
 * the threads differs.
 */
final class PingPong {
    private volatile boolean pongsTurn;
    private volatile Thread ping;
    private volatile Thread pong;
    private final boolean viaHubPark;

    /**
     * @param viaHubPark park with {@link Hub#parkUntil} (greening's blocking point, with its kill/timeout checks)
     *                   rather than bare {@link LockSupport#park()}
     */
    PingPong(boolean viaHubPark) {
        this.viaHubPark = viaHubPark;
    }

    /** The body of ping: {@code roundTrips} times, give the turn to pong and wait until it comes back. */
    void ping(int roundTrips) {
        ping = Thread.currentThread();
        while (pong == null) {
            Thread.yield();   // pong has not started yet
        }
        for (int i = 0; i < roundTrips; i++) {
            pongsTurn = true;
            LockSupport.unpark(pong);
            while (pongsTurn) {
                park();
            }
        }
    }

    /** The body of pong: {@code roundTrips} times, wait for the turn and give it back to ping. */
    void pong(int roundTrips) {
        pong = Thread.currentThread();
        for (int i = 0; i < roundTrips; i++) {
            while (!pongsTurn) {
                park();
            }
            pongsTurn = false;
            LockSupport.unpark(ping);
        }
    }

    private void park() {
        if (viaHubPark) {
            Hub.parkUntil(Hub.NO_DEADLINE);
        } else {
            LockSupport.park();
        }
    }
}
