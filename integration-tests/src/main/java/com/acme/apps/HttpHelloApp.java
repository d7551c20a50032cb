package com.acme.apps;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A plain blocking thread-per-connection HTTP/1.1 "hello world" server, as an application without greening
 * would write it: an accept loop, one {@code new Thread} per connection reading requests one after the other
 * (keep-alive; a {@code Content-Length} body is read and dropped) and writing the same 12-byte answer. Run under
 * the agent, its threads are green threads and its sockets green sockets. Prints {@code READY <port>} once
 * listening and serves until its standard input closes.
 *
 * <pre>HttpHelloApp [platform|virtual] [port]   (virtual: Thread.ofVirtual() per connection, the JDK's scheduler)</pre>
 */
public final class HttpHelloApp {
    private static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\n"
            + "hello world\n").getBytes(StandardCharsets.US_ASCII);
    private static final int BACKLOG = 4096;
    private static final int MAX_LINE = 8192;

    private HttpHelloApp() {}

    public static void main(String[] args) throws Exception {
        boolean virtual = args.length > 0 && args[0].equals("virtual");
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        ServerSocket server = new ServerSocket(port, BACKLOG, InetAddress.getLoopbackAddress());
        start(server, virtual);
        System.out.println("READY " + server.getLocalPort());
        System.out.flush();
        System.in.transferTo(OutputStream.nullOutputStream());   // serve until the driver closes our stdin
        server.close();
        System.exit(0);
    }

    /**
     * Accepts on {@code server} in a daemon thread, serving each connection in a thread of its own (a virtual
     * one if {@code virtual}), until the server socket closes.
     */
    public static void start(ServerSocket server, boolean virtual) {
        Thread acceptor = new Thread(() -> accept(server, virtual), "http-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private static void accept(ServerSocket server, boolean virtual) {
        try {
            while (true) {
                Socket socket = server.accept();
                Runnable serve = () -> serve(socket);
                Thread handler = virtual ? Thread.ofVirtual().unstarted(serve) : new Thread(serve);
                handler.setDaemon(true);
                handler.start();
            }
        } catch (IOException closed) {
            // the server socket closed: stop accepting
        }
    }

    private static void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream(), MAX_LINE);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 1024);
            byte[] line = new byte[MAX_LINE];
            while (true) {
                int length = readLine(in, line);
                if (length < 0) {
                    return;   // the client closed between requests
                }
                if (length == 0) {
                    continue;   // an empty line before a request
                }
                boolean close = false;
                long bodyLength = 0;
                while ((length = readLine(in, line)) > 0) {
                    String header = new String(line, 0, length, StandardCharsets.ISO_8859_1);
                    int colon = header.indexOf(':');
                    if (colon <= 0) {
                        continue;
                    }
                    String name = header.substring(0, colon);
                    String value = header.substring(colon + 1).strip();
                    if (name.equalsIgnoreCase("Content-Length")) {
                        bodyLength = Long.parseLong(value);
                    } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
                        close = true;
                    }
                }
                if (length < 0) {
                    return;
                }
                in.skipNBytes(bodyLength);
                out.write(RESPONSE);
                out.flush();
                if (close) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /** Reads a line up to LF into {@code line} without its CRLF; its length, or -1 at end of stream. */
    private static int readLine(InputStream in, byte[] line) throws IOException {
        int length = 0;
        for (int b; (b = in.read()) >= 0; ) {
            if (b == '\n') {
                return length > 0 && line[length - 1] == '\r' ? length - 1 : length;
            }
            if (length == line.length) {
                throw new IOException("line too long");
            }
            line[length++] = (byte) b;
        }
        return -1;
    }
}
