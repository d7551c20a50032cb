public class Pol { public static void main(String[] a) throws Exception {
  Class.forName("sun.nio.ch.Poller", true, null); Thread.sleep(20); } }
