package io.greening.examples;

import io.greening.stackless.Channel;
import io.greening.stackless.Stackless;
import io.greening.stackless.Tasklet;

import java.io.PrintStream;

/**
 * The notes' coroutine example: ping and pong each loop receiving on their own channel and sending on the other's;
 * a third tasklet starts the rally by sending 'startup' to ping. The notes' loop never ends; here ping stops the
 * rally after a number of rounds by sending an empty message (Python's falsy value), which pong passes back.
 */
public final class PingPongExample {
    private PingPongExample() {}

    /** Runs {@code rounds} rounds, printing to {@code out}. */
    public static void run(PrintStream out, int rounds) {
        Channel<String> pingChannel = new Channel<>();
        Channel<String> pongChannel = new Channel<>();
        new Tasklet(() -> {   // ping
            int round = 0;
            String message;
            while ((message = pingChannel.receive()) != null) {
                out.println("ping got " + message);
                round++;
                pongChannel.send(round < rounds ? "from ping" : null);
            }
            out.println("ping done");
        });
        new Tasklet(() -> {   // pong
            String message;
            while ((message = pongChannel.receive()) != null) {
                out.println("pong got " + message);
                pingChannel.send("from pong");
            }
            out.println("pong done");
            pingChannel.send(null);
        });
        new Tasklet(args -> pingChannel.send("startup"));   // starts the loop
        Stackless.run();
    }

    /** Plays three rounds. */
    public static void main(String[] args) {
        run(System.out, 3);
    }
}
