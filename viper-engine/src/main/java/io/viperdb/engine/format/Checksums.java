package io.viperdb.engine.format;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** CRC32C, the checksum of every record and file header (hardware-accelerated on x86-64 and AArch64). */
public final class Checksums {
    private Checksums() {
    }

    /** The CRC32C of {@code bytes[from, to)}, by absolute position; {@code bytes} itself is not changed. */
    public static int crc32c(ByteBuffer bytes, int from, int to) {
        CRC32C crc = new CRC32C();
        update(crc, bytes, from, to);
        return (int) crc.getValue();
    }

    /**
     * The CRC32C of {@code bytes[from, to)} followed by {@code first} and {@code second}: for a record whose header,
     * key and value are written apart, so that a large value needs no copy. Two arrays, not a varargs, so that the
     * put path allocates no array for them.
     */
    public static int crc32c(ByteBuffer bytes, int from, int to, byte[] first, byte[] second) {
        CRC32C crc = new CRC32C();
        update(crc, bytes, from, to);
        crc.update(first);
        crc.update(second);
        return (int) crc.getValue();
    }

    /**
     * The message for a checksum that does not match, the same wherever one is checked.
     *
     * @param what what the checksum covers, as the message names it ("record", "manifest", "file header")
     */
    public static String mismatch(String what, int stored, int computed) {
        return String.format("%s checksum mismatch (stored 0x%08x, computed 0x%08x)", what, stored, computed);
    }

    private static void update(CRC32C crc, ByteBuffer bytes, int from, int to) {
        if (bytes.hasArray()) {
            // No slice: this runs for every record written and every hint replayed, and the slice was not always
            // optimized away.
            crc.update(bytes.array(), bytes.arrayOffset() + from, to - from);
        } else {
            crc.update(bytes.slice(from, to - from));
        }
    }
}
