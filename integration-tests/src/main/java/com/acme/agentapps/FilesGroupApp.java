package com.acme.agentapps;

import com.acme.apps.Peak;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The file-io and dns groups, plain Java: 128 threads, all started before any of them begins, writing and reading
 * files, and a thread looking up localhost.
 */
public final class FilesGroupApp {
    public static void main(String[] args) throws Exception {
        File dir = Files.createTempDirectory("files-group").toFile();
        AtomicLong checksum = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int i = 0; i < 128; i++) {
            int n = i;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    File f = new File(dir, "f" + n);
                    try (FileOutputStream out = new FileOutputStream(f)) {
                        for (int k = 0; k < 100; k++) {
                            out.write(("line " + n + " " + k + "\n").getBytes(StandardCharsets.UTF_8));
                        }
                        out.write('!');
                    }
                    long sum = 0;
                    try (FileInputStream in = new FileInputStream(f)) {
                        byte[] buf = new byte[64];
                        int r;
                        while ((r = in.read(buf)) > 0) {
                            for (int k = 0; k < r; k++) {
                                sum += buf[k];
                            }
                        }
                    }
                    try (RandomAccessFile raf = new RandomAccessFile(f, "rw")) {
                        raf.seek(raf.length() - 1);
                        sum += raf.read();
                        raf.write('?');
                    }
                    checksum.addAndGet(sum);
                } catch (IOException | InterruptedException e) {
                    throw new RuntimeException(e);
                }
            });
            threads.add(t);
            t.start();
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        System.out.println("files: checksum=" + checksum.get());
        Thread dns = new Thread(() -> {
            try {
                System.out.println("dns: localhost loopback=" + InetAddress.getByName("localhost").isLoopbackAddress()
                        + " all=" + (InetAddress.getAllByName("127.0.0.1").length > 0));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        dns.start();
        dns.join();
        for (File f : dir.listFiles()) {
            f.delete();
        }
        dir.delete();
        Peak.print();
    }
}
