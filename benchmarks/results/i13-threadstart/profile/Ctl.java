public class Ctl { public static void main(String[] a) throws Exception { Thread.sleep(20); } }
