package com.acme.logapp;

import org.tinylog.Logger;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain app logging to a file with tinylog 2 (whose file writer writes through {@code RandomAccessFile}) while
 * another thread keeps a 10 ms beat. Nothing in it knows about greening.
 *
 * <p>Usage: {@code LogApp <log file> <beats> [<message file>]}. Logs a first line from {@code main} and prints
 * {@code logapp: ready}; on a line {@code go} from stdin, starts a {@code logger} thread and a {@code beat} thread
 * ({@code beats} sleeps of 10 ms). The logger logs one more line: the whole content of {@code message file}, read
 * with {@code FileInputStream}, or a fixed line when there is none. Prints {@code logapp: beat-done log-pending=<true|false>} when the beat ends and
 * {@code logapp: done beats=<n> log-returned-first=<true|false>} when both ended.
 */
public final class LogApp {
    private LogApp() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("tinylog.writer", "file");
        System.setProperty("tinylog.writer.file", args[0]);
        System.setProperty("tinylog.writer.buffered", "false");
        System.setProperty("tinylog.writer.format", "{level}: {message}");
        int beats = Integer.parseInt(args[1]);
        String messageFile = args.length > 2 ? args[2] : null;

        Logger.info("app started");
        System.out.println("logapp: ready");
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (!"go".equals(stdin.readLine())) {
            return;
        }

        AtomicBoolean logReturned = new AtomicBoolean();
        AtomicBoolean logReturnedFirst = new AtomicBoolean();
        AtomicInteger beaten = new AtomicInteger();
        Thread logger = new Thread(() -> {
            Logger.info(messageFile == null ? "a line written while the disk may be slow" : read(messageFile));
            logReturned.set(true);
        }, "logger");
        Thread beat = new Thread(() -> {
            for (int i = 0; i < beats; i++) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
                beaten.incrementAndGet();
            }
            logReturnedFirst.set(logReturned.get());
            System.out.println("logapp: beat-done log-pending=" + !logReturned.get());
        }, "beat");
        logger.start();
        beat.start();
        logger.join();
        beat.join();
        System.out.println("logapp: done beats=" + beaten.get() + " log-returned-first=" + logReturnedFirst.get());
    }

    private static String read(String file) {
        try (FileInputStream in = new FileInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
