import io.greening.*;
public class SpawnProbe {
    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[1]);
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            if (a[0].equals("group")) {
                try (HubGroup g = HubGroup.start("p")) {
                    GreenThread<?>[] ts = new GreenThread<?>[n];
                    for (int i = 0; i < n; i++) ts[i] = g.spawn(() -> Green.sleep(100));
                    long t1 = System.nanoTime();
                    for (GreenThread<?> t : ts) t.join();
                    long t2 = System.nanoTime();
                    System.out.printf("group spawn %d ms, join %d ms%n", (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
                }
            } else {
                Thread[] ts = new Thread[n];
                for (int i = 0; i < n; i++) ts[i] = Thread.ofVirtual().start(() -> { try { Thread.sleep(100); } catch (InterruptedException e) {} });
                long t1 = System.nanoTime();
                for (Thread t : ts) t.join();
                long t2 = System.nanoTime();
                System.out.printf("virtual spawn %d ms, join %d ms%n", (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
            }
        }
    }
}
