package io.viperdb.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.CorruptStoreException;
import io.viperdb.KeyValueStore;
import io.viperdb.StoreOptions;
import io.viperdb.ViperException;
import io.viperdb.engine.format.DataRecord;
import io.viperdb.engine.format.FileHeader;
import io.viperdb.engine.format.SyncMark;
import io.viperdb.engine.io.FileAccess;
import io.viperdb.engine.log.StoreDirectory;
import io.viperdb.engine.log.SyncMarkFile;
import io.viperdb.engine.testing.FaultyFileAccess;
import io.viperdb.engine.testing.StoreFiles;
import io.viperdb.engine.testing.TextCodec;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sync mark ({@code viper.synced}): after the active value log is forced, a mark says how far, and opening checks
 * only the records past it. A mark lost, torn, damaged or not matching its value log means checking from the mark
 * before it, or everything; a power cut between the force and the mark loses nothing that was synced. A test that
 * proves recovery rule N of FORMAT.md is named {@code ruleN_...}.
 */
class SyncMarkTest {

    @TempDir
    Path root;

    private final StoreOptions options = StoreOptions.builder().codec(new TextCodec()).build();

    private static Path valueLog(Path store) {
        return store.resolve("00000001.vlog");
    }

    private static SyncMark markOf(Path store) {
        return SyncMarkFile.read(new StoreDirectory(store, FileAccess.real()));
    }

    private static void put(KeyValueStore<String> store, int from, int to) {
        for (int i = from; i < to; i++) {
            store.put("k" + i, "value " + i);
        }
    }

    /** Checks that {@code store} holds keys {@code [0, count)} and no others of {@code [0, limit)}. */
    private static void assertHoldsFirst(KeyValueStore<String> store, int count, int limit, String context) {
        for (int i = 0; i < limit; i++) {
            assertEquals(i < count ? "value " + i : null, store.get("k" + i), context + ": k" + i);
        }
    }

    /** The offsets where the records of a sound value log start. */
    private static List<Integer> recordStarts(Path valueLog) {
        byte[] bytes = StoreFiles.read(valueLog);
        List<Integer> starts = new ArrayList<>();
        for (int position = FileHeader.SIZE; position < bytes.length; ) {
            starts.add(position);
            int length = DataRecord.inspect(ByteBuffer.wrap(bytes), position, bytes.length);
            assertTrue(length > 0);
            position += length;
        }
        return starts;
    }

