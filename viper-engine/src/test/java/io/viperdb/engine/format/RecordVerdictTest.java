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
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/** The one inspection of a record, the verdict it returns, and the words that verdict is put into. */
class RecordVerdictTest {

    private static final Path FILE = Path.of("00000001.vlog");

    private static ByteBuffer record(String key, String value) {
        return RecordFormatTest.record(key, value);
    }

    private static ByteBuffer flipped(ByteBuffer record, int offset, int bit) {
        ByteBuffer damaged = ByteBuffer.allocate(record.limit()).put(record.duplicate()).flip();
        damaged.put(offset, (byte) (damaged.get(offset) ^ (1 << bit)));
        return damaged;
    }

    /** Gives {@code check} a copy of {@code record} with each of its bits flipped in turn, and where the flip is. */
    private static void forEveryFlippedBit(ByteBuffer record, BiConsumer<ByteBuffer, String> check) {
        for (int offset = 0; offset < record.limit(); offset++) {
            for (int bit = 0; bit < 8; bit++) {
                check.accept(flipped(record, offset, bit), "flip at " + offset + " bit " + bit);
            }
        }
    }

    @Test
    void everyFlippedBitIsAnInvalidVerdictThatSaysWhatIsWrong() {
        ByteBuffer record = record("clé", "valeur");
        int length = record.limit();
        forEveryFlippedBit(record, (damaged, where) -> {
            int verdict = DataRecord.inspect(damaged, 0, length);
            assertFalse(RecordVerdict.isSound(verdict), where);
            // A flip that makes the declared length longer leaves the record cut short by the limit.
            assertTrue(RecordVerdict.isInvalid(verdict) || verdict == RecordVerdict.RECORD_CUT_SHORT, where);
            String description = DataRecord.describe(verdict, damaged, 0, length);
            assertFalse(description.contains("sound"), where + ": " + description);
        });
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
                () -> DataRecord.value(damaged, 0, length, utf8("k"), FILE));
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
        forEveryFlippedBit(record, (damaged, where) -> {
            assertNull(DataRecord.valueIfSound(damaged, 0, length, utf8("clé")), where);
            assertThrows(CorruptStoreException.class, () -> DataRecord.value(damaged, 0, length, utf8("clé"), FILE), where);
        });
        assertEquals("valeur", StandardCharsets.UTF_8.decode(DataRecord.valueIfSound(record, 0, length, utf8("clé")))
                .toString());
        assertNull(DataRecord.valueIfSound(record, 0, length, utf8("clf")));
    }

    private static byte[] utf8(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
