package io.viperdb.engine.store;

import static io.viperdb.engine.testing.Contents.assertHolds;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.CodecMismatchException;
import io.viperdb.CorruptStoreException;
import io.viperdb.KeyValueStore;
import io.viperdb.SalvageReport;
import io.viperdb.StoreLockedException;
import io.viperdb.StoreOptions;
import io.viperdb.ViperException;
import io.viperdb.WriteBatch;
import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.testing.StoreFiles;
import io.viperdb.engine.testing.StoreRecords;
import io.viperdb.engine.testing.StoreRecords.Rec;
import io.viperdb.engine.testing.TestClock;
import io.viperdb.engine.testing.TextCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Salvage, by example: what it copies out of a damaged store, what it leaves out and reports, and that it never
 * writes to the damaged store. {@link SalvageCampaignTest} damages stores at random; these are the cases by name.
 * Every salvage here goes through {@link KeyValueStore#salvage}, so through the engine {@link java.util.ServiceLoader}
 * finds, and the stores are written with {@link TextCodec}, which is not a service: salvage needs no codec.
 */
class SalvageTest {

    @TempDir
    Path root;

    private final TestClock clock = new TestClock();
    /** What the store holds, as written. */
    private final Map<String, String> model = new HashMap<>();
    private final Map<String, Long> expiries = new HashMap<>();
    private final List<String> universe = new ArrayList<>();

    private StoreOptions writing() {
        return StoreOptions.builder().codec(new TextCodec()).clock(clock).logFileSize(StoreOptions.MIN_LOG_FILE_SIZE)
                .build();
    }

    private StoreOptions reading(TestClock at) {
        return StoreOptions.builder().codec(new TextCodec()).clock(at).build();
    }

    /** The target's options: the same clock, so expiry is judged as the store would judge it. */
    private StoreOptions salvaging() {
        return StoreOptions.builder().clock(clock).build();
    }

    private void put(KeyValueStore<String> store, String key, String value) {
        store.put(key, value);
        model.put(key, value);
        expiries.remove(key);
        clock.advance(Duration.ofMillis(1));
    }

    /**
     * A store of several segments (4 KiB log files): 300 keys put, a third of them overwritten, some removed, a
     * reclaim, then some keys overwritten again, some put with a time to live, a batch, and new keys.
     */
    private Path store() {
        Path dir = root.resolve("store");
        try (KeyValueStore<String> store = KeyValueStore.open(dir, writing())) {
            for (int i = 0; i < 300; i++) {
                universe.add("key-" + i);
                put(store, "key-" + i, "first value of key " + i + " " + "x".repeat(i % 40));
            }
            for (int i = 0; i < 300; i += 3) {
                put(store, "key-" + i, "second value of key " + i);
            }
            for (int i = 1; i < 300; i += 7) {
                store.remove("key-" + i);
                model.remove("key-" + i);
                clock.advance(Duration.ofMillis(1));
            }
            store.reclaim();
            for (int i = 0; i < 300; i += 11) {
                put(store, "key-" + i, "third value of key " + i + ", after the reclaim");
            }
            for (int i = 0; i < 20; i++) {
                String key = "expiring-" + i;
                universe.add(key);
                store.put(key, "lives " + (i + 1) + " minutes", Duration.ofMinutes(i + 1));
                model.put(key, "lives " + (i + 1) + " minutes");
                expiries.put(key, clock.millis() + Duration.ofMinutes(i + 1).toMillis());
                clock.advance(Duration.ofMillis(1));
            }
            WriteBatch<String> batch = new WriteBatch<>();
            for (int i = 2; i < 60; i += 5) {
                batch.put("key-" + i, "batched value of key " + i);
                model.put("key-" + i, "batched value of key " + i);
            }
            store.write(batch);
            clock.advance(Duration.ofMillis(1));
            for (int i = 300; i < 330; i++) {
                universe.add("key-" + i);
                put(store, "key-" + i, "late value of key " + i);
            }
        }
        return dir;
    }

    private void assertTargetHolds(Map<String, String> expected, Path target, String context) {
        try (KeyValueStore<String> salvaged = KeyValueStore.open(target, reading(clock))) {
            assertHolds(expected, salvaged, universe, context);
        }
    }

    /** Every file of a directory, by name, with its bytes and its time of last modification. */
    private static Map<String, Object> filesOf(Path dir) {
        Map<String, Object> files = new TreeMap<>();
        for (Path file : StoreFiles.list(dir)) {
            try {
                files.put(file.getFileName().toString(), List.of(new String(StoreFiles.read(file),
                        java.nio.charset.StandardCharsets.ISO_8859_1), Files.getLastModifiedTime(file)));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return files;
    }

    private static Rec latestRecordOf(List<Rec> records, String key) {
        Rec latest = null;
        for (Rec record : records) {
            if (record.key().equals(key) && !record.isBatchMarker()) {
                latest = record;
            }
        }
        return latest;
    }

    private static Path lastValueLog(Path store) {
        List<Rec> records = StoreRecords.read(store);
        return records.get(records.size() - 1).valueLog();
    }

    @Test
    void aSoundStoreIsCopiedWholeWithItsValuesAndExpiriesToTheMillisecond() {
        Path store = store();
        Path target = root.resolve("salvaged");
        SalvageReport report = KeyValueStore.salvage(store, target, salvaging());

        assertTrue(report.complete(), report.toString());
        assertEquals(List.of(), report.damagedRanges());
        assertEquals(List.of(), report.lostKeys());
        assertEquals(model.size(), report.keys());
        assertEquals(model.size(), report.recordsCopied());
        assertEquals(StoreRecords.read(store).size(), report.recordsRead(), "every record of every segment was read");
        assertTargetHolds(model, target, "salvaged");
        for (Map.Entry<String, Long> expiring : expiries.entrySet()) {
            String key = expiring.getKey();
            long expiry = expiring.getValue();
            try (KeyValueStore<String> before = KeyValueStore.open(target, reading(new TestClock(expiry - 1)))) {
                assertTrue(before.containsKey(key), key + " lives until its expiry");
            }
            try (KeyValueStore<String> at = KeyValueStore.open(target, reading(new TestClock(expiry)))) {
                assertFalse(at.containsKey(key), key + " has expired at its expiry");
            }
        }
    }

    @Test
    void putsThatHaveExpiredByTheTargetsClockAreLeftOut() {
        Path store = store();
        clock.advance(Duration.ofMinutes(10).plusMillis(1));
        expiries.forEach((key, expiry) -> {
            if (expiry <= clock.millis()) {
                model.remove(key);
            }
        });
        SalvageReport report = KeyValueStore.salvage(store, root.resolve("salvaged"), salvaging());
        assertTrue(report.complete(), report.toString());
        assertTargetHolds(model, root.resolve("salvaged"), "10 minutes later");
    }

    @Test
    void theDamagedStoreIsNeverWrittenToCutOrAddedTo() throws IOException {
        Path store = store();
        List<Rec> records = StoreRecords.read(store);
        // Damage of every kind that opening would repair or refuse: a record and a hint damaged, the sync mark gone
        // (so the whole active segment would be checked), zeros after the last record (a torn tail), and a file
        // that an interrupted reclaim leaves behind.
        Rec victim = records.get(records.size() / 2);
        StoreFiles.flip(victim.valueLog(), victim.offset() + RecordHeader.SIZE, 0x20);
        StoreFiles.flip(records.get(10).keyLog(), records.get(10).hintOffset() + 3, 0x01);
        Files.delete(store.resolve("viper.synced"));
        StoreFiles.append(records.get(records.size() - 1).valueLog(), new byte[4096]);
        StoreFiles.write(store.resolve("99999999.vlog"), new byte[100]);
        Files.setLastModifiedTime(store.resolve("viper.manifest"), FileTime.fromMillis(1_000_000_000_000L));
        Map<String, Object> before = filesOf(store);

        SalvageReport report = KeyValueStore.salvage(store, root.resolve("salvaged"), salvaging());

        assertFalse(report.complete());
        assertEquals(before, filesOf(store), "every file, its bytes and its time of modification are as they were");
    }

    @Test
    void aTargetThatIsNotEmptyIsRefusedAndLeftAsItWas() {
        Path store = store();
        Path target = root.resolve("occupied");
        StoreFiles.deleteTree(target);
        try {
            Files.createDirectories(target);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        StoreFiles.write(target.resolve("notes.txt"), "mine".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Map<String, Object> before = filesOf(target);

        ViperException e = assertThrows(ViperException.class,
                () -> KeyValueStore.salvage(store, target, salvaging()));
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
        assertEquals(before, filesOf(target));

        Path file = target.resolve("notes.txt");
        e = assertThrows(ViperException.class, () -> KeyValueStore.salvage(store, file, salvaging()));
        assertTrue(e.getMessage().contains("it is a file"), e.getMessage());

        Path inside = store.resolve("salvaged");
        e = assertThrows(ViperException.class, () -> KeyValueStore.salvage(store, inside, salvaging()));
        assertTrue(e.getMessage().contains("inside the directory of the damaged store"), e.getMessage());
        assertFalse(Files.exists(inside));
    }

    @Test
    void aDirectoryWithoutAStoreIsNoStoreToSalvage() throws IOException {
        Path missing = root.resolve("missing");
        ViperException e = assertThrows(ViperException.class,
                () -> KeyValueStore.salvage(missing, root.resolve("salvaged"), salvaging()));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        Path unrelated = Files.createDirectories(root.resolve("unrelated"));
        StoreFiles.write(unrelated.resolve("notes.txt"), new byte[0]);
        e = assertThrows(ViperException.class,
                () -> KeyValueStore.salvage(unrelated, root.resolve("salvaged"), salvaging()));
        assertTrue(e.getMessage().contains("neither a manifest nor segment files"), e.getMessage());
        assertFalse(Files.exists(root.resolve("salvaged")));
    }

    @Test
    void aDamagedManifestSalvagesWithTheCodecTheOptionsName() {
        Path store = store();
        StoreFiles.flip(store.resolve("viper.manifest"), 30, 0x40);
        Path target = root.resolve("salvaged");

        CorruptStoreException unnamed = assertThrows(CorruptStoreException.class,
                () -> KeyValueStore.salvage(store, target, salvaging()));
        assertEquals(store.resolve("viper.manifest"), unnamed.file());
        assertTrue(unnamed.getMessage().contains("name the codec the store was written with"), unnamed.getMessage());
        assertFalse(Files.exists(target), "nothing was written");

        SalvageReport report = KeyValueStore.salvage(store, target,
                StoreOptions.builder().clock(clock).codec(TextCodec.NAME).build());
        assertEquals(1, report.damagedRanges().size(), report.toString());
        assertEquals(store.resolve("viper.manifest"), report.damagedRanges().get(0).file());
        assertEquals(List.of(), report.lostKeys());
        // Ordered by timestamps, the reclaim's copies (under higher segment ids) still give way to later writes.
        assertTargetHolds(model, target, "manifest damaged");
    }

    @Test
    void aMissingManifestSalvagesEverySegmentFileOnDisk() throws IOException {
        Path store = store();
        Files.delete(store.resolve("viper.manifest"));
        Path target = root.resolve("salvaged");
        SalvageReport report = KeyValueStore.salvage(store, target,
                StoreOptions.builder().clock(clock).codec(TextCodec.NAME).build());
        assertEquals("the manifest is missing", report.damagedRanges().get(0).problem().split(";")[0]);
        assertEquals(1, report.damagedRanges().size(), report.toString());
        assertTargetHolds(model, target, "manifest missing");
    }

    @Test
    void aCodecOtherThanTheManifestsIsRefused() {
        Path store = store();
        CodecMismatchException e = assertThrows(CodecMismatchException.class, () -> KeyValueStore.salvage(store,
                root.resolve("salvaged"), StoreOptions.builder().codec("json").build()));
        assertEquals(TextCodec.NAME, e.storeCodec());
        assertFalse(Files.exists(root.resolve("salvaged")));
    }

    @Test
    void aDamagedRecordInTheActiveSegmentKeepsTheStoreShutButSalvageGetsEveryOtherKey() throws IOException {
        Path store = store();
        List<Rec> records = StoreRecords.read(store);
        Rec victim = records.get(records.size() - 2);
        assertEquals(records.get(records.size() - 1).rank(), victim.rank(), "the record is in the active segment");
        // So that opening replays the logs (rule 10) and checks every record of the active segment.
        Files.delete(store.resolve("viper.index"));
        Files.delete(store.resolve("viper.synced"));
        StoreFiles.flip(victim.valueLog(), victim.offset() + victim.length() - 1, 0x01);
        assertThrows(CorruptStoreException.class, () -> KeyValueStore.open(store, writing()).close(),
                "the store does not open");

        SalvageReport report = KeyValueStore.salvage(store, root.resolve("salvaged"), salvaging());

        SalvageReport.Damage damage = report.damagedRanges().get(0);
        assertEquals(1, report.damagedRanges().size(), report.toString());
        assertEquals(victim.valueLog(), damage.file());
        assertEquals(victim.offset(), damage.offset());
        assertEquals(victim.length(), damage.length());
        assertTrue(damage.problem().startsWith("record checksum mismatch"), damage.problem());
        assertEquals(victim.valueLog() + " at offset " + victim.offset() + " (" + victim.length() + " bytes): "
                + damage.problem(), damage.toString());
        assertEquals(List.of(victim.key()), report.lostKeys());
        model.remove(victim.key());
        assertTargetHolds(model, root.resolve("salvaged"), "all but the damaged record");
    }

    @Test
    void aKeyWhoseNewerRecordIsLostIsLeftOutRatherThanGivenItsOlderValue() {
        Path store = store();
        Rec newer = latestRecordOf(StoreRecords.read(store), "key-11");
        assertTrue(new String(newer.value(), java.nio.charset.StandardCharsets.UTF_8).startsWith("third value"));
        StoreFiles.flip(newer.valueLog(), newer.offset() + newer.length() - 2, 0x08);

        SalvageReport report = KeyValueStore.salvage(store, root.resolve("salvaged"), salvaging());

        assertEquals(List.of("key-11"), report.lostKeys());
        model.remove("key-11");
        assertTargetHolds(model, root.resolve("salvaged"), "key-11 lost, not rolled back to its first value");
    }

    @Test
    void whenTheRecordAndItsHintAreBothDamagedTheKeyHoldsItsLatestReadableValue() {
        Path store = store();
        List<Rec> records = StoreRecords.read(store);
        Rec newer = latestRecordOf(records, "key-11");
        StoreFiles.flip(newer.valueLog(), newer.offset() + newer.length() - 2, 0x08);
        StoreFiles.flip(newer.keyLog(), newer.hintOffset() + RecordHeader.SIZE, 0x08);
        Rec older = records.stream().filter(r -> r.key().equals("key-11")).findFirst().orElseThrow();

        SalvageReport report = KeyValueStore.salvage(store, root.resolve("salvaged"), salvaging());

        assertEquals(List.of(), report.lostKeys(), "nothing the store still knows says key-11 had a newer record");
        assertEquals(2, report.damagedRanges().size(), report.toString());
        model.put("key-11", new String(older.value(), java.nio.charset.StandardCharsets.UTF_8));
        assertTargetHolds(model, root.resolve("salvaged"), "key-11 back to the value of its first record");
    }

    @Test
    void zerosAfterTheLastRecordAreAnInterruptedWriteNotDamage() {
        Path store = store();
        StoreFiles.append(lastValueLog(store), new byte[10_000]);
        SalvageReport report = KeyValueStore.salvage(store, root.resolve("salvaged"), salvaging());
        assertTrue(report.complete(), report.toString());
        assertTargetHolds(model, root.resolve("salvaged"), "zeros after the last record");
    }

    @Test
    void zerosWhereTheKeyLogListsRecordsAreReportedAndTheirKeysLost() {
        Path store = store();
        List<Rec> records = StoreRecords.read(store);
        Rec last = records.get(records.size() - 1);
        // The last record never reached the device, but its hint did: a power loss between syncs.
        StoreFiles.truncate(last.valueLog(), last.offset());
        StoreFiles.append(last.valueLog(), new byte[8192]);

        SalvageReport report = KeyValueStore.salvage(store, root.resolve("salvaged"), salvaging());

        assertEquals(1, report.damagedRanges().size(), report.toString());
        assertEquals(last.offset(), report.damagedRanges().get(0).offset());
        assertTrue(report.damagedRanges().get(0).problem().startsWith("zeros where the key log lists records"));
        assertEquals(List.of(last.key()), report.lostKeys());
        model.remove(last.key());
        assertTargetHolds(model, root.resolve("salvaged"), "the last record lost");
    }

    @Test
    void aValueLogCutShortLosesTheKeysItsKeyLogListsPastTheCut() {
        Path store = store();
        List<Rec> records = StoreRecords.read(store);
        Rec last = records.get(records.size() - 1);
        Rec beforeLast = records.get(records.size() - 2);
        StoreFiles.truncate(last.valueLog(), beforeLast.offset());

        SalvageReport report = KeyValueStore.salvage(store, root.resolve("salvaged"), salvaging());

        SalvageReport.Damage damage = report.damagedRanges().get(0);
        assertEquals(beforeLast.offset(), damage.offset());
        assertEquals(beforeLast.length() + last.length(), damage.length(), "the range runs as far as the hints do");
        assertEquals(List.of(beforeLast.key(), last.key()), report.lostKeys());
        model.remove(beforeLast.key());
        model.remove(last.key());
        assertTargetHolds(model, root.resolve("salvaged"), "the value log cut");
    }

    /** A store that ends with a batch of puts of {@code keys} (each set before), followed by {@code after}. */
    private Path storeEndingWithABatch(List<String> keys, List<String> after) {
        Path dir = root.resolve("batched");
        try (KeyValueStore<String> store = KeyValueStore.open(dir, writing())) {
            for (String key : keys) {
                universe.add(key);
                put(store, key, "before the batch");
            }
            WriteBatch<String> batch = new WriteBatch<>();
            keys.forEach(key -> batch.put(key, "in the batch"));
            store.write(batch);
            keys.forEach(key -> model.put(key, "in the batch"));
            clock.advance(Duration.ofMillis(1));
            for (String key : after) {
                universe.add(key);
                put(store, key, "after the batch");
            }
        }
        return dir;
    }

    @Test
    void aBatchThatDamageInterruptsKeepsItsSoundRecords() {
        List<String> keys = List.of("b1", "b2", "b3", "b4", "b5");
        Path store = storeEndingWithABatch(keys, List.of("after"));
        Rec b3 = latestRecordOf(StoreRecords.read(store), "b3");
        StoreFiles.flip(b3.valueLog(), b3.offset() + b3.length() - 1, 0x10);

        SalvageReport report = KeyValueStore.salvage(store, root.resolve("salvaged"), salvaging());

        assertEquals(List.of("b3"), report.lostKeys());
        assertTrue(report.damagedRanges().get(0).problem().contains("it interrupts the batch begun at offset"),
                report.toString());
        model.remove("b3");
        assertTargetHolds(model, root.resolve("salvaged"), "the batch's other records kept");
    }

    @Test
    void aBatchWithoutItsCommitAtTheEndOfTheDataIsDroppedWholeAsAnInterruptedWrite() {
        List<String> keys = List.of("b1", "b2", "b3");
        Path store = storeEndingWithABatch(keys, List.of());
        List<Rec> records = StoreRecords.read(store);
        Rec commit = records.get(records.size() - 1);
        assertEquals(RecordHeader.BATCH_COMMIT, commit.type());
        // A crash before the commit record, and its hint, were written.
        StoreFiles.truncate(commit.valueLog(), commit.offset());
        StoreFiles.truncate(commit.keyLog(), commit.hintOffset());

        SalvageReport report = KeyValueStore.salvage(store, root.resolve("salvaged"), salvaging());

        assertEquals(List.of(), report.lostKeys());
        assertTrue(report.damagedRanges().get(0).problem().startsWith("a batch without its commit record"),
                report.toString());
        keys.forEach(key -> model.put(key, "before the batch"));
        assertTargetHolds(model, root.resolve("salvaged"), "the batch dropped whole, as recovery drops it");
        try (KeyValueStore<String> recovered = KeyValueStore.open(store, writing())) {
            assertHolds(model, recovered, universe, "recovery agrees");
        }
    }

    @Test
    void aBatchWhoseCommitTheKeyLogListsIsKeptThoughTheCommitRecordIsLost() {
        List<String> keys = List.of("b1", "b2", "b3");
        Path store = storeEndingWithABatch(keys, List.of());
        List<Rec> records = StoreRecords.read(store);
        Rec commit = records.get(records.size() - 1);
        StoreFiles.truncate(commit.valueLog(), commit.offset() + 3);

        SalvageReport report = KeyValueStore.salvage(store, root.resolve("salvaged"), salvaging());

        assertEquals(List.of(), report.lostKeys());
        assertTrue(report.damagedRanges().get(0).problem().contains("whose commit the key log lists"),
                report.toString());
        assertTargetHolds(model, root.resolve("salvaged"), "the batch kept");
    }

    @Test
    void aWriterHoldingTheStoreKeepsSalvageOut() {
        Path store = store();
        try (KeyValueStore<String> writer = KeyValueStore.open(store, writing())) {
            assertThrows(StoreLockedException.class,
                    () -> KeyValueStore.salvage(store, root.resolve("salvaged"), salvaging()));
        }
        assertFalse(Files.exists(root.resolve("salvaged")));
    }

    @Test
    void valuesAreCopiedByteForByteWhateverTheCodec() throws IOException {
        Path store = root.resolve("bytes");
        Map<String, byte[]> values = new LinkedHashMap<>();
        java.util.Random random = new java.util.Random(7);
        try (KeyValueStore<byte[]> bytes = KeyValueStore.open(store, StoreOptions.builder().codec("bytes").build())) {
            for (int i = 0; i < 50; i++) {
                byte[] value = new byte[random.nextInt(3000)];
                random.nextBytes(value);
                bytes.put("k" + i, value);
                values.put("k" + i, value);
            }
        }
        SalvageReport report = KeyValueStore.salvage(store, root.resolve("salvaged"));
        assertTrue(report.complete());
        try (KeyValueStore<byte[]> salvaged = KeyValueStore.open(root.resolve("salvaged"))) {
            assertEquals("bytes", salvaged.stats().codec());
            values.forEach((key, value) -> assertArrayEquals(value, salvaged.get(key), key));
        }
        try (Stream<Path> files = Files.list(root.resolve("salvaged"))) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().equals("viper.manifest")));
        }
    }
}
