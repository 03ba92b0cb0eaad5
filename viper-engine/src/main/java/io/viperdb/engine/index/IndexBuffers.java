package io.viperdb.engine.index;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The buffers the index keeps its keys in, and the table it maps: on the heap when the index makes them
 * ({@link #allocate}), or mapped copy-on-write from an index file when a store opens from one (see {@link IndexFile}),
 * so that opening maps the index rather than reading it, and its unchanged pages stay out of the heap, shared with the
 * file system's cache. Both kinds are read and written through the handles here, at byte offsets, little-endian as the
 * index file is. (Made buffers are on the heap, not direct, so that the garbage collector frees an arena a rebuild
 * replaced as soon as it is unreachable: readers may still hold one for a moment, so it cannot be freed by hand. A
 * table the index makes is in plain arrays: see {@link KeyTable}.)
 *
 * <p>One buffer holds less than 2 GiB, which bounds a table's slots (see {@link KeyDirectory#MAX_CAPACITY}); the
 * arena is in pages and has no such bound.
 */
final class IndexBuffers {

    static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle SHORTS = MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle KEY_LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.BIG_ENDIAN);
    private static final VarHandle BIG_LONGS = MethodHandles.byteBufferViewVarHandle(long[].class,
            ByteOrder.BIG_ENDIAN);

    private IndexBuffers() {
    }

    /** A buffer of {@code bytes} zeroes, little-endian. */
    static ByteBuffer allocate(long bytes) {
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalStateException("The key directory keeps at most " + Integer.MAX_VALUE
                    + " bytes in one buffer; asked for " + bytes);
        }
        return ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A copy of {@code source} in memory of its own, its bytes all copied. */
    static ByteBuffer copy(ByteBuffer source) {
        ByteBuffer copy = allocate(source.capacity());
        copy.put(0, source, 0, source.capacity());
        return copy;
    }

    /** Copies the little-endian longs of {@code source}, all of them, to {@code target}, which has room for them. */
    static void copy(ByteBuffer source, long[] target) {
        source.duplicate().clear().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer()
                .get(target, 0, source.capacity() / Long.BYTES);
    }

    /** Copies the little-endian ints of {@code source}, all of them, to {@code target}, which has room for them. */
    static void copy(ByteBuffer source, int[] target) {
        source.duplicate().clear().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer()
                .get(target, 0, source.capacity() / Integer.BYTES);
    }

    /**
     * The {@code n} little-endian longs of {@code source} from long {@code from}, copied into an array of their own
     * (element by element: a view of the buffer for a copy of a few hundred bytes would allocate more than the copy).
     */
    static long[] longs(ByteBuffer source, int from, int n) {
        long[] longs = new long[n];
        for (int i = 0; i < n; i++) {
            longs[i] = (long) LONGS.get(source, (from + i) * Long.BYTES);
        }
        return longs;
    }

    /** The {@code n} little-endian ints of {@code source} from int {@code from}, copied as {@link #longs} copies. */
    static int[] ints(ByteBuffer source, int from, int n) {
        int[] ints = new int[n];
        for (int i = 0; i < n; i++) {
            ints[i] = (int) INTS.get(source, (from + i) * Integer.BYTES);
        }
        return ints;
    }

    /** Whether {@code buffer[offset, offset + length)} holds the bytes {@code key[start, start + length)}. */
    static boolean equals(ByteBuffer buffer, int offset, byte[] key, int start, int length) {
        int i = 0;
        // Eight bytes at a time: keys are short, and most of a comparison is its first words.
        for (; i + Long.BYTES <= length; i += Long.BYTES) {
            if ((long) BIG_LONGS.get(buffer, offset + i) != (long) KEY_LONGS.get(key, start + i)) {
                return false;
            }
        }
        for (; i < length; i++) {
            if (buffer.get(offset + i) != key[start + i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Compares {@code a[aFrom, aFrom + aLength)} with {@code b[bFrom, bFrom + bLength)} as unsigned bytes, as
     * {@link java.util.Arrays#compareUnsigned(byte[], byte[])} does.
     */
    static int compare(ByteBuffer a, int aFrom, int aLength, ByteBuffer b, int bFrom, int bLength) {
        int common = Math.min(aLength, bLength);
        int i = 0;
        for (; i + Long.BYTES <= common; i += Long.BYTES) {
            long x = (long) BIG_LONGS.get(a, aFrom + i);
            long y = (long) BIG_LONGS.get(b, bFrom + i);
            if (x != y) {
                return Long.compareUnsigned(x, y);
            }
        }
        for (; i < common; i++) {
            int byBytes = Integer.compare(a.get(aFrom + i) & 0xFF, b.get(bFrom + i) & 0xFF);
            if (byBytes != 0) {
                return byBytes;
            }
        }
        return Integer.compare(aLength, bLength);
    }

    /** Compares {@code a[aFrom, aFrom + aLength)} with {@code key} as unsigned bytes. */
    static int compare(ByteBuffer a, int aFrom, int aLength, byte[] key) {
        int common = Math.min(aLength, key.length);
        int i = 0;
        for (; i + Long.BYTES <= common; i += Long.BYTES) {
            long x = (long) BIG_LONGS.get(a, aFrom + i);
            long y = (long) KEY_LONGS.get(key, i);
            if (x != y) {
                return Long.compareUnsigned(x, y);
            }
        }
        for (; i < common; i++) {
            int byBytes = Integer.compare(a.get(aFrom + i) & 0xFF, key[i] & 0xFF);
            if (byBytes != 0) {
                return byBytes;
            }
        }
        return Integer.compare(aLength, key.length);
    }

    /** The bytes {@code buffer[offset, offset + length)}, copied. */
    static byte[] bytes(ByteBuffer buffer, int offset, int length) {
        byte[] bytes = new byte[length];
        buffer.get(offset, bytes, 0, length);
        return bytes;
    }
}
