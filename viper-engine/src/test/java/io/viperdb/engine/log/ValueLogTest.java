package io.viperdb.engine.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.engine.format.DataRecord;
import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.io.FileAccess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The value log: buffered appends, mapped reads that see fresh appends, space reserved ahead and cut at seal. */
class ValueLogTest {

    @TempDir
    Path dir;

    private final ReentrantLock lock = new ReentrantLock();

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aRecordStillInTheBufferIsReadableAtOnce() throws Exception {
        ValueLog log = ValueLog.create(FileAccess.real(), dir.resolve("1.vlog"), 1, lock, 1 << 30);
        lock.lock();
        long offset = log.append(RecordHeader.PUT, 1, RecordHeader.NO_EXPIRY, bytes("k"), bytes("v"));
        int length = DataRecord.length(1, 1);
        assertEquals(20, Files.size(dir.resolve("1.vlog")), "the record is only in the buffer");
        lock.unlock();
        Mapping mapping = log.enter(offset + length);
        try {
            assertEquals("v", StandardCharsets.UTF_8.decode(DataRecord.value(mapping.buffer(), (int) offset, length,
                    bytes("k"), log.file())).toString());
        } finally {
            mapping.exit();
        }
        assertTrue(Files.size(dir.resolve("1.vlog")) >= offset + length, "reading flushed it");
        lock.lock();
        log.seal();
        lock.unlock();
        assertEquals(offset + length, Files.size(dir.resolve("1.vlog")), "sealing cuts the reserved space");
    }

    @Test
    void theMappingGrowsAheadSoFreshReadsRarelyRemap() {
        ValueLog log = ValueLog.create(FileAccess.real(), dir.resolve("1.vlog"), 1, lock, 1 << 30);
        byte[] value = new byte[1000];
        int remaps = 0;
        Mapping previous = null;
        for (int i = 0; i < 20_000; i++) {
            lock.lock();
            long offset = log.append(RecordHeader.PUT, i, RecordHeader.NO_EXPIRY, bytes("k" + i), value);
            lock.unlock();
            Mapping mapping = log.enter(log.end());
            try {
                if (mapping != previous) {
                    remaps++;
                    assertTrue(previous == null || previous.isUnmapped(), "a replaced mapping with no reader is unmapped");
                    previous = mapping;
                }
                assertEquals(i, RecordHeader.timestamp(mapping.buffer(), (int) offset));
            } finally {
                mapping.exit();
            }
        }
        // 20 MB of records: 1 MiB, then doubling, is a handful of mappings rather than one per read.
        assertTrue(remaps <= 8, "remaps: " + remaps);
        Mapping again = log.enter(20);
        again.exit();
        assertSame(previous, again);
        log.release();
        assertTrue(previous.isUnmapped(), "released with no reader: unmapped at once");
        assertNull(log.enter(20), "a released log lets no reader in");
    }

    @Test
    void aReplacedMappingStaysMappedUntilItsLastReaderLeaves() {
        ValueLog log = ValueLog.create(FileAccess.real(), dir.resolve("1.vlog"), 1, lock, 1 << 30);
        lock.lock();
        long offset = log.append(RecordHeader.PUT, 7, RecordHeader.NO_EXPIRY, bytes("k"), bytes("v"));
        lock.unlock();
        Mapping held = log.enter(log.end());
        // Grow past the first mapping (1 MiB), so the next read maps more and retires the one held.
        byte[] value = new byte[64 << 10];
        lock.lock();
        for (int i = 0; i < 40; i++) {
            log.append(RecordHeader.PUT, i, RecordHeader.NO_EXPIRY, bytes("g" + i), value);
        }
        lock.unlock();
        Mapping larger = log.enter(log.end());
        larger.exit();
        assertTrue(larger != held && held.isRetired(), "the larger mapping replaced the held one");
        assertEquals(7, RecordHeader.timestamp(held.buffer(), (int) offset), "the held mapping is still readable");
        assertTrue(!held.isUnmapped());
        held.exit();
        assertTrue(held.isUnmapped(), "the last reader out unmapped it");
        log.release();
    }
}
