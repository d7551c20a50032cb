package io.greening.patch;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;

/**
 * The {@code sockets} group's factories: {@code new Socket(...)} and {@code new ServerSocket(...)} in selected code
 * become these calls, which make a {@link GreenSocket} or {@link GreenServerSocket} with the same arguments, on any
 * thread: a server socket made by a platform thread (a {@code main} accept loop) hands out sockets that its green
 * handler threads then use on the hub's selector. The blocking calls of {@code SocketChannel} and
 * {@code ServerSocketChannel} are in {@link GreenChannels}.
 */
public final class SocketPatches {
    private SocketPatches() {}

    /** {@code new Socket()}. */
    public static Socket newSocket() {
        try {
            return new GreenSocket();
        } catch (SocketException e) {
            throw new AssertionError("Socket(SocketImpl) declares but never throws SocketException", e);
        }
    }

    /** {@code new Socket(host, port)}. */
    public static Socket newSocket(String host, int port) throws IOException {
        return new GreenSocket(host, port);
    }

    /** {@code new Socket(address, port)}. */
    public static Socket newSocket(InetAddress address, int port) throws IOException {
        return new GreenSocket(address, port);
    }

    /** {@code new Socket(host, port, localAddr, localPort)}. */
    public static Socket newSocket(String host, int port, InetAddress localAddr, int localPort) throws IOException {
        return new GreenSocket(host, port, localAddr, localPort);
    }

    /** {@code new Socket(address, port, localAddr, localPort)}. */
    public static Socket newSocket(InetAddress address, int port, InetAddress localAddr, int localPort) throws IOException {
        return new GreenSocket(address, port, localAddr, localPort);
    }

    /** {@code new ServerSocket()}. */
    public static ServerSocket newServerSocket() throws IOException {
        return new GreenServerSocket();
    }

    /** {@code new ServerSocket(port)}. */
    public static ServerSocket newServerSocket(int port) throws IOException {
        return new GreenServerSocket(port);
    }

    /** {@code new ServerSocket(port, backlog)}. */
    public static ServerSocket newServerSocket(int port, int backlog) throws IOException {
        return new GreenServerSocket(port, backlog);
    }

    /** {@code new ServerSocket(port, backlog, bindAddr)}. */
    public static ServerSocket newServerSocket(int port, int backlog, InetAddress bindAddr) throws IOException {
        return new GreenServerSocket(port, backlog, bindAddr);
    }
}
