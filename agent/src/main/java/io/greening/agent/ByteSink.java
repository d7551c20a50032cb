package io.greening.agent;

import java.util.Arrays;

/** A growable byte array in class file order (big-endian), for the rewrites made without ASM. */
final class ByteSink {
    private byte[] bytes;
    private int size;

    ByteSink(int capacity) {
        bytes = new byte[capacity];
    }

    void u1(int value) {
        ensure(1);
        bytes[size++] = (byte) value;
    }

    void u2(int value) {
        ensure(2);
        bytes[size++] = (byte) (value >>> 8);
        bytes[size++] = (byte) value;
    }

    void u4(int value) {
        ensure(4);
        setU4(size, value);
        size += 4;
    }

    /** Overwrites the four bytes at {@code at} (a length written before its content). */
    void setU4(int at, int value) {
        bytes[at] = (byte) (value >>> 24);
        bytes[at + 1] = (byte) (value >>> 16);
        bytes[at + 2] = (byte) (value >>> 8);
        bytes[at + 3] = (byte) value;
    }

    void bytes(byte[] source) {
        bytes(source, 0, source.length);
    }

    void bytes(byte[] source, int from, int length) {
        ensure(length);
        System.arraycopy(source, from, bytes, size, length);
        size += length;
    }

    int size() {
        return size;
    }

    void copyTo(byte[] target, int at) {
        System.arraycopy(bytes, 0, target, at, size);
    }

    byte[] toArray() {
        return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, size + more));
        }
    }
}
