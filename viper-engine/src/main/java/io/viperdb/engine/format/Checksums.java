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
        if (bytes.hasArray()) {
            // No slice: this runs for every record written and every hint replayed, and the slice was not always
            // optimized away.
            crc.update(bytes.array(), bytes.arrayOffset() + from, to - from);
        } else {
            crc.update(bytes.slice(from, to - from));
        }
        return (int) crc.getValue();
    }
}
