package io.greening.patch;

import io.greening.Green;
import io.greening.Hub;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Callable;

/**
 * The {@code file-io} and {@code dns} groups: file reads and writes and DNS look-ups, which would block the hub's one
 * carrier, run on greening's offload pool while the green thread waits green ({@link Green#offloadUninterruptibly}:
 * they ignore interrupts, as the JDK calls do). Off green threads they are the JDK calls themselves.
 */
public final class FilePatches {
    private FilePatches() {}

    /** A JDK call that may throw an {@link IOException}. */
    @FunctionalInterface
    private interface IoCall<T> extends Callable<T> {
        @Override
        T call() throws IOException;
    }

    /** A JDK call returning nothing that may throw an {@link IOException}. */
    @FunctionalInterface
    private interface IoRun {
        void run() throws IOException;
    }

    private static void offloadRun(IoRun run, String what) throws IOException {
        offload(() -> {
            run.run();
            return null;
        }, what);
    }

    private static <T> T offload(IoCall<T> call, String what) throws IOException {
        if (Hub.current() == null) {
            return call.call();
        }
        GreenThreads.waitingOn(what);
        try {
            return Green.offloadUninterruptibly(call);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception impossible) {
            throw new IllegalStateException(impossible);
        } finally {
            GreenThreads.waitingOn(null);
        }
    }

    // ---- FileInputStream ----

    /** {@code in.read()}. */
    public static int read(FileInputStream in) throws IOException {
        return offload(in::read, "file read");
    }

    /** {@code in.read(b)}. */
    public static int read(FileInputStream in, byte[] b) throws IOException {
        return offload(() -> in.read(b), "file read");
    }

    /** {@code in.read(b, off, len)}. */
    public static int read(FileInputStream in, byte[] b, int off, int len) throws IOException {
        return offload(() -> in.read(b, off, len), "file read");
    }

    /** {@code in.readAllBytes()}. */
    public static byte[] readAllBytes(FileInputStream in) throws IOException {
        return offload(in::readAllBytes, "file read");
    }

    /** {@code in.readNBytes(len)}. */
    public static byte[] readNBytes(FileInputStream in, int len) throws IOException {
        return offload(() -> in.readNBytes(len), "file read");
    }

    /** {@code in.readNBytes(b, off, len)}. */
    public static int readNBytes(FileInputStream in, byte[] b, int off, int len) throws IOException {
        return offload(() -> in.readNBytes(b, off, len), "file read");
    }

    // ---- FileOutputStream ----

    /** {@code out.write(b)} of one byte. */
    public static void write(FileOutputStream out, int b) throws IOException {
        offloadRun(() -> out.write(b), "file write");
    }

    /** {@code out.write(b)}. */
    public static void write(FileOutputStream out, byte[] b) throws IOException {
        offloadRun(() -> out.write(b), "file write");
    }

    /** {@code out.write(b, off, len)}. */
    public static void write(FileOutputStream out, byte[] b, int off, int len) throws IOException {
        offloadRun(() -> out.write(b, off, len), "file write");
    }

    // ---- RandomAccessFile ----

    /** {@code file.read()}. */
    public static int read(RandomAccessFile file) throws IOException {
        return offload(file::read, "file read");
    }

    /** {@code file.read(b)}. */
    public static int read(RandomAccessFile file, byte[] b) throws IOException {
        return offload(() -> file.read(b), "file read");
    }

    /** {@code file.read(b, off, len)}. */
    public static int read(RandomAccessFile file, byte[] b, int off, int len) throws IOException {
        return offload(() -> file.read(b, off, len), "file read");
    }

    /** {@code file.readFully(b)}. */
    public static void readFully(RandomAccessFile file, byte[] b) throws IOException {
        offloadRun(() -> file.readFully(b), "file read");
    }

    /** {@code file.readFully(b, off, len)}. */
    public static void readFully(RandomAccessFile file, byte[] b, int off, int len) throws IOException {
        offloadRun(() -> file.readFully(b, off, len), "file read");
    }

    /** {@code file.write(b)} of one byte. */
    public static void write(RandomAccessFile file, int b) throws IOException {
        offloadRun(() -> file.write(b), "file write");
    }

    /** {@code file.write(b)}. */
    public static void write(RandomAccessFile file, byte[] b) throws IOException {
        offloadRun(() -> file.write(b), "file write");
    }

    /** {@code file.write(b, off, len)}. */
    public static void write(RandomAccessFile file, byte[] b, int off, int len) throws IOException {
        offloadRun(() -> file.write(b, off, len), "file write");
    }

    // ---- DNS ----

    /** {@code InetAddress.getByName(host)}: a literal address is parsed inline, as the JDK does; a name is offloaded. */
    public static InetAddress getByName(String host) throws UnknownHostException {
        if (HostNames.resolvesWithoutLookup(host)) {
            return InetAddress.getByName(host);
        }
        return lookUp(() -> InetAddress.getByName(host), host);
    }

    /** {@code InetAddress.getAllByName(host)}: a literal address is parsed inline, as the JDK does; a name is offloaded. */
    public static InetAddress[] getAllByName(String host) throws UnknownHostException {
        if (HostNames.resolvesWithoutLookup(host)) {
            return InetAddress.getAllByName(host);
        }
        return lookUp(() -> InetAddress.getAllByName(host), host);
    }

    /**
     * {@code new InetSocketAddress(host, port)}, which looks {@code host} up inside the JDK: a literal address is parsed
     * inline, as the JDK does; a name is resolved on the offload pool, once for all green threads that want it at the
     * same time ({@link HostNames#socketAddress}). A failed lookup gives an unresolved address, as the JDK's does.
     */
    public static InetSocketAddress newInetSocketAddress(String host, int port) {
        if (host == null || port < 0 || port > 0xFFFF) {
            return new InetSocketAddress(host, port);   // the JDK's IllegalArgumentException, before any lookup
        }
        try {
            return HostNames.socketAddress(host, port, false);
        } catch (IOException impossible) {   // an uninterruptible lookup of a constructor that throws nothing checked
            throw new IllegalStateException(impossible);
        }
    }

    /**
     * How many host name lookups of green threads greening has sent to the offload pool in this JVM, for the agent's
     * exit report: a literal address (what JDBC drivers pass on every connect) is parsed inline and not counted.
     */
    public static long offloadedLookups() {
        return HostNames.OFFLOADED_LOOKUPS.get();
    }

    private static <T> T lookUp(IoCall<T> lookup, String host) throws UnknownHostException {
        if (Hub.current() != null) {
            HostNames.OFFLOADED_LOOKUPS.incrementAndGet();
        }
        try {
            return offload(lookup, "DNS " + host);
        } catch (UnknownHostException | RuntimeException e) {
            throw e;
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
