package io.greening.patch;

import io.greening.Green;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

@org.junit.jupiter.api.Timeout(60)
class FilePatchesTest {
    @TempDir
    Path dir;

    @Test
    void fileReadsAndWritesOnAGreenThreadRunOffTheHub() {
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
