package io.greening.bench;

import io.greening.Green;
import io.greening.GreenThread;
import io.greening.Hub;
import io.greening.internal.Deadlines;
import io.greening.internal.Parking;

import java.util.List;
import java.util.concurrent.ThreadFactory;
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
     * @param viaHubPark park with {@link Parking#parkUntil} (greening's blocking point, with its kill/timeout checks)
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

    /** The two threads that played, ping then pong. */
    List<Thread> players() {
        return List.of(ping, pong);
    }

    /** Plays {@code roundTrips} round trips between two new green threads of {@code hub} and waits for them. */
    static PingPong onHub(Hub hub, int roundTrips, boolean viaHubPark) {
        PingPong game = new PingPong(viaHubPark);
        GreenThread<?> ping = hub.spawn(() -> game.ping(roundTrips));
        GreenThread<?> pong = hub.spawn(() -> game.pong(roundTrips));
        ping.get();
        pong.get();
        return game;
    }

    /** Plays {@code roundTrips} round trips between two new threads made by {@code threads} and waits for them. */
    static PingPong onThreads(ThreadFactory threads, int roundTrips) throws InterruptedException {
        PingPong game = new PingPong(false);
        Thread ping = threads.newThread(() -> game.ping(roundTrips));
        Thread pong = threads.newThread(() -> game.pong(roundTrips));
        ping.start();
        pong.start();
        ping.join();
        pong.join();
        return game;
    }

    /**
     * Two green threads of {@code hub} each calling {@link Green#cede()} {@code roundTrips} times, in turn; returns
     * the two threads.
     */
    static List<Thread> cedeOnHub(Hub hub, int roundTrips) {
        Runnable cedeLoop = () -> {
            for (int i = 0; i < roundTrips; i++) {
                Green.cede();
            }
        };
        GreenThread<?> a = hub.spawn(cedeLoop);
        GreenThread<?> b = hub.spawn(cedeLoop);
        a.get();
        b.get();
        return List.of(a.thread(), b.thread());
    }

    private void park() {
        if (viaHubPark) {
            Parking.parkUntil(Deadlines.NO_DEADLINE);
        } else {
            LockSupport.park();
        }
    }
}
