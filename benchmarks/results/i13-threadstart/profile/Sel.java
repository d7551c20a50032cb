public class Sel { public static void main(String[] a) throws Exception {
  java.nio.channels.Selector s = java.nio.channels.Selector.open();
  java.util.concurrent.CountDownLatch in = new java.util.concurrent.CountDownLatch(1);
  Thread t = new Thread(() -> { try { in.countDown(); s.select(); } catch (Exception e) {} }); t.setDaemon(true); t.start(); in.await(); Thread.sleep(20);
  } }
