package io.greening.examples;

import io.greening.Green;
import io.greening.GreenThread;
import io.greening.net.GreenConnection;
import io.greening.net.GreenServer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(60)
class EchoServerExampleTest {

    @Test
    void printsWhatEventletsEchoExamplePrints() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EchoServerExample.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), List.of("hello", "green", "world"));
        assertEquals("""
                server socket listening
                client connected
                echoed hello
                client got hello
                echoed green
                client got green
                echoed world
                client got world
                client disconnected
                server stopped
                """, bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void manyGreenClientsAreEchoedConcurrently() {
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        List<String> replies = Green.run(() -> {
            GreenServer server = new GreenServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    c -> EchoServerExample.handle(c, quiet)).start();
            List<GreenThread<String>> clients = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String line = "line " + i;
                clients.add(Green.spawn(() -> {
                    try (GreenConnection c = GreenConnection.connect(server.address())) {
                        c.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                        return new BufferedReader(new InputStreamReader(c.inputStream(), StandardCharsets.UTF_8)).readLine();
                    }
                }));
            }
            List<String> out = new ArrayList<>();
            for (GreenThread<String> c : clients) {
                out.add(c.get());
            }
            assertTrue(server.stop(Duration.ofSeconds(10)));
            return out;
        });
        for (int i = 0; i < 200; i++) {
            assertEquals("line " + i, replies.get(i));
        }
    }

    @Test
    void aPlatformThreadClientIsEchoedByAServerOnTheSharedHub() throws Exception {
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        GreenServer server = new GreenServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                c -> EchoServerExample.handle(c, quiet)).start();
        try (Socket socket = new Socket(server.address().getAddress(), server.address().getPort())) {
            socket.getOutputStream().write("plain\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("plain", new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine());
            try (GreenConnection off = GreenConnection.connect(server.address())) {   // the green connection, off any hub
                off.write("off hub\n".getBytes(StandardCharsets.UTF_8));
                assertEquals("off hub", new BufferedReader(new InputStreamReader(off.inputStream(), StandardCharsets.UTF_8)).readLine());
            }
        } finally {
            server.stop(Duration.ofSeconds(5));
        }
    }
}
