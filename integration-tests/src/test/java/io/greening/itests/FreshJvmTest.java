package io.greening.itests;

import com.acme.agentapps.JdkPollersApp;
import io.greening.Green;
import io.greening.Hub;
import io.greening.forked.ForkedJvm;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Behaviour that depends on what a JVM did first, so each case runs in a fresh JVM. */
@org.junit.jupiter.api.Timeout(120)
class FreshJvmTest {

    private static final String OPEN_LANG = "--add-opens=java.base/java.lang=ALL-UNNAMED";

    private static ForkedJvm.Result run(List<String> jvmOptions, Class<?> main) throws Exception {
        return ForkedJvm.thisJava(jvmOptions, main).mergeErrors().sampleEvery(null).run(Duration.ofSeconds(60));
    }

    @Test
    void theJdkSocketPollersNeverRunOnAHub() throws Exception {
        ForkedJvm.Result r = run(List.of(OPEN_LANG, "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"), PollerProbe.class);
        assertEquals(0, r.exitCode(), r::describe);
        assertTrue(r.outputText().contains("echoed 42"), r::describe);
        assertTrue(r.outputText().contains("pollers checked:"), r::describe);
        assertFalse(r.outputText().contains("ON HUB"), r::describe);
    }

    @Test
    void aShutDoorNamesTheMissingOption() throws Exception {
        ForkedJvm.Result r = run(List.of(), DoorProbe.class);
        assertEquals(0, r.exitCode(), r::describe);
        assertTrue(r.outputText().contains("--add-opens java.base/java.lang=ALL-UNNAMED"), r::describe);
    }

    /** Does socket I/O from the first green thread of the JVM, then inspects every JDK poller's thread. */
    public static final class PollerProbe {
        public static void main(String[] args) throws Exception {
            try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                Thread echo = Thread.ofPlatform().start(() -> {
                    try (Socket s = server.accept()) {
                        s.getOutputStream().write(s.getInputStream().read());
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                int echoed = Green.run(() -> {
                    try (Socket s = new Socket(server.getInetAddress(), server.getLocalPort())) {
                        OutputStream out = s.getOutputStream();
                        out.write(42);
                        InputStream in = s.getInputStream();
                        return in.read();   // parks this green thread on the JDK's poller
                    }
                });
                echo.join();
                System.out.println("echoed " + echoed);
            }
            int checked = 0;
            for (Thread t : JdkPollersApp.pollerThreads()) {
                if (Hub.of(t) != null) {
                    System.out.println("ON HUB: " + t);
                }
                checked++;
            }
            System.out.println("pollers checked: " + checked);
            if (checked == 0) {
                System.out.println("ON HUB? no poller thread found to check");
            }
        }
    }

    /** Tries to spawn without java.lang opened; prints the error. */
    public static final class DoorProbe {
        public static void main(String[] args) {
            try {
                Green.run(() -> 1);
                System.out.println("no error: the door was open");
            } catch (IllegalStateException e) {
                System.out.println(e.getMessage());
            }
        }
    }
}
