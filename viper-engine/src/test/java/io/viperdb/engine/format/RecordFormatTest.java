package io.viperdb.engine.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.CorruptStoreException;
import io.viperdb.UnsupportedFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The layouts of FORMAT.md, and that every checksum covers every byte it claims to. */
class RecordFormatTest {

    private static final Path FILE = Path.of("test.vlog");

    @Test
    void fieldOffsetsAreThoseOfTheDocumentedLayout() {
        assertEquals(20, FileHeader.SIZE);
        assertEquals(List.of(0, 4, 5, 13, 21, 23, 27), List.of(RecordHeader.CRC_OFFSET, RecordHeader.TYPE_OFFSET,
                RecordHeader.TIMESTAMP_OFFSET, RecordHeader.EXPIRY_OFFSET, RecordHeader.KEY_LENGTH_OFFSET,
                RecordHeader.VALUE_LENGTH_OFFSET, RecordHeader.SIZE));
        assertEquals(35, HintRecord.KEY_OFFSET);
        assertEquals("VIPV", magic(FileHeader.Kind.VALUE_LOG));
        assertEquals("VIPK", magic(FileHeader.Kind.KEY_LOG));
        assertEquals("VIPM", magic(FileHeader.Kind.MANIFEST));
    }

    private static String magic(FileHeader.Kind kind) {
        return new String(ByteBuffer.allocate(4).putInt(kind.magic()).array(), StandardCharsets.US_ASCII);
    }

