import io.greening.*;
import io.greening.net.http.*;
import java.lang.reflect.*;
import java.net.*;
import java.util.*;
import java.nio.charset.StandardCharsets;
public class GgProbe {
  static final java.util.concurrent.ConcurrentHashMap<Thread, java.util.concurrent.atomic.LongAdder> COUNTS = new java.util.concurrent.ConcurrentHashMap<>();
  static String dist() { long[] c = COUNTS.entrySet().stream().filter(e -> e.getKey().isAlive()).mapToLong(e -> e.getValue().sumThenReset()).sorted().toArray(); int n=c.length; if(n==0) return "none"; return "conns=" + n + " min=" + c[0] + " p1=" + c[n/100] + " p10=" + c[n/10] + " p50=" + c[n/2] + " p90=" + c[n*9/10] + " max=" + c[n-1]; }
  static Object get(Object o, String f) throws Exception { Field x = o.getClass().getDeclaredField(f); x.setAccessible(true); return x.get(o); }
  public static void main(String[] a) throws Exception {
    byte[] hello = "hello world\n".getBytes(StandardCharsets.UTF_8);
    HubGroup group = HubGroup.start("gg", Integer.parseInt(a[0]));
    GreenHttpServer s = new GreenHttpServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 8089), (req, resp) -> {
      COUNTS.computeIfAbsent(Thread.currentThread(), t -> new java.util.concurrent.atomic.LongAdder()).increment();
      resp.header("Content-Type", "text/plain"); resp.send(200, hello); }).start(group.hubs().getFirst());
    System.out.println("READY");
    long t0 = System.nanoTime();
    Collection<?> shared = (Collection<?>) get(group, "shared");
    int maxShared = 0;
    int tick = 0;
    while (true) { Thread.sleep(20); maxShared = Math.max(maxShared, shared.size());
      if (++tick % 50 == 0) {
      StringBuilder sb = new StringBuilder("t=" + (System.nanoTime()-t0)/1_000_000_000 + " handOffs=" + group.handOffs() + " maxShared=" + maxShared);
      maxShared = 0;
      for (Hub h : group.hubs()) { Object rq = get(h, "runq"); sb.append(" " + h.name() + ":runq=" + rq.getClass().getMethod("size").invoke(rq) + ",timers=" + get(h, "timers").getClass().getMethod("size").invoke(get(h,"timers")) + ",stuck=" + get(h,"stuck")); }
      sb.append(" req " + dist()); sb.append(" io " + io.greening.internal.Probe.dump()); System.out.println(sb); }
    }
  }
}
