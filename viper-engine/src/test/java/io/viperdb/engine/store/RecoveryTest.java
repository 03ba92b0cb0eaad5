package io.viperdb.engine.store;

import static io.viperdb.engine.testing.Contents.assertHolds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.viperdb.CorruptStoreException;
import io.viperdb.KeyValueStore;
import io.viperdb.StoreOptions;
import io.viperdb.UnsupportedFormatException;
import io.viperdb.WriteBatch;
import io.viperdb.engine.format.DataRecord;
import io.viperdb.engine.format.FileHeader;
import io.viperdb.engine.format.HintRecord;
import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.log.StoreDirectory;
import io.viperdb.engine.testing.History;
import io.viperdb.engine.testing.StoreFiles;
import io.viperdb.engine.testing.TextCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening a store whose files a crash or a disk has damaged, by the recovery rules of FORMAT.md: a test that proves
 * rule N is named {@code ruleN_...}; the others prove the rest of the format (manifest, file headers, leftovers).
 * Every case runs on real files, at every offset.
 */
class RecoveryTest {

    @TempDir
    Path root;

    private final StoreOptions options = StoreOptions.builder().codec(new TextCodec()).build();
    /** Log files of 4 KiB, so that a few hundred writes fill several segments. */
    private final StoreOptions smallLogs = StoreOptions.builder().codec(new TextCodec()).logFileSize(4096).build();
    private final History history = new History(42, 30, 6);
    private Path original;

    @BeforeEach
    void writeTheHistory() {
        original = root.resolve("original");
        try (KeyValueStore<String> store = KeyValueStore.open(original, options)) {
            history.applyTo(store);
        }
        // Rules 1 to 9 are those of a replay: the files as a crash before any checkpoint leaves them, without the
        // index file that a clean close saves, which rules 10 and 11 would start from instead.
        StoreFiles.delete(original.resolve(StoreDirectory.INDEX));
    }

    private static Path valueLog(Path store) {
        return StoreFiles.withSuffix(store, ".vlog").get(0);
    }

    private static Path keyLog(Path store) {
        return StoreFiles.withSuffix(store, ".klog").get(0);
    }

    /** Opens a damaged copy, checks it holds {@code expected}, and checks again after a second open. */
    private void assertRecovers(Path store, Map<String, String> expected, String context) {
        for (String round : new String[] {"first open", "second open"}) {
            try (KeyValueStore<String> reopened = KeyValueStore.open(store, options)) {
                assertHolds(expected, reopened, history.keys(), context + ", " + round);
            }
        }
    }

