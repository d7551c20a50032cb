import java.lang.reflect.*;
public class Check {
    public static void main(String[] a) throws Exception {
        Class<?> vts = Class.forName("io.greening.internal.VirtualThreads");
        System.out.println("loader=" + vts.getClassLoader());
        Method m = vts.getMethod("resumesAThreadThatRan", Runnable.class);
        Class<?> vt = Class.forName("java.lang.VirtualThread");
        Field f = vt.getDeclaredField("runContinuation"); f.setAccessible(true);
        Thread t = Thread.ofVirtual().unstarted(() -> java.util.concurrent.locks.LockSupport.park());
        Field st = vt.getDeclaredField("state"); st.setAccessible(true);
        Runnable task = (Runnable) f.get(t);
        st.setInt(t, 1); System.out.println("STARTED -> " + m.invoke(null, task));
        st.setInt(t, 9); System.out.println("UNPARKED -> " + m.invoke(null, task));
        st.setInt(t, 0);
    }
}