    static ByteBuffer record(String key, String value) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        ByteBuffer header = ByteBuffer.allocate(RecordHeader.SIZE);
        DataRecord.encodeHeader(header, RecordHeader.PUT, 123, RecordHeader.NO_EXPIRY, k, v);
        return ByteBuffer.allocate(DataRecord.length(k.length, v.length)).put(header).put(k).put(v).flip();
    }

    @Test
    void aRecordReadsBackAndEveryFlippedBitIsCaught() {
        ByteBuffer record = record("clé", "valeur");
        int length = record.limit();
        assertEquals(length, DataRecord.inspect(record, 0, length));
        assertEquals("valeur", StandardCharsets.UTF_8.decode(DataRecord.value(record, 0, length, utf8("clé"), FILE))
                .toString());
        for (int offset = 0; offset < length; offset++) {
            for (int bit = 0; bit < 8; bit++) {
                ByteBuffer damaged = ByteBuffer.allocate(length).put(record.duplicate()).flip();
                damaged.put(offset, (byte) (damaged.get(offset) ^ (1 << bit)));
                int check = DataRecord.inspect(damaged, 0, length);
                assertTrue(check < 0, "flip at " + offset + " bit " + bit + " passed the check");
                int at = offset;
                CorruptStoreException e = assertThrows(CorruptStoreException.class,
                        () -> DataRecord.value(damaged, 0, length, utf8("clé"), FILE), () -> "read with flip at " + at);
                assertEquals(0, e.offset());
                assertEquals(FILE, e.file());
            }
        }
    }

    @Test
    void aSoundRecordOfAnotherKeyIsNeverReturned() {
        ByteBuffer record = record("alice", "secret");
        CorruptStoreException e = assertThrows(CorruptStoreException.class,
                () -> DataRecord.value(record, 0, record.limit(), utf8("alicf"), FILE));
        assertTrue(e.getMessage().contains("holds key \"alice\""), e.getMessage());
    }

    @Test
    void aBlockIsWalkedRecordByRecordByTheLengthsInTheirHeaders() {
        ByteBuffer first = record("a", "1");
        ByteBuffer second = record("bb", "");
        ByteBuffer third = record("ccc", "a longer value");
        int prefix = 5;
        ByteBuffer block = ByteBuffer.allocate(prefix + first.limit() + second.limit() + third.limit())
                .position(prefix).put(first).put(second).put(third).flip();
        List<Integer> starts = new ArrayList<>();
        int last = DataRecord.walkBlock(block, prefix, block.limit() - prefix, starts::add);
        int secondStart = prefix + first.limit();
        int thirdStart = secondStart + second.limit();
        assertEquals(List.of(prefix, secondStart, thirdStart), starts);
        assertEquals(thirdStart, last);
    }

    @Test
    void aRecordCutShortIsIncompleteNotInvalid() {
        ByteBuffer record = record("k", "some value");
        for (int limit = 0; limit < record.limit(); limit++) {
            assertTrue(RecordVerdict.isIncomplete(DataRecord.inspect(record, 0, limit)), "limit " + limit);
        }
    }

    @Test
    void aHintDescribesItsRecordAndEveryFlippedBitIsCaught() {
        ByteBuffer record = record("key", "value");
        ByteBuffer hint = ByteBuffer.allocate(HintRecord.length(3));
        HintRecord.writeFor(hint, record, 0, 4242);
        hint.flip();
        assertEquals(hint.limit(), HintRecord.inspect(hint, 0, hint.limit()));
        assertEquals(4242, HintRecord.recordOffset(hint, 0));
        assertEquals(record.limit(), HintRecord.recordLength(hint, 0));
        ByteBuffer direct = ByteBuffer.allocate(HintRecord.length(3));
        HintRecord.write(direct, RecordHeader.PUT, 123, RecordHeader.NO_EXPIRY, "key".getBytes(StandardCharsets.UTF_8),
                5, 4242);
        assertEquals(hint, direct.flip(), "a hint written from a record equals one written from its fields");
        for (int offset = 0; offset < hint.limit(); offset++) {
            ByteBuffer damaged = ByteBuffer.allocate(hint.limit()).put(hint.duplicate()).flip();
            damaged.put(offset, (byte) ~damaged.get(offset));
            assertTrue(HintRecord.inspect(damaged, 0, damaged.limit()) < 0, "flip at " + offset);
        }
    }

    @Test
    void theManifestRoundTripsAndRefusesDamage() {
        var manifest = new Manifest(7, "json", 1000, 2000, List.of(3L, 1L, 9L));
        ByteBuffer bytes = manifest.encode();
        assertEquals(manifest, Manifest.decode(bytes.duplicate(), FILE));
        for (int offset = 0; offset < bytes.limit(); offset++) {
            ByteBuffer damaged = ByteBuffer.allocate(bytes.limit()).put(bytes.duplicate()).flip();
            damaged.put(offset, (byte) (damaged.get(offset) ^ 0x04));
            int at = offset;
            RuntimeException e = assertThrows(RuntimeException.class, () -> Manifest.decode(damaged, FILE),
                    () -> "flip at " + at);
            assertTrue(e instanceof CorruptStoreException || e instanceof UnsupportedFormatException, e.toString());
        }
    }

    @Test
    void aManifestWithHugeLengthsIsRefusedWithoutAllocating() {
        ByteBuffer bytes = new Manifest(1, "json", 1, 0, List.of(1L)).encode();
        ByteBuffer forged = ByteBuffer.allocate(bytes.limit()).put(bytes).flip();
        forged.putInt(FileHeader.SIZE, Integer.MAX_VALUE);
        assertThrows(CorruptStoreException.class, () -> Manifest.decode(forged, FILE));
    }

    @Test
    void fileHeadersNameTheirKind() {
        ByteBuffer header = FileHeader.encode(FileHeader.Kind.KEY_LOG, 5);
        assertEquals(5, FileHeader.decode(header, FileHeader.Kind.KEY_LOG, FILE));
        CorruptStoreException e = assertThrows(CorruptStoreException.class,
                () -> FileHeader.decode(header, FileHeader.Kind.VALUE_LOG, FILE));
        assertTrue(e.getMessage().contains("not a ViperDB value log"), e.getMessage());
        assertNotEquals(FileHeader.Kind.KEY_LOG.magic(), FileHeader.Kind.VALUE_LOG.magic());
    }

    private static byte[] utf8(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