    @Test
    void aCloseMarksTheWholeActiveValueLogAndASyncMarksWhatItForced() {
        Path dir = root.resolve("store");
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            assertNull(markOf(dir), "nothing is marked before the first sync");
            put(store, 0, 10);
            store.sync();
            SyncMark afterSync = markOf(dir);
            assertNotNull(afterSync);
            assertEquals(1, afterSync.segmentId());
            List<Integer> starts = recordStarts(copyOfData(dir, afterSync.syncedEnd()));
            assertEquals(starts.get(starts.size() - 1), (int) afterSync.lastRecordOffset());
            put(store, 10, 20);
        }
        SyncMark afterClose = markOf(dir);
        assertEquals(StoreFiles.size(valueLog(dir)), afterClose.syncedEnd());
        assertEquals(2, afterClose.sequence(), "one mark per sync that moved it");
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            assertHoldsFirst(store, 20, 30, "reopened");
        }
        assertEquals(afterClose, markOf(dir), "an open that writes nothing leaves the mark as it was");
    }

    /** The value log's first {@code end} bytes in a file of their own (the open log runs ahead of its data). */
    private Path copyOfData(Path dir, long end) {
        Path copy = root.resolve("data-" + end);
        StoreFiles.write(copy, Arrays.copyOf(StoreFiles.read(valueLog(dir)), (int) end));
        return copy;
    }

    /**
     * A store synced after 50 puts and flushed after 10 more, copied while open: its key log lists all 60 records,
     * and its sync mark ends after the 50th. Returns the copy.
     */
    private Path flushedPastTheMark() {
        Path live = root.resolve("live");
        try (KeyValueStore<String> store = KeyValueStore.open(live, options)) {
            put(store, 0, 50);
            store.sync();
            put(store, 50, 60);
            store.flush();
            Path copy = root.resolve("copy");
            StoreFiles.snapshot(live, copy);
            return copy;
        }
    }

    @Test
    void rule4_pastTheMarkAValueLogTornInsideARecordKeepsTheRecordsBeforeIt() {
        Path torn = flushedPastTheMark();
        byte[] bytes = StoreFiles.read(valueLog(torn));
        List<Integer> starts = recordStarts(copyOfData(torn, recordEnd(bytes)));
        StoreFiles.truncate(valueLog(torn), starts.get(55) + 5);
        try (KeyValueStore<String> reopened = KeyValueStore.open(torn, options)) {
            assertHoldsFirst(reopened, 55, 60, "value log torn inside record 55, past the mark");
        }
    }

    @Test
    void rule8_pastTheMarkRecordsOfZerosAreWritesTheDeviceLostAndTheStoreEndsAtTheMark() {
        Path lost = flushedPastTheMark();
        long marked = markOf(lost).syncedEnd();
        byte[] zeroed = StoreFiles.read(valueLog(lost));
        Arrays.fill(zeroed, (int) marked, zeroed.length, (byte) 0);
        StoreFiles.write(valueLog(lost), zeroed);
        try (KeyValueStore<String> reopened = KeyValueStore.open(lost, options)) {
            assertHoldsFirst(reopened, 50, 60, "every value past the mark lost, their hints kept");
        }
        assertEquals(marked, StoreFiles.size(valueLog(lost)), "the store ends at the mark, its last sync");
    }

    /** The end of the records of a value log that may run on in zeros. */
    private static int recordEnd(byte[] bytes) {
        int position = FileHeader.SIZE;
        while (true) {
            int length = DataRecord.inspect(ByteBuffer.wrap(bytes), position, bytes.length);
            if (length <= 0) {
                return position;
            }
            position += length;
        }
    }

    /**
     * Two marks (a sync, then a close), and a record damaged below the first (record 3) or between the two (record
     * 15). With every byte of the mark file flipped, and with it cut at every length, the store checks from the mark
     * still in force: the damage is reported at open exactly when it lies past that mark, or there is none.
     */
    @Test
    void rule9_aTornOrDamagedMarkMeansCheckingFromTheMarkBeforeItOrEverything() {
        Path original = root.resolve("original");
        try (KeyValueStore<String> store = KeyValueStore.open(original, options)) {
            put(store, 0, 10);
            store.sync();
            put(store, 10, 20);
        }
        StoreFiles.delete(original.resolve(StoreDirectory.INDEX)); // crash images before a checkpoint: replayed
        SyncMark second = markOf(original);
        assertEquals(2, second.sequence());
        List<Integer> starts = recordStarts(valueLog(original));
        long size = StoreFiles.size(original.resolve("viper.synced"));
        assertEquals(SyncMark.FILE_SIZE, size);
        // The header, both slots and the bytes around them; the padding between is never read.
        List<Long> offsets = new ArrayList<>();
        for (long offset = 0; offset < size; offset++) {
            long inPage = offset % SyncMark.SLOT_SPACING;
            if (inPage <= SyncMark.SLOT_SIZE || inPage >= SyncMark.SLOT_SPACING - 2) {
                offsets.add(offset);
            }
        }
        int checked = 0;
        for (int damaged : new int[] {3, 15}) {
            long recordStart = starts.get(damaged);
            for (long each = 0; each < 2 * offsets.size(); each++) {
                long change = each < offsets.size() ? offsets.get((int) each)
                        : size + offsets.get((int) each - offsets.size());
                Path copy = root.resolve("copy");
                StoreFiles.deleteTree(copy);
                StoreFiles.snapshot(original, copy);
                StoreFiles.flip(valueLog(copy), recordStart + 30, 0x01);
                if (change < size) {
                    StoreFiles.flip(copy.resolve("viper.synced"), change, 0x40);
                } else {
                    StoreFiles.truncate(copy.resolve("viper.synced"), change - size);
                }
                SyncMark inForce = markOf(copy);
                assertTrue(inForce == null || inForce.equals(second) || inForce.sequence() == 1,
                        "a damaged slot is never taken for a mark: " + inForce);
                boolean past = inForce == null || inForce.syncedEnd() <= recordStart;
                String context = "record " + damaged + " damaged, mark file " + (change < size
                        ? "byte " + change + " flipped" : "cut at " + (change - size)) + ", mark in force " + inForce;
                if (past) {
                    CorruptStoreException e = assertThrows(CorruptStoreException.class,
                            () -> KeyValueStore.open(copy, options), context);
                    assertEquals(valueLog(copy), e.file(), context);
                    assertEquals(recordStart, e.offset(), context);
                    checked++;
                } else {
                    try (KeyValueStore<String> store = KeyValueStore.open(copy, options)) {
                        CorruptStoreException e = assertThrows(CorruptStoreException.class,
                                () -> store.get("k" + damaged), context);
                        assertEquals(recordStart, e.offset(), context);
                    }
                }
            }
        }
        assertTrue(checked > 0);
    }

    @Test
    void rule9_aMarkThatDoesNotMatchItsValueLogIsIgnoredAndEveryRecordIsChecked() {
        Path first = root.resolve("first");
        Path second = root.resolve("second");
        try (KeyValueStore<String> a = KeyValueStore.open(first, options);
                KeyValueStore<String> b = KeyValueStore.open(second, options)) {
            put(a, 0, 20);
            for (int i = 0; i < 20; i++) {
                b.put("k" + i, "other " + i);
            }
        }
        assertEquals(StoreFiles.size(valueLog(first)), StoreFiles.size(valueLog(second)), "same lengths, other bytes");
        int damaged = recordStarts(valueLog(second)).get(5);
        StoreFiles.flip(valueLog(second), damaged + 30, 0x01);
        StoreFiles.write(second.resolve("viper.synced"), StoreFiles.read(first.resolve("viper.synced")));
        StoreFiles.delete(second.resolve(StoreDirectory.INDEX)); // a crash image before a checkpoint: replayed
        CorruptStoreException e = assertThrows(CorruptStoreException.class, () -> KeyValueStore.open(second, options));
        assertEquals(damaged, e.offset(), "checked from the start");
    }

    /**
     * A power cut at every file operation of a second sync and the close after it, with and without a torn last
     * write: between the value log's force and the mark's write too. Whatever a returned sync covered survives.
     */
    @Test
    void rule8_aPowerCutAroundTheMarkLosesNothingSynced() {
        Path counting = root.resolve("counting");
        FaultyFileAccess counter = new FaultyFileAccess(counting);
        long before;
        long after;
        try (KeyValueStore<String> store = StoreOpener.open(counting, options, counter)) {
            put(store, 0, 20);
            store.sync();
            before = counter.operations();
            put(store, 20, 40);
            store.sync();
        }
        after = counter.operations();
        for (long n = before + 1; n <= after; n++) {
            for (boolean tear : new boolean[] {false, true}) {
                Path dir = root.resolve("run");
                StoreFiles.deleteTree(dir);
                FaultyFileAccess access = new FaultyFileAccess(dir).cutPowerAt(n);
                int synced = 0;
                KeyValueStore<String> store = StoreOpener.open(dir, options, access);
                try {
                    put(store, 0, 20);
                    store.sync();
                    synced = 20;
                    put(store, 20, 40);
                    store.sync();
                    synced = 40;
                } catch (ViperException e) {
                    // The power went off.
                } finally {
                    try {
                        store.close();
                        synced = 40;
                    } catch (ViperException e) {
                        // Closing without power fails; the lock is released all the same.
                    }
                }
                assertTrue(access.powerIsCut() || synced == 40);
                access.cutPower(tear ? new Random(n) : null);
                String context = "power cut at operation " + n + (tear ? ", last write torn" : "");
                try (KeyValueStore<String> reopened = KeyValueStore.open(dir, options)) {
                    int held = 0;
                    while (held < 40 && reopened.get("k" + held) != null) {
                        held++;
                    }
                    assertTrue(held >= synced, context + ": " + held + " keys held, " + synced + " synced");
                    assertHoldsFirst(reopened, held, 40, context);
                }
            }
        }
    }
}
