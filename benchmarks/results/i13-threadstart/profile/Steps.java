public class Steps { 
  static long t = System.nanoTime();
  static void lap(String what) { long n = System.nanoTime(); System.err.printf("%-28s %6.1f ms%n", what, (n - t) / 1e6); t = System.nanoTime(); }
  public static void main(String[] a) throws Exception {
    java.lang.management.ThreadMXBean mx = null;
    lap("start");
    if (a.length > 0 && a[0].equals("poller")) { Class.forName("sun.nio.ch.Poller", true, null); lap("Poller init"); }
    Class.forName("io.greening.Hub"); lap("Hub class init");
    io.greening.HubGroup g = io.greening.HubGroup.start("g", 2); lap("HubGroup.start");
    io.greening.GreenThread<Void> th = g.spawn(new Runnable(){ public void run(){ System.out.println("hello"); }}); lap("spawn");
    th.join(); lap("join");
  } }
