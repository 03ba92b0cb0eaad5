package io.viperdb.engine.testing;

import io.viperdb.engine.format.DataRecord;
import io.viperdb.engine.format.FileHeader;
import io.viperdb.engine.format.HintRecord;
import io.viperdb.engine.format.Keys;
import io.viperdb.engine.format.Manifest;
import io.viperdb.engine.format.RecordHeader;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Every record of a sound, closed store, in replay order, with where it and its hint are: read from the files
 * before a test damages them, so that the test knows which records a damaged byte hit.
 */
public final class StoreRecords {

    /**
     * One value log record and its hint.
     *
     * @param rank the position of its segment in the manifest's order
     * @param valueLog its file
     * @param offset where it starts there
     * @param length its length
     * @param type its type (see {@link RecordHeader})
     * @param key its key (empty for a batch marker)
     * @param value its value bytes
     * @param timestamp when it was written
     * @param expiry when it expires
     * @param keyLog the key log of its segment
     * @param hintOffset where its hint starts in the key log
     * @param hintLength the hint's length
     */
    public record Rec(int rank, Path valueLog, int offset, int length, byte type, String key, byte[] value,
            long timestamp, long expiry, Path keyLog, int hintOffset, int hintLength) {

        /** Whether a byte at {@code at} of {@code file} lies in this record. */
        public boolean holds(Path file, long at) {
            return file.equals(valueLog) && at >= offset && at < offset + length;
        }

        /** Whether a byte at {@code at} of {@code file} lies in this record's hint. */
        public boolean hintHolds(Path file, long at) {
            return file.equals(keyLog) && at >= hintOffset && at < hintOffset + hintLength;
        }

        public boolean isBatchMarker() {
            return type == RecordHeader.BATCH_BEGIN || type == RecordHeader.BATCH_COMMIT;
        }
    }

    private StoreRecords() {
    }

    /** Reads every record of the store in {@code directory}, which must be sound, in the manifest's order. */
    public static List<Rec> read(Path directory) {
        Path manifestFile = directory.resolve("viper.manifest");
        Manifest manifest = Manifest.decode(ByteBuffer.wrap(StoreFiles.read(manifestFile)), manifestFile);
        List<Rec> records = new ArrayList<>();
        int rank = 0;
        for (long id : manifest.segmentIds()) {
            Path valueLog = directory.resolve(String.format("%08d.vlog", id));
            Path keyLog = directory.resolve(String.format("%08d.klog", id));
            ByteBuffer values = ByteBuffer.wrap(StoreFiles.read(valueLog));
            ByteBuffer hints = ByteBuffer.wrap(StoreFiles.read(keyLog));
            int hint = FileHeader.SIZE;
            for (int offset = FileHeader.SIZE; offset < values.limit(); ) {
                int length = DataRecord.inspect(values, offset, values.limit());
                int hintLength = HintRecord.inspect(hints, hint, hints.limit());
                if (length <= 0 || hintLength <= 0 || HintRecord.recordOffset(hints, hint) != offset) {
                    throw new IllegalStateException(valueLog + " is not sound at " + offset + " (or its hint at "
                            + hint + ")");
                }
                int keyLength = RecordHeader.keyLength(values, offset);
                byte[] value = new byte[RecordHeader.valueLength(values, offset)];
                values.get(offset + RecordHeader.SIZE + keyLength, value);
                records.add(new Rec(rank, valueLog, offset, length, RecordHeader.type(values, offset),
                        new String(Keys.copy(values, offset + RecordHeader.SIZE, keyLength), StandardCharsets.UTF_8), value,
                        RecordHeader.timestamp(values, offset), RecordHeader.expiry(values, offset), keyLog, hint,
                        hintLength));
                offset += length;
                hint += hintLength;
            }
            rank++;
        }
        return records;
    }
}
