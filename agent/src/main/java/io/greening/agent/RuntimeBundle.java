package io.greening.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * <p>Format of {@link #RESOURCE} (big-endian): {@code int} {@link #MAGIC}, {@code int} count, then per class its
 * binary name (ASCII: a two-byte length, then the bytes), {@code int} length and the class file bytes.
 */
final class RuntimeBundle {
    /** The runtime's class files, supertypes first. */
    static final String RESOURCE = "META-INF/greening-runtime.bin";
    /** The class file of {@link BootDefiner#NAME}. */
    static final String DEFINER_RESOURCE = "META-INF/greening-boot-definer.bin";
    /** The first four bytes of {@link #RESOURCE}: "GRT" and format version 1. */
    static final int MAGIC = 0x47525401;

    private RuntimeBundle() {}

    /** One runtime class: its binary name and class file. */
    record Entry(String name, byte[] classFile) {}

    /**
     * Reads what {@link RuntimeBundleWriter#write} wrote, in order. Used at start: plain loops over the bytes (no
     * {@code DataInputStream}, whose first reads link byte-array view var handles), no lambda, no ASM.
     *
     * @throws IOException if the bytes are not such a bundle
     */
    static List<Entry> read(byte[] bundle) throws IOException {
        if (bundle.length < 8 || int4(bundle, 0) != MAGIC) {
            throw new IOException("not a greening runtime bundle");
        }
        int count = int4(bundle, 4);
        List<Entry> entries = new ArrayList<>(count);
        int at = 8;
        try {
            for (int i = 0; i < count; i++) {
                int nameLength = (bundle[at] & 0xff) << 8 | bundle[at + 1] & 0xff;
                String name = new String(bundle, at + 2, nameLength, StandardCharsets.ISO_8859_1);   // ASCII: see write
                at += 2 + nameLength;
                int length = int4(bundle, at);
                at += 4;
                entries.add(new Entry(name, Arrays.copyOfRange(bundle, at, at + length)));
                at += length;
            }
        } catch (IndexOutOfBoundsException | IllegalArgumentException | NegativeArraySizeException truncated) {
            throw new IOException("a truncated greening runtime bundle");
        }
        return entries;
    }

    private static int int4(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | b[at + 3] & 0xff;
    }
}