    private static void deleteSyncMark(Path store) {
        try {
            Files.delete(store.resolve("viper.synced"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The store {@code name} with {@link #smallLogs}, after {@code writes} and a close: its first segments sealed. */
    private Path withSealedSegments(String name, Consumer<KeyValueStore<String>> writes) {
        Path store = root.resolve(name);
        try (KeyValueStore<String> kv = KeyValueStore.open(store, smallLogs)) {
            writes.accept(kv);
        }
        return store;
    }

    private Path damagedCopy() {
        Path copy = root.resolve("copy");
        StoreFiles.deleteTree(copy);
        StoreFiles.snapshot(original, copy);
        return copy;
    }

    @Test
    void rule4_aValueLogCutAnywhereKeepsEveryRecordBeforeTheCut() {
        long size = StoreFiles.size(valueLog(original));
        for (long cut = 0; cut <= size; cut++) {
            Path copy = damagedCopy();
            StoreFiles.truncate(valueLog(copy), cut);
            if (cut < History.FILE_HEADER) {
                CorruptStoreException e = assertThrows(CorruptStoreException.class,
                        () -> KeyValueStore.open(copy, options), "cut at " + cut);
                assertEquals(valueLog(copy), e.file());
            } else {
                assertRecovers(copy, history.stateAfter(history.operationsWithin(cut)), "value log cut at " + cut);
            }
        }
    }

    @Test
    void rule2_aKeyLogCutAnywhereIsRebuiltFromTheValueLog() {
        long size = StoreFiles.size(keyLog(original));
        for (long cut = 0; cut <= size; cut++) {
            Path copy = damagedCopy();
            StoreFiles.truncate(keyLog(copy), cut);
            assertRecovers(copy, history.finalState(), "key log cut at " + cut);
            assertEquals(size, StoreFiles.size(keyLog(copy)), "the rebuilt key log is whole again");
        }
    }

    @Test
    void rule2_aMissingKeyLogIsRebuiltFromTheValueLog() throws Exception {
        Path copy = damagedCopy();
        Files.delete(keyLog(copy));
        assertRecovers(copy, history.finalState(), "key log deleted");
        assertArrayEquals(StoreFiles.read(keyLog(original)), StoreFiles.read(keyLog(copy)));
    }

    @Test
    void rule1_aFlippedByteInTheKeyLogEndsItsUseAndTheRestIsRebuiltFromTheValueLog() {
        long size = StoreFiles.size(keyLog(original));
        for (long offset = 0; offset < size; offset++) {
            Path copy = damagedCopy();
            StoreFiles.flip(keyLog(copy), offset, 0xFF);
            assertRecovers(copy, history.finalState(), "key log byte " + offset + " flipped");
        }
    }

    /**
     * A hint that is sound but does not start where the one before it ended (here the hint before it is gone) ends the
     * key log's use: the records from there on are read from the value log, and the key log is rebuilt as it was.
     */
    @Test
    void rule1_aSoundHintOutOfStepWithTheOneBeforeItEndsTheKeyLogsUse() {
        byte[] hints = StoreFiles.read(keyLog(original));
        ByteBuffer buffer = ByteBuffer.wrap(hints);
        int start = FileHeader.SIZE;
        for (int hint = 0; hint < 10; hint++) {
            start += HintRecord.inspect(buffer, start, hints.length);
        }
        int length = HintRecord.inspect(buffer, start, hints.length);
        byte[] withoutOne = new byte[hints.length - length];
        System.arraycopy(hints, 0, withoutOne, 0, start);
        System.arraycopy(hints, start + length, withoutOne, start, hints.length - start - length);
        Path copy = damagedCopy();
        StoreFiles.write(keyLog(copy), withoutOne);
        assertRecovers(copy, history.finalState(), "the key log's eleventh hint removed");
        assertArrayEquals(hints, StoreFiles.read(keyLog(copy)));
    }

    /**
     * Without a sync mark (a crash before the store synced, or a store written before marks existed) every record of
     * the active segment is checked when the store opens.
     */
    @Test
    void rule8_withoutASyncMarkAFlippedByteInTheActiveValueLogIsReportedWhenTheStoreOpens() {
        Path vlog = valueLog(original);
        long size = StoreFiles.size(vlog);
        for (long offset = 0; offset < size; offset++) {
            Path copy = damagedCopy();
            deleteSyncMark(copy);
            StoreFiles.flip(valueLog(copy), offset, 0x10);
            int damaged = history.operationAt(offset);
            long at = offset;
            CorruptStoreException e = assertThrows(CorruptStoreException.class,
                    () -> KeyValueStore.open(copy, options), () -> "byte " + at);
            assertEquals(valueLog(copy), e.file());
            assertEquals(damaged < 0 ? 0 : history.recordStart(damaged), e.offset(), "byte " + offset);
        }
    }

    /**
     * Below its sync mark the active segment is like a sealed one: its records are not read at open, and a damaged
     * one is reported, with its file and offset, by the read or verify that meets it; the last record, which the
     * mark names, is checked at open, and so are the file header and every record when the mark does not hold.
     */
    @Test
    void rule9_belowTheSyncMarkAFlippedByteInTheActiveValueLogIsReportedByTheReadOrVerifyThatMeetsIt() {
        Path vlog = valueLog(original);
        long size = StoreFiles.size(vlog);
        int lastRecord = history.operationAt(size - 1);
        int reportedAtOpen = 0;
        for (long offset = 0; offset < size; offset++) {
            Path copy = damagedCopy();
            StoreFiles.flip(valueLog(copy), offset, 0x10);
            int damaged = history.operationAt(offset);
            long recordStart = damaged < 0 ? 0 : history.recordStart(damaged);
            String context = "byte " + offset;
            KeyValueStore<String> store;
            try {
                store = KeyValueStore.open(copy, options);
            } catch (CorruptStoreException e) {
                assertTrue(damaged < 0 || damaged == lastRecord, context + ": only the header and the marked record "
                        + "are checked at open, but " + e.getMessage());
                assertEquals(valueLog(copy), e.file(), context);
                assertEquals(recordStart, e.offset(), context);
                reportedAtOpen++;
                continue;
            }
            try (store) {
                Map<String, String> expected = history.finalState();
                for (String key : history.keys()) {
                    try {
                        assertEquals(expected.get(key), store.get(key), context + ": get(\"" + key + "\")");
                    } catch (CorruptStoreException e) {
                        assertEquals(valueLog(copy), e.file(), context);
                        assertEquals(recordStart, e.offset(), context);
                    }
                }
                var report = store.verify();
                assertFalse(report.sound(), context + ": verify reports the damage");
                assertTrue(report.problems().stream().anyMatch(p -> p.file().equals(valueLog(copy))
                        && p.offset() == recordStart), context + ": " + report.problems());
            }
        }
        assertTrue(reportedAtOpen > History.FILE_HEADER, "the header and the marked record are checked at open");
    }

    /**
     * What the last segment would cut is damage in a sealed one: a value log cut short of what its key log lists, one
     * that runs on in garbage, and one that a rebuild of its key log finds ending inside a batch are reported with
     * the file and offset, and nothing is cut.
     */
    @Test
    void rule5_aSealedValueLogCutShortRunningOnOrEndingInsideABatchIsReportedNotCut() {
        Path store = withSealedSegments("sealed", kv -> {
            for (int i = 0; i < 100; i++) {
                kv.write(new WriteBatch<String>().put("k" + i, "value " + i).put("j" + i, "value " + i));
            }
        });
        assertTrue(StoreFiles.withSuffix(store, ".vlog").size() > 2, "several segments");
        Path sealed = StoreFiles.withSuffix(store, ".vlog").get(0);
        long size = StoreFiles.size(sealed);
        byte[] garbage = new byte[100];
        Arrays.fill(garbage, (byte) 0x55);
        // The first batch's begin record and first put: a cut after them ends the value log inside that batch.
        ByteBuffer data = ByteBuffer.wrap(StoreFiles.read(sealed));
        int begin = FileHeader.SIZE;
        int insideBatch = begin + DataRecord.inspect(data, begin, data.limit());
        insideBatch += DataRecord.inspect(data, insideBatch, data.limit());
        for (String damage : new String[] {"cut short", "garbage appended", "cut inside a batch, key log lost"}) {
            Path copy = root.resolve("copy");
            StoreFiles.deleteTree(copy);
            StoreFiles.snapshot(store, copy);
            Path vlog = copy.resolve(sealed.getFileName());
            long offset;
            switch (damage) {
                case "cut short" -> {
                    offset = size - 10;
                    StoreFiles.truncate(vlog, offset);
                }
                case "garbage appended" -> {
                    offset = size;
                    StoreFiles.append(vlog, garbage);
                }
                default -> {
                    offset = begin;
                    StoreFiles.truncate(vlog, insideBatch);
                    StoreFiles.write(StoreFiles.withSuffix(copy, ".klog").get(0), new byte[0]);
                }
            }
            long damagedSize = StoreFiles.size(vlog);
            CorruptStoreException e = assertThrows(CorruptStoreException.class,
                    () -> KeyValueStore.open(copy, smallLogs), damage);
            assertEquals(vlog, e.file(), damage);
            assertEquals(offset, e.offset(), damage);
            assertEquals(damagedSize, StoreFiles.size(vlog), damage + ": nothing is cut");
        }
    }

    @Test
    void rule5_aFlippedByteInASealedValueLogIsReportedByTheReadThatMeetsIt() {
        Path store = withSealedSegments("sealed", kv -> {
            for (int i = 0; i < 200; i++) {
                kv.put("k" + i, "value " + i);
            }
        });
        Path sealed = StoreFiles.withSuffix(store, ".vlog").get(0);
        StoreFiles.flip(sealed, 100, 0x10);
        try (KeyValueStore<String> kv = KeyValueStore.open(store, smallLogs)) {
            int reported = 0;
            for (int i = 0; i < 200; i++) {
                try {
                    assertEquals("value " + i, kv.get("k" + i));
                } catch (CorruptStoreException e) {
                    assertEquals(sealed, e.file());
                    assertTrue(e.offset() <= 100 && e.offset() > 60, "the record holding byte 100: " + e.offset());
                    reported++;
                }
            }
            assertEquals(1, reported, "exactly the record holding the flipped byte");
            kv.put("dead", "a record for the reclaim to drop: a store with nothing dead is left as it is");
            kv.remove("dead");
            assertThrows(CorruptStoreException.class, kv::reclaim, "reclaim refuses to copy a damaged live record");
            assertFalse(kv.verify().sound());
        }
    }

    @Test
    void rule5_everyFlippedByteOfASealedRecordIsReportedByTheGetOfItsKey() {
        // A get compares the key in the record rather than in the index for keys without an expiry, and in the index
        // for keys with one: damage anywhere in either kind of record (checksum, header, key, value) is reported.
        Path store = withSealedSegments("every-byte", kv -> {
            kv.put("k0", "value 0");
            kv.put("k1", "value 1", java.time.Duration.ofDays(1));
            for (int i = 2; i < 200; i++) {
                kv.put("k" + i, "value " + i);
            }
        });
        Path sealed = StoreFiles.withSuffix(store, ".vlog").get(0);
        byte[] bytes = StoreFiles.read(sealed);
        ByteBuffer file = ByteBuffer.wrap(bytes);
        int start = FileHeader.SIZE;
        for (int record = 0; record < 3; record++) {
            int length = DataRecord.length(RecordHeader.keyLength(file, start), RecordHeader.valueLength(file, start));
            for (int offset = start; offset < start + length; offset++) {
                Path copy = root.resolve("every-byte-" + offset);
                StoreFiles.snapshot(store, copy);
                StoreFiles.flip(StoreFiles.withSuffix(copy, ".vlog").get(0), offset, 0x01);
                try (KeyValueStore<String> kv = KeyValueStore.open(copy, smallLogs)) {
                    String key = "k" + record;
                    int at = offset;
                    CorruptStoreException e = assertThrows(CorruptStoreException.class, () -> kv.get(key),
                            () -> "byte " + at + " of the record of " + key);
                    assertEquals(start, e.offset(), "byte " + offset);
                    assertEquals("value 3", kv.get("k3"));
                }
                StoreFiles.deleteTree(copy);
            }
            start += length;
        }
    }

    /**
     * Past the sync mark (here: no mark, as after a power cut before the first sync), a hinted record of zeros is a
     * write the device never received: the store ends there.
     */
    @Test
    void rule8_aZeroedHoleInTheActiveValueLogIsAWriteThatNeverReachedTheDiskAndEndsTheStoreThere() {
        Path vlog = valueLog(original);
        int hole = 10;
        long start = history.recordStart(hole);
        byte[] bytes = StoreFiles.read(vlog);
        Path copy = damagedCopy();
        deleteSyncMark(copy);
        java.util.Arrays.fill(bytes, (int) start, (int) start + History.RECORD_HEADER, (byte) 0);
        StoreFiles.write(valueLog(copy), bytes);
        assertRecovers(copy, history.stateAfter(hole), "a zeroed record header at operation " + hole);
        assertEquals(start, StoreFiles.size(valueLog(copy)), "cut where the lost write began");
    }

    /** Below the sync mark the same hole cannot be a lost write (the mark came after the force): it is damage. */
    @Test
    void rule9_aZeroedHoleBelowTheSyncMarkIsDamageNotALostWrite() {
        int hole = 10;
        long start = history.recordStart(hole);
        Path copy = damagedCopy();
        byte[] bytes = StoreFiles.read(valueLog(copy));
        java.util.Arrays.fill(bytes, (int) start, (int) start + History.RECORD_HEADER, (byte) 0);
        StoreFiles.write(valueLog(copy), bytes);
        try (KeyValueStore<String> store = KeyValueStore.open(copy, options)) {
            assertEquals(StoreFiles.size(valueLog(original)), StoreFiles.size(valueLog(copy)), "nothing is cut");
            var report = store.verify();
            assertTrue(report.problems().stream().anyMatch(p -> p.offset() == start), report.problems().toString());
        }
        // With the key log gone too, the value log is read from the start: the hole is reported, not cut.
        StoreFiles.write(keyLog(copy), new byte[0]);
        CorruptStoreException e = assertThrows(CorruptStoreException.class, () -> KeyValueStore.open(copy, options));
        assertEquals(valueLog(copy), e.file());
        assertEquals(start, e.offset());
        assertTrue(e.getMessage().contains("sync mark"), e.getMessage());
    }

    @Test
    void rule1_garbageAppendedToTheKeyLogEndsItsUseAndIsCutOff() {
        appendGarbageAndRecover(false);
    }

    @Test
    void rule3_garbageAppendedToTheValueLogIsATornAppendAndIsCutOff() {
        appendGarbageAndRecover(true);
    }

    /** Appends random bytes to one log of a copy, a hundred times, and checks each copy opens whole. */
    private void appendGarbageAndRecover(boolean toValueLog) {
        Random random = new Random(toValueLog ? 7 : 8);
        for (int trial = 0; trial < 100; trial++) {
            Path copy = damagedCopy();
            byte[] garbage = new byte[1 + random.nextInt(300)];
            random.nextBytes(garbage);
            StoreFiles.append(toValueLog ? valueLog(copy) : keyLog(copy), garbage);
            assertRecovers(copy, history.finalState(), "trial " + trial);
            assertEquals(StoreFiles.size(valueLog(original)), StoreFiles.size(valueLog(copy)));
            assertEquals(StoreFiles.size(keyLog(original)), StoreFiles.size(keyLog(copy)));
        }
    }

    /**
     * Past the hints of a damaged key log, only a partial record or zeros are cut off the value log: the key log does
     * not say where the last flush ended, so anything else there is reported.
     */
    @Test
    void rule3_withTheKeyLogDamagedOnlyAPartialRecordOrZerosAreCutOffTheValueLog() {
        long end = StoreFiles.size(valueLog(original));
        ByteBuffer header = ByteBuffer.allocate(RecordHeader.SIZE);
        byte[] key = "k".getBytes(StandardCharsets.UTF_8);
        DataRecord.encodeHeader(header, RecordHeader.PUT, 0, RecordHeader.NO_EXPIRY, key, new byte[10]);
        byte[] partialRecord = Arrays.copyOf(header.array(), RecordHeader.SIZE + key.length);
        partialRecord[RecordHeader.SIZE] = key[0];
        byte[] garbage = new byte[100];
        Arrays.fill(garbage, (byte) 0x55);
        for (boolean keyLogDamaged : new boolean[] {false, true}) {
            for (byte[] tail : new byte[][] {new byte[100], partialRecord, garbage}) {
                Path copy = damagedCopy();
                if (keyLogDamaged) {
                    StoreFiles.flip(keyLog(copy), StoreFiles.size(keyLog(copy)) / 2, 0x01);
                }
                StoreFiles.append(valueLog(copy), tail);
                String context = (keyLogDamaged ? "key log damaged, " : "") + tail.length + " bytes appended, "
                        + (tail == garbage ? "garbage" : tail == partialRecord ? "a partial record" : "zeros");
                if (keyLogDamaged && tail == garbage) {
                    CorruptStoreException e = assertThrows(CorruptStoreException.class,
                            () -> KeyValueStore.open(copy, options), context);
                    assertEquals(valueLog(copy), e.file(), context);
                    assertEquals(end, e.offset(), context);
                    assertEquals(end + tail.length, StoreFiles.size(valueLog(copy)), context + ": nothing is cut");
                } else {
                    assertRecovers(copy, history.finalState(), context);
                    assertEquals(end, StoreFiles.size(valueLog(copy)), context + ": the tail is cut off");
                }
            }
        }
    }

    @Test
    void rule3_aCrashAfterFlushLosesNothingAndTheSpaceTheValueLogRanAheadWithIsCut() {
        Path live = root.resolve("live");
        try (KeyValueStore<String> store = KeyValueStore.open(live, options)) {
            history.applyTo(store);
            store.flush();
            // Reading maps the value log, which reserves (sparse) space beyond its data, as it does in real use.
            history.keys().forEach(store::get);
            Path crashed = root.resolve("crashed");
            StoreFiles.snapshot(live, crashed);
            assertTrue(StoreFiles.size(valueLog(crashed)) > StoreFiles.size(valueLog(original)),
                    "the open value log runs ahead of its data, as a crash would leave it");
            assertRecovers(crashed, history.finalState(), "crash after flush");
            assertEquals(StoreFiles.size(valueLog(original)), StoreFiles.size(valueLog(crashed)),
                    "recovery cuts the space the value log had reserved");
        }
    }

    @Test
    void rule2_aCrashWithoutFlushLeavesAPrefixOfTheWrites() {
        History longer = new History(3, 4000, 50);
        Path live = root.resolve("live");
        try (KeyValueStore<String> store = KeyValueStore.open(live, options)) {
            longer.applyTo(store);
            Path crashed = root.resolve("crashed");
            StoreFiles.snapshot(live, crashed);
            try (KeyValueStore<String> recovered = KeyValueStore.open(crashed, options)) {
                int prefix = -1;
                for (int count = longer.size(); count >= 0 && prefix < 0; count--) {
                    if (matches(longer.stateAfter(count), recovered, longer)) {
                        prefix = count;
                    }
                }
                assertTrue(prefix > 0, "the buffers that filled reached the file: some prefix survives");
                assertTrue(prefix < longer.size(), "the last buffer never reached the file");
            }
        }
    }

    private static boolean matches(Map<String, String> state, KeyValueStore<String> store, History history) {
        for (String key : history.keys()) {
            if (!java.util.Objects.equals(state.get(key), store.get(key))) {
                return false;
            }
        }
        return store.size() == state.size();
    }

    @Test
    void aMissingManifestIsReportedNotPaperedOver() throws Exception {
        Path copy = damagedCopy();
        Files.delete(copy.resolve("viper.manifest"));
        CorruptStoreException e = assertThrows(CorruptStoreException.class, () -> KeyValueStore.open(copy, options));
        assertEquals(copy.resolve("viper.manifest"), e.file());
        assertTrue(e.getMessage().contains("refusing to create a new store"), e.getMessage());
        assertTrue(Files.exists(valueLog(copy)), "the data is left alone");
    }

    @Test
    void anyDamageToTheManifestIsReported() {
        Path manifest = original.resolve("viper.manifest");
        long size = StoreFiles.size(manifest);
        for (long offset = 0; offset < size; offset++) {
            Path copy = damagedCopy();
            StoreFiles.flip(copy.resolve("viper.manifest"), offset, 0x01);
            try (KeyValueStore<String> store = KeyValueStore.open(copy, options)) {
                fail("opened a store whose manifest has byte " + offset + " flipped: " + store);
            } catch (CorruptStoreException e) {
                assertEquals(copy.resolve("viper.manifest"), e.file());
            }
        }
        for (long cut = 0; cut < size; cut++) {
            Path copy = damagedCopy();
            StoreFiles.truncate(copy.resolve("viper.manifest"), cut);
            assertThrows(CorruptStoreException.class, () -> KeyValueStore.open(copy, options), "cut at " + cut);
        }
    }

    @Test
    void aFileFromANewerFormatIsRefusedByVersion() {
        Path copy = damagedCopy();
        Path manifest = copy.resolve("viper.manifest");
        ByteBuffer bytes = ByteBuffer.wrap(StoreFiles.read(manifest));
        bytes.putShort(4, (short) 2);
        CRC32C crc = new CRC32C();
        crc.update(bytes.array(), 0, 16);
        bytes.putInt(16, (int) crc.getValue());
        StoreFiles.write(manifest, bytes.array());
        UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class,
                () -> KeyValueStore.open(copy, options));
        assertEquals(2, e.foundVersion());
        assertTrue(e.getMessage().contains("newer"), e.getMessage());
    }

    @Test
    void filesTheManifestDoesNotNameAreLeftoversAndAreDeleted() throws Exception {
        Path copy = damagedCopy();
        Files.copy(valueLog(copy), copy.resolve("00000099.vlog"));
        Files.writeString(copy.resolve("00000099.klog"), "half-written");
        Files.writeString(copy.resolve("viper.manifest.tmp"), "interrupted");
        Files.writeString(copy.resolve("notes.txt"), "not ours");
        assertRecovers(copy, history.finalState(), "leftovers");
        assertFalse(Files.exists(copy.resolve("00000099.vlog")));
        assertFalse(Files.exists(copy.resolve("00000099.klog")));
        assertFalse(Files.exists(copy.resolve("viper.manifest.tmp")));
        assertTrue(Files.exists(copy.resolve("notes.txt")), "files the store does not own are left alone");
    }

    @Test
    void aValueLogTheManifestNamesMustExist() throws Exception {
        Path copy = damagedCopy();
        Files.delete(valueLog(copy));
        CorruptStoreException e = assertThrows(CorruptStoreException.class, () -> KeyValueStore.open(copy, options));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void aValueLogWithAnotherSegmentsHeaderIsRefused() throws Exception {
        Path copy = damagedCopy();
        Path renamed = copy.resolve("00000002.vlog");
        Files.move(valueLog(copy), renamed);
        Files.move(keyLog(copy), copy.resolve("00000002.klog"));
        // Rewrite the manifest to name segment 2, whose files say they are segment 1.
        io.viperdb.engine.log.StoreDirectory directory = new io.viperdb.engine.log.StoreDirectory(copy, io.viperdb.engine.io.FileAccess.real());
        directory.writeManifest(directory.readManifest().withSegments(java.util.List.of(2L)));
        CorruptStoreException e = assertThrows(CorruptStoreException.class, () -> KeyValueStore.open(copy, options));
        assertEquals(renamed, e.file());
    }

    private static void assertArrayEquals(byte[] expected, byte[] actual) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual);
    }
}
