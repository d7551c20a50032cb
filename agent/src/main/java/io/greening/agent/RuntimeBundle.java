package io.greening.agent;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The runtime as greening.jar carries it: every class file of the runtime in one resource, {@link #RESOURCE}, in an
 * order the boot loader can define them in (a class after its superclass and interfaces), and next to it the class
 * file {@link BootDefiner} writes ({@link #DEFINER_RESOURCE}). Both are written at build time
 * ({@link RuntimeBundleWriter}), so that {@code premain} reads one entry, stored uncompressed, and defines, without
 * listing the jar, inflating, parsing class file headers or loading ASM. Neither path ends in {@code .class}: no
 * class loader finds them. This class holds only what {@code premain} runs: the build's side is apart, so that
 * loading and verifying this one stays cheap.
 *
 * <p>Format of {@link #RESOURCE} (big-endian): {@code int} {@link #MAGIC}, {@code int} count, {@code int} early count,
 * then per class its binary name (ASCII: a two-byte length, then the bytes), {@code int} length and the class file
 * bytes. The first {@linkplain #early() early count} classes are {@link #EARLY_ROOT} and every runtime class it names,
 * transitively: what the agent's settings parse can load, so that {@code premain} parses its settings once those are
 * defined and leaves the others to its set-up thread.
 *
 * <p>At start the bundle is read as a stream, class by class, through one buffer the size of the largest class
 * ({@link #next}): on this kind of machine memory touched for the first time costs about as much as the reading itself
 * (a fresh 600 kB array took 2 ms), so the 600 kB are never held whole or copied class by class.
 */
final class RuntimeBundle {
    /** The runtime's class files, supertypes first. */
    static final String RESOURCE = "META-INF/greening-runtime.bin";
    /** The class file of {@link BootDefiner#NAME}. */
    static final String DEFINER_RESOURCE = "META-INF/greening-boot-definer.bin";
    /** The first four bytes of {@link #RESOURCE}: "GRT" and format version 2. */
    static final int MAGIC = 0x47525402;
    /** The runtime class whose closure comes first in the bundle: the settings, which {@code premain} parses. */
    static final String EARLY_ROOT = "io.greening.internal.Settings";
    /** The reading buffer's first size: larger than every runtime class file so far (Hub's, 27 kB). */
    private static final int BUFFER = 32 * 1024;

    private final InputStream in;
    private byte[] buffer = new byte[BUFFER];
    /** The bytes read and not yet consumed: {@code buffer[start, end)}. */
    private int start;
    private int end;
    private int left;
    private final int early;
    private int nameAt;
    private int nameLength;
    private final int[] classFile = new int[2];

    /** greening.jar, which holds the bundle: where this class was loaded from. */
    static Path jar() throws URISyntaxException {
        return Path.of(RuntimeBundle.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** A reader of the bundle in {@code in}, positioned before its first class. */
    RuntimeBundle(InputStream in) throws IOException {
        this.in = in;
        try {
            fill(12);
        } catch (IOException tooShort) {
            throw new IOException("not a greening runtime bundle");
        }
        if (int4(buffer, start) != MAGIC) {
            throw new IOException("not a greening runtime bundle");
        }
        left = int4(buffer, start + 4);
        early = int4(buffer, start + 8);
        if (left < 0 || early < 0 || early > left) {
            throw new IOException("not a greening runtime bundle");
        }
        start += 12;
    }

    /**
     * How many classes come first as {@link #EARLY_ROOT}'s closure: every runtime class they name is among them, and each
     * comes after its supertypes.
     */
    int early() {
        return early;
    }

    /**
     * Moves to the next class: afterwards {@link #buffer()} holds its class file at {@link #classFile()}. Returns false
     * after the last one. The buffer's earlier contents are overwritten.
     *
     * @throws IOException if the bundle ends early
     */
    boolean next() throws IOException {
        if (left == 0) {
            return false;
        }
        fill(2);
        int length = (buffer[start] & 0xff) << 8 | buffer[start + 1] & 0xff;
        fill(2 + length + 4);
        int size = int4(buffer, start + 2 + length);
        if (size < 0) {
            throw new IOException("a truncated greening runtime bundle");
        }
        fill(2 + length + 4 + size);   // may move the bytes: the positions are taken after it
        nameAt = start + 2;
        nameLength = length;
        classFile[0] = nameAt + length + 4;
        classFile[1] = size;
        start = classFile[0] + size;
        left--;
        return true;
    }

    /** The buffer holding the current class file. */
    byte[] buffer() {
        return buffer;
    }

    /** {@code {offset, length}} of the current class file in {@link #buffer()}; the same array each time. */
    int[] classFile() {
        return classFile;
    }

    /** The binary name of the current class. */
    String name() {
        return new String(buffer, nameAt, nameLength, StandardCharsets.ISO_8859_1);   // ASCII: see write
    }

    /** Makes {@code buffer[start, start + count)} hold the next {@code count} bytes, reading as needed. */
    private void fill(int count) throws IOException {
        if (end - start >= count) {
            return;
        }
        if (buffer.length - start < count) {   // move what is left to the front, in a larger buffer if it must be
            byte[] to = count > buffer.length ? new byte[Math.max(count, 2 * buffer.length)] : buffer;
            System.arraycopy(buffer, start, to, 0, end - start);
            buffer = to;
            end -= start;
            start = 0;
        }
        while (end - start < count) {
            int read = in.read(buffer, end, buffer.length - end);
            if (read < 0) {
                throw new IOException("a truncated greening runtime bundle");
            }
            end += read;
        }
    }

    /** One runtime class: its binary name and class file. */
    record Entry(String name, byte[] classFile) {}

    /**
     * Reads what {@link RuntimeBundleWriter#write} wrote, in order (the build and the tests; the agent's start reads
     * the stream with {@link #next}).
     *
     * @throws IOException if the bytes are not such a bundle
     */
    static List<Entry> read(byte[] bundle) throws IOException {
        RuntimeBundle reader = new RuntimeBundle(new ByteArrayInputStream(bundle));
        List<Entry> entries = new ArrayList<>();
        while (reader.next()) {
            int[] at = reader.classFile();
            entries.add(new Entry(reader.name(), Arrays.copyOfRange(reader.buffer(), at[0], at[0] + at[1])));
        }
        return entries;
    }

    private static int int4(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | b[at + 3] & 0xff;
    }
}
