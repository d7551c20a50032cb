package com.acme.apps;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A thread blocked in a native read ({@code System.in.read()} on a pipe nobody writes to: no rewrite reaches it, as
 * the JDK's console stream) next to a neighbour that ticks, sleeping {@code periodMs} between ticks. Prints how many
 * of its ticks the neighbour made, and its tick rate as a share of the rate it asked for. The main thread waits at
 * most five times the ticks' time, so that a neighbour that never ticks still ends the run.
 *
 * <pre>StuckReadApp [ticks 20] [periodMs 50]</pre>
 */
public final class StuckReadApp {
    private StuckReadApp() {}

    public static void main(String[] args) throws Exception {
        int ticks = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int periodMs = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        CountDownLatch reading = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            reading.countDown();
            try {
                System.out.println("read returned " + System.in.read());
            } catch (IOException e) {
                System.out.println("read failed: " + e);
            }
        }, "stuck-reader");
        reader.setDaemon(true);
        reader.start();
        reading.await();
        CountDownLatch ticked = new CountDownLatch(ticks);
        Thread neighbour = new Thread(() -> {
            for (int i = 0; i < ticks; i++) {
                try {
                    Thread.sleep(periodMs);
                } catch (InterruptedException e) {
                    return;
                }
                ticked.countDown();
            }
        }, "neighbour");
        neighbour.setDaemon(true);
        long began = System.nanoTime();
        neighbour.start();
        ticked.await(5L * ticks * periodMs, TimeUnit.MILLISECONDS);
        long elapsedMs = (System.nanoTime() - began) / 1_000_000;
        long made = ticks - ticked.getCount();
        double rate = made == 0 ? 0 : (double) made * periodMs / elapsedMs;
        System.out.println("neighbour of a stuck native read: " + made + " of " + ticks + " ticks");
        System.out.printf(java.util.Locale.ROOT, "# elapsed-ms=%d tick-rate=%.0f%%%n", elapsedMs, 100 * rate);
        Peak.print();
        System.exit(0);   // the reader stays blocked
    }
}
