package io.greening.examples;

import io.greening.stackless.Channel;
import io.greening.stackless.Stackless;
import io.greening.stackless.Tasklet;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The hacky-sack game of the Stackless notes (after Grant Olson's tutorial): thousands of tasklets, each with a
 * channel, kick one message (the sack) around the circle; each receives it, kicks it to a random other player,
 * schedules, and waits again. When the kicks reach the number of turns, every player is told to exit.
 *
 * <pre>
 * class HackySacker:
 *     def __init__(self):
 *         self.channel = stackless.channel()
 *         stackless.tasklet(self.messageLoop)()
 *     def messageLoop(self):
 *         while True:
 *             message = self.channel.receive()
 *             if message == 'exit': return
 *             ...kick it to another player...
 *             stackless.schedule()
 * </pre>
 */
public final class HackySackerExample {
    /** What a run of the game did. */
    public record Result(int players, int kicks, int exited, long heapUsedBytes) {}

    private final List<HackySacker> circle = new ArrayList<>();
    private final Random random = new Random(42);
    private final int turns;
    private int kicks;
    private int exited;
    private long heapAtPeak;

    private HackySackerExample(int turns) {
        this.turns = turns;
    }

    private final class HackySacker {
        final String name;
        final Channel<Object> channel = new Channel<>();

        HackySacker(String name) {
            this.name = name;
            circle.add(this);
            new Tasklet(this::messageLoop);
        }

        void messageLoop() {
            while (true) {
                Object message = channel.receive();
                if ("exit".equals(message)) {
                    exited++;
                    return;
                }
                HackySacker kickTo = circle.get(random.nextInt(circle.size()));
                while (kickTo == this) {
                    kickTo = circle.get(random.nextInt(circle.size()));
                }
                if (++kicks >= turns) {
                    heapAtPeak = heapUsed();
                    for (HackySacker other : circle) {
                        if (other != this) {
                            other.channel.send("exit");
                        }
                    }
                    exited++;
                    return;
                }
                kickTo.channel.send(this);
                Stackless.schedule();   // as the notes say: let the others run
            }
        }
    }

    /** Plays with {@code players} + 1 tasklets until {@code turns} kicks, then returns what happened. */
    public static Result play(int players, int turns) {
        HackySackerExample game = new HackySackerExample(turns);
        HackySacker one = game.new HackySacker("1");
        for (int i = 0; i < players; i++) {
            game.new HackySacker(Integer.toString(i));
        }
        one.channel.send(one);
        Stackless.run();
        return new Result(game.circle.size(), game.kicks, game.exited, game.heapAtPeak);
    }

    private static long heapUsed() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /** Runs the game and prints its summary. */
    public static void run(PrintStream out, int players, int turns) {
        long start = System.nanoTime();
        Result result = play(players, turns);
        long millis = (System.nanoTime() - start) / 1_000_000;
        out.println(result.players() + " hackysackers kicked the sack " + result.kicks() + " times; "
                + result.exited() + " exited; run count " + Stackless.getRunCount());
        System.err.printf("took %d ms, heap used with all tasklets alive: %d MB%n", millis,
                result.heapUsedBytes() / (1024 * 1024));
    }

    /** Arguments: players (default 10000) and turns (default 1000). */
    public static void main(String[] args) {
        int players = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int turns = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        run(System.out, players, turns);
    }
}
