package com.acme.echo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A blocking line-echo client for the language apps: connects to a server that answers each line with itself and
 * checks one round trip.
 */
public final class LineEcho {
    private LineEcho() {}

    /** Sends {@code line} to the echo server on {@code port} over a fresh connection and returns the answer. */
    public static String roundTrip(int port, String line) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
        }
    }

    /** Answers every line of one connection with itself, until the client closes it. */
    public static void serve(Socket connection) {
        try (connection;
             BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(),
                     StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(connection.getOutputStream(), true, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                out.println(line);
            }
        } catch (IOException dropped) {
            // the client went away: nothing to answer
        }
    }

    /** A server socket on a free loopback port. */
    public static ServerSocket listen() throws IOException {
        return new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
    }
}
