package com.acme.agentapps.unselected;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Code the agent does not select (its test includes only {@code com.acme.agentapps.JdkPollersApp}): its socket calls
 * keep the JDK's own, so on a virtual thread a read parks in the JDK's socket poller ({@code sun.nio.ch.Poller}).
 */
public final class JdkSocketEcho {
    private JdkSocketEcho() {}

    /** Connects to {@code server}, writes one byte and reads the answer; the read waits in the JDK's poller. */
    public static int sendAndRead(ServerSocket server, int value) throws IOException {
        try (Socket socket = new Socket(server.getInetAddress(), server.getLocalPort())) {
            socket.getOutputStream().write(value);
            InputStream in = socket.getInputStream();
            return in.read();
        }
    }

    /** Accepts one connection and echoes its one byte. */
    public static void echoOnce(ServerSocket server) throws IOException {
        try (Socket socket = server.accept()) {
            socket.getOutputStream().write(socket.getInputStream().read());
        }
    }
}
