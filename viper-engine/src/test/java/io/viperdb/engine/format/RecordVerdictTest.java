package io.viperdb.engine.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.CorruptStoreException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The one inspection of a record, the verdict it returns, and the words that verdict is put into. */
class RecordVerdictTest {

    private static final Path FILE = Path.of("00000001.vlog");

    private static ByteBuffer record(String key, String value) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        ByteBuffer header = ByteBuffer.allocate(RecordHeader.SIZE);
        DataRecord.encodeHeader(header, RecordHeader.PUT, 123, RecordHeader.NO_EXPIRY, k, v);
        return ByteBuffer.allocate(DataRecord.length(k.length, v.length)).put(header).put(k).put(v).flip();
    }

    private static ByteBuffer flipped(ByteBuffer record, int offset, int bit) {
        ByteBuffer damaged = ByteBuffer.allocate(record.limit()).put(record.duplicate()).flip();
        damaged.put(offset, (byte) (damaged.get(offset) ^ (1 << bit)));
        return damaged;
    }

    @Test
    void everyFlippedBitIsAnInvalidVerdictThatSaysWhatIsWrong() {
        ByteBuffer record = record("clé", "valeur");
        int length = record.limit();
        for (int offset = 0; offset < length; offset++) {
            for (int bit = 0; bit < 8; bit++) {
                ByteBuffer damaged = flipped(record, offset, bit);
                int verdict = DataRecord.inspect(damaged, 0, length);
                String where = "flip at " + offset + " bit " + bit;
                assertFalse(RecordVerdict.isSound(verdict), where);
                // A flip that makes the declared length longer leaves the record cut short by the limit.
                assertTrue(RecordVerdict.isInvalid(verdict) || verdict == RecordVerdict.RECORD_CUT_SHORT, where);
                String description = DataRecord.describe(verdict, damaged, 0, length);
                assertFalse(description.contains("sound"), where + ": " + description);
            }
        }
    }

    @Test
    void aRecordCutInItsHeaderAndOneCutAfterItAreBothIncompleteAndSaySo() {
        ByteBuffer record = record("k", "some value");
        int inHeader = DataRecord.inspect(record, 0, RecordHeader.SIZE - 1);
        assertEquals(RecordVerdict.HEADER_CUT_SHORT, inHeader);
        assertEquals("a record header needs 27 bytes but only 26 remain",
                DataRecord.describe(inHeader, record, 0, RecordHeader.SIZE - 1));
        int afterHeader = DataRecord.inspect(record, 0, RecordHeader.SIZE);
        assertEquals(RecordVerdict.RECORD_CUT_SHORT, afterHeader);
        assertEquals("a record of " + record.limit() + " bytes runs past the end of the data at offset 27",
                DataRecord.describe(afterHeader, record, 0, RecordHeader.SIZE));
        assertTrue(RecordVerdict.isIncomplete(inHeader) && RecordVerdict.isIncomplete(afterHeader));
        assertFalse(RecordVerdict.isInvalid(inHeader) || RecordVerdict.isInvalid(afterHeader));
    }

    @Test
    void aDamagedValueIsAChecksumMismatch_inTheWordsEveryChecksumUses() {
        ByteBuffer damaged = flipped(record("k", "value"), RecordHeader.SIZE + 2, 0);
        int length = damaged.limit();
        assertEquals(RecordVerdict.CHECKSUM_MISMATCH, DataRecord.inspect(damaged, 0, length));
        int stored = RecordHeader.storedCrc(damaged, 0);
        int computed = Checksums.crc32c(damaged, RecordHeader.TYPE_OFFSET, length);
        assertEquals(Checksums.mismatch("record", stored, computed),
                DataRecord.describe(RecordVerdict.CHECKSUM_MISMATCH, damaged, 0, length));
        CorruptStoreException e = assertThrows(CorruptStoreException.class,
                () -> DataRecord.value(damaged, 0, length, "k", FILE));
        assertTrue(e.getMessage().contains(Checksums.mismatch("record", stored, computed)), e.getMessage());
    }

    @Test
    void theChecksumMessageNamesWhatItCoversAndBothValuesInHex() {
        assertEquals("manifest checksum mismatch (stored 0x00000001, computed 0xabcdef12)",
                Checksums.mismatch("manifest", 1, 0xabcdef12));
    }

    @Test
    void aReadThatMayMeetAnotherKeyRefusesExactlyWhatAReadThatMayNotRefuses() {
        ByteBuffer record = record("clé", "valeur");
        int length = record.limit();
        for (int offset = 0; offset < length; offset++) {
            for (int bit = 0; bit < 8; bit++) {
                ByteBuffer damaged = flipped(record, offset, bit);
                assertNull(DataRecord.valueIfSound(damaged, 0, length, "clé"), "flip at " + offset + " bit " + bit);
                assertThrows(CorruptStoreException.class, () -> DataRecord.value(damaged, 0, length, "clé", FILE));
            }
        }
        assertEquals("valeur", StandardCharsets.UTF_8.decode(DataRecord.valueIfSound(record, 0, length, "clé"))
                .toString());
        assertNull(DataRecord.valueIfSound(record, 0, length, "clf"));
    }
}
