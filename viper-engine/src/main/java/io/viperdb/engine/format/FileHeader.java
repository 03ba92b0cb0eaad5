package io.viperdb.engine.format;

import io.viperdb.CorruptStoreException;
import io.viperdb.UnsupportedFormatException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The header that starts every store file, so that a file says what it is and which format it is written in.
 *
 * <pre>
 * header := magic:u32 version:u16 reserved:u16 id:u64 crc:u32          (20 bytes, big-endian)
 *   magic    "VIPV" value log, "VIPK" key log, "VIPM" manifest, "VIPS" sync mark file, "VIPI" index file
 *   version  {@value #FORMAT_VERSION}
 *   reserved 0
 *   id       the segment id for log files (the file's name says it too, so a renamed file is caught);
 *            the manifest's generation for the manifest and for the index file; 0 for the sync mark file
 *   crc      CRC32C of the 16 bytes before it
 * </pre>
 */
public final class FileHeader {

    public static final short FORMAT_VERSION = 1;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = MAGIC_OFFSET + Integer.BYTES;
    public static final int RESERVED_OFFSET = VERSION_OFFSET + Short.BYTES;
    public static final int ID_OFFSET = RESERVED_OFFSET + Short.BYTES;
    public static final int CRC_OFFSET = ID_OFFSET + Long.BYTES;
    public static final int SIZE = CRC_OFFSET + Integer.BYTES;

    /** What a file is, by its magic number. */
    public enum Kind {
        VALUE_LOG("VIPV", "value log"),
        KEY_LOG("VIPK", "key log"),
        MANIFEST("VIPM", "manifest"),
        SYNC_MARK("VIPS", "sync mark file"),
        INDEX("VIPI", "index file");

        private final int magic;
        private final String description;

        Kind(String magic, String description) {
            this.magic = ByteBuffer.wrap(magic.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).getInt();
            this.description = description;
        }

        public int magic() {
            return magic;
        }

        @Override
        public String toString() {
            return description;
        }
    }

    private FileHeader() {
    }

    /** Returns a buffer holding the header of a file of {@code kind} with {@code id}, ready to be written. */
    public static ByteBuffer encode(Kind kind, long id) {
        ByteBuffer header = ByteBuffer.allocate(SIZE);
        header.putInt(MAGIC_OFFSET, kind.magic())
                .putShort(VERSION_OFFSET, FORMAT_VERSION)
                .putShort(RESERVED_OFFSET, (short) 0)
                .putLong(ID_OFFSET, id);
        header.putInt(CRC_OFFSET, crc(header));
        return header;
    }

    /**
     * Checks the header at the start of {@code bytes} (absolute positions 0 to {@link #SIZE}).
     *
     * @return the id the header records
     * @throws CorruptStoreException if the file is too short, is not a {@code kind} file, or fails its checksum
     * @throws UnsupportedFormatException if it is written in another format version
     */
    public static long decode(ByteBuffer bytes, Kind kind, Path file) {
        if (bytes.limit() < SIZE) {
            throw new CorruptStoreException(file, 0, "the file is " + bytes.limit() + " bytes long, shorter than the "
                    + SIZE + "-byte header of a " + kind);
        }
        int magic = bytes.getInt(MAGIC_OFFSET);
        if (magic != kind.magic()) {
            throw new CorruptStoreException(file, MAGIC_OFFSET, "not a ViperDB " + kind + String.format(
                    " (magic number 0x%08x, expected 0x%08x)", magic, kind.magic()));
        }
        int storedCrc = bytes.getInt(CRC_OFFSET);
        int actualCrc = crc(bytes);
        if (storedCrc != actualCrc) {
            throw new CorruptStoreException(file, MAGIC_OFFSET,
                    Checksums.mismatch("file header", storedCrc, actualCrc));
        }
        int version = Short.toUnsignedInt(bytes.getShort(VERSION_OFFSET));
        if (version != FORMAT_VERSION) {
            throw new UnsupportedFormatException(file, version, FORMAT_VERSION);
        }
        return bytes.getLong(ID_OFFSET);
    }

    private static int crc(ByteBuffer header) {
        return Checksums.crc32c(header, 0, CRC_OFFSET);
    }
}
