package io.greening.patch;

import io.greening.Green;
import io.greening.GreenThread;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The check of an acceptor draining a burst of connections, for either green accept ({@link GreenSocketTest},
 * {@link GreenChannelsTest}): while one green thread accepts a full backlog, doing a server's set-up for each
 * connection, another ready green thread of the hub must run before the backlog is drained.
 */
final class AcceptBursts {
    /** One accept of a connection found waiting in the backlog, and its close. */
    @FunctionalInterface
    interface AcceptAndClose {
        void run() throws Exception;
    }

    private AcceptBursts() {}

    /** Accepts {@code backlog} connections already waiting, on a hub of its own, and checks the other thread ran meanwhile. */
    static void assertOtherThreadsRunWhileTheBacklogDrains(int backlog, AcceptAndClose accept) {
        List<Integer> acceptedWhenTheOtherRan = Green.run(() -> {
            int[] accepted = {0};
            List<Integer> seen = new ArrayList<>();
            GreenThread<Void> other = Green.spawn(() -> {
                while (seen.isEmpty() || seen.getLast() < backlog) {
                    seen.add(accepted[0]);
                    Green.cede();
                }
                return null;
            });
            for (int c = 0; c < backlog; c++) {
                accept.run();
                spin(200_000);   // the set-up a server does per connection (Tomcat: about 1 ms cold)
                accepted[0]++;
            }
            other.join();
            return seen;
        });
        assertTrue(acceptedWhenTheOtherRan.getFirst() < backlog, "the ready green thread first ran when "
                + acceptedWhenTheOtherRan.getFirst() + " of " + backlog + " connections were accepted: "
                + acceptedWhenTheOtherRan);
    }

    /** Computes for {@code nanos} without yielding. */
    private static void spin(long nanos) {
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() - until < 0) {
            Thread.onSpinWait();
        }
    }
}
