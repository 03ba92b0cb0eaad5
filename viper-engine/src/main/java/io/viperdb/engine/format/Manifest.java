package io.viperdb.engine.format;

import io.viperdb.CorruptStoreException;
import io.viperdb.spi.ValueCodecs;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The store's table of contents: which codec wrote it, and which segments hold its data, in the order they are
 * replayed. It is only ever replaced whole, atomically (written to a temporary file, synced, renamed over the old
 * one, directory synced), so a segment exists for the store exactly when the manifest names it.
 *
 * <pre>
 * manifest := fileHeader(VIPM, id = generation) bodyLength:u32 body crc:u32
 * body     := codecNameLength:u8 codecName:ascii createdMillis:i64 lastReclaimMillis:i64
 *             segmentCount:u32 segmentId:u64{segmentCount}
 *   generation         grows by one with every rewrite
 *   lastReclaimMillis  0 until the first reclaim
 *   crc                CRC32C of bodyLength and body
 * </pre>
 *
 * @param generation how many times the manifest has been written before this one
 * @param codecName the name of the codec that encodes the store's values
 * @param createdMillis when the store was created, epoch milliseconds
 * @param lastReclaimMillis when the last reclaim finished, or 0
 * @param segmentIds the segments, oldest data first; the last one takes new writes
 */
public record Manifest(long generation, String codecName, long createdMillis, long lastReclaimMillis,
        List<Long> segmentIds) {

    private static final int BODY_LENGTH_OFFSET = FileHeader.SIZE;
    private static final int BODY_OFFSET = BODY_LENGTH_OFFSET + Integer.BYTES;
    private static final int FIXED_BODY_SIZE = Byte.BYTES + Long.BYTES + Long.BYTES + Integer.BYTES;

    public Manifest {
        ValueCodecs.checkName(codecName);
        segmentIds = List.copyOf(segmentIds);
    }

    /** The manifest of a new, empty store. */
    public static Manifest create(String codecName, long nowMillis) {
        return new Manifest(0, codecName, nowMillis, 0, List.of());
    }

    /** The next generation of this manifest, naming {@code segments}. */
    public Manifest withSegments(List<Long> segments) {
        return new Manifest(generation + 1, codecName, createdMillis, lastReclaimMillis, segments);
    }

    /** The next generation of this manifest, naming {@code segments} and recording a reclaim at {@code when}. */
    public Manifest afterReclaim(List<Long> segments, long when) {
        return new Manifest(generation + 1, codecName, createdMillis, when, segments);
    }

    /** The bytes of the manifest file. */
    public ByteBuffer encode() {
        byte[] codec = codecName.getBytes(StandardCharsets.US_ASCII);
        int bodyLength = FIXED_BODY_SIZE + codec.length + Long.BYTES * segmentIds.size();
        ByteBuffer bytes = ByteBuffer.allocate(BODY_OFFSET + bodyLength + Integer.BYTES);
        bytes.put(FileHeader.encode(FileHeader.Kind.MANIFEST, generation));
        bytes.putInt(bodyLength).put((byte) codec.length).put(codec).putLong(createdMillis).putLong(lastReclaimMillis)
                .putInt(segmentIds.size());
        segmentIds.forEach(bytes::putLong);
        bytes.putInt(Checksums.crc32c(bytes, BODY_LENGTH_OFFSET, bytes.position()));
        return bytes.flip();
    }

    /**
     * Reads a manifest file's bytes.
     *
     * @throws CorruptStoreException naming {@code file} and the offset if they are not a sound manifest
     */
    public static Manifest decode(ByteBuffer bytes, Path file) {
        long generation = FileHeader.decode(bytes, FileHeader.Kind.MANIFEST, file);
        if (bytes.limit() < BODY_OFFSET) {
            throw new CorruptStoreException(file, BODY_LENGTH_OFFSET, "the manifest ends before its body length");
        }
        int bodyLength = bytes.getInt(BODY_LENGTH_OFFSET);
        int crcOffset = BODY_OFFSET + bodyLength;
        if (bodyLength < FIXED_BODY_SIZE || bodyLength > bytes.limit() - BODY_OFFSET - Integer.BYTES) {
            throw new CorruptStoreException(file, BODY_LENGTH_OFFSET, "manifest body length " + bodyLength
                    + " does not fit a file of " + bytes.limit() + " bytes");
        }
        int stored = bytes.getInt(crcOffset);
        int computed = Checksums.crc32c(bytes, BODY_LENGTH_OFFSET, crcOffset);
        if (stored != computed) {
            throw new CorruptStoreException(file, crcOffset, Checksums.mismatch("manifest", stored, computed));
        }
        ByteBuffer body = bytes.slice(BODY_OFFSET, bodyLength);
        int codecLength = Byte.toUnsignedInt(body.get());
        if (codecLength > body.remaining() - (FIXED_BODY_SIZE - Byte.BYTES)) {
            throw new CorruptStoreException(file, BODY_OFFSET, "codec name length " + codecLength
                    + " does not fit the manifest body");
        }
        byte[] codec = new byte[codecLength];
        body.get(codec);
        long created = body.getLong();
        long lastReclaim = body.getLong();
        int count = body.getInt();
        if (count < 0 || (long) count * Long.BYTES != body.remaining()) {
            throw new CorruptStoreException(file, BODY_OFFSET + body.position() - Integer.BYTES,
                    "segment count " + count + " does not match the " + body.remaining() + " bytes that follow it");
        }
        List<Long> segments = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            segments.add(body.getLong());
        }
        if (segments.stream().distinct().count() != count) {
            throw new CorruptStoreException(file, BODY_OFFSET, "the manifest names a segment twice: " + segments);
        }
        String codecName = new String(codec, StandardCharsets.US_ASCII);
        try {
            return new Manifest(generation, codecName, created, lastReclaim, segments);
        } catch (IllegalArgumentException e) {
            throw new CorruptStoreException(file, BODY_OFFSET, e.getMessage());
        }
    }
}
