package io.greening.patch;

import io.greening.Green;
import io.greening.GreenThread;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

@org.junit.jupiter.api.Timeout(60)
class FilePatchesTest {
    @TempDir
    Path dir;

    /**
     * A read from a FIFO that blocks until another green thread of the same hub writes, and a write larger than the
     * FIFO's buffer that blocks until another green thread of the hub reads: on the hub's carrier either would wait
     * forever, because that other green thread could not run.
     */
    @Test
    void fileReadsAndWritesOnAGreenThreadRunOffTheHub() throws Exception {
        byte[] read = new byte[5];
        assertEquals("another green thread", whoServedTheFifo(fifo -> {
            try (FileInputStream in = new FileInputStream(fifo)) {
                assertEquals(5, FilePatches.read(in, read));
            }
        }, peer -> peer.write("hello".getBytes(StandardCharsets.UTF_8))), "the read stalled the hub");
        assertEquals("hello", new String(read, StandardCharsets.UTF_8));

        byte[] big = new byte[256 * 1024];   // four times the 64 KiB a Linux pipe buffers
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        byte[] drained = new byte[big.length];
        assertEquals("another green thread", whoServedTheFifo(fifo -> {
            try (FileOutputStream out = new FileOutputStream(fifo)) {
                FilePatches.write(out, big);
            }
        }, peer -> peer.readFully(drained)), "the write stalled the hub");
        assertArrayEquals(big, drained);
    }

    /** A blocking call on a FIFO, or the service of its other end that unblocks it. */
    @FunctionalInterface
    private interface FifoIo<T> {
        void run(T target) throws IOException;
    }

    /**
     * Runs {@code blocked} on a green thread, where it blocks on a new FIFO until {@code serve} is done to the FIFO's
     * other end, and says who served it: {@code "another green thread"} (the hub's root, which runs again only if
     * the hub's carrier is free while {@code blocked} waits) or {@code "watchdog"}, a platform thread that serves it
     * after 20 s so that a stalled hub fails the test instead of hanging it.
     */
    private String whoServedTheFifo(FifoIo<java.io.File> blocked, FifoIo<RandomAccessFile> serve) throws Exception {
        Path fifo = dir.resolve("fifo-" + System.nanoTime());
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor(), "mkfifo (coreutils)");
        AtomicReference<String> servedBy = new AtomicReference<>();
        CountDownLatch finished = new CountDownLatch(1);
        // Open for reading and writing, which waits for no peer: the green thread's own open never blocks.
        try (RandomAccessFile peer = new RandomAccessFile(fifo.toFile(), "rw")) {
            Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
                try {
                    if (!finished.await(20, TimeUnit.SECONDS) && servedBy.compareAndSet(null, "watchdog")) {
                        serve.run(peer);
                    }
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            try {
                Green.run(() -> {
                    GreenThread<Object> caller = Green.spawn(() -> {
                        blocked.run(fifo.toFile());
                        return null;
                    });
                    while (caller.thread().getState() != Thread.State.WAITING && !caller.isDead()) {
                        Green.cede();   // until the caller waits green, off the carrier
                    }
                    if (servedBy.compareAndSet(null, "another green thread")) {
                        serve.run(peer);
                    }
                    return caller.get();
                });
            } finally {
                finished.countDown();
            }
            watchdog.join();
        }
        return servedBy.get();
    }

    @Test
    void fileReadsAndWritesOnAGreenThreadGiveTheJdksResults() {
        Path file = dir.resolve("data.txt");
        String read = Green.run(() -> {
            String carrier = Thread.currentThread().toString();
            try (FileOutputStream out = new FileOutputStream(file.toFile())) {
                FilePatches.write(out, "hello ".getBytes(StandardCharsets.UTF_8));
                FilePatches.write(out, 'w');
                FilePatches.write(out, "orld!".getBytes(StandardCharsets.UTF_8), 0, 4);
            }
            try (FileInputStream in = new FileInputStream(file.toFile())) {
                assertEquals('h', FilePatches.read(in));
                byte[] b = new byte[4];
                assertEquals(4, FilePatches.read(in, b));
                assertEquals("ello", new String(b, StandardCharsets.UTF_8));
                assertEquals(1, FilePatches.read(in, b, 0, 1));
                assertEquals(carrier, Thread.currentThread().toString(), "still the same green thread");
                return new String(FilePatches.readAllBytes(in), StandardCharsets.UTF_8);
            }
        });
        assertEquals("world", read);
    }

    @Test
    void randomAccessFile() throws Exception {
        Path file = dir.resolve("raf.bin");
        Files.write(file, new byte[8]);
        Green.run(() -> {
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                FilePatches.write(raf, new byte[] {1, 2, 3});
                FilePatches.write(raf, 4);
                raf.seek(0);
                byte[] b = new byte[4];
                FilePatches.readFully(raf, b);
                assertArrayEquals(new byte[] {1, 2, 3, 4}, b);
                assertEquals(0, FilePatches.read(raf));
            }
            return null;
        });
    }

    @Test
    void anInterruptDoesNotStopAFileReadAndIsKept() throws Exception {
        Path file = dir.resolve("i.txt");
        Files.writeString(file, "abc");
        String result = Green.run(() -> {
            try (FileInputStream in = new FileInputStream(file.toFile())) {
                Thread.currentThread().interrupt();
                byte[] b = FilePatches.readAllBytes(in);
                return new String(b, StandardCharsets.UTF_8) + " " + Thread.interrupted();
            }
        });
        assertEquals("abc true", result);
    }

    @Test
    void dnsLookupsAsTheJdk() {
        Green.run(() -> {
            assertTrue(FilePatches.getByName("localhost").isLoopbackAddress());
            assertEquals(InetAddress.getAllByName("127.0.0.1").length, FilePatches.getAllByName("127.0.0.1").length);
            assertThrows(UnknownHostException.class, () -> FilePatches.getByName("no-such-host.invalid"));
            return null;
        });
    }
}
