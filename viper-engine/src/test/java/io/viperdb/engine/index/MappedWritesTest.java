package io.viperdb.engine.index;

import static io.viperdb.engine.index.BlockChecksTest.EXTENTS;
import static io.viperdb.engine.index.BlockChecksTest.KEYS;
import static io.viperdb.engine.index.BlockChecksTest.key;
import static io.viperdb.engine.index.BlockChecksTest.moved;
import static io.viperdb.engine.index.BlockChecksTest.place;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.CorruptStoreException;
import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.io.FileAccess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table mapped from an index file is never written: the first write to a page of its slots or hashes copies that
 * page to the heap, and later uses of the page read the copy. Once 1/{@value KeyDirectory#HEAP_AFTER} of its pages are
 * copied, the next write moves the table to the heap whole: the same slots and generation, every entry exact, the
 * arena shared and the order not read by the move; a replay moves it only once it has copied a quarter of the pages.
 * Every block is still checked before it is first used or copied.
 */
class MappedWritesTest {

    private static final int ORDER = 6;
    private static final int SLOTS = 2;

    @TempDir
    Path dir;

    @Test
    void writesCopyOnlyThePagesTheyTouchAndLeaveTheFileAsItWas() throws Exception {
        Path file = BlockChecksTest.written(dir);
        byte[] before = Files.readAllBytes(file);
        KeyDirectory loaded = IndexFile.read(FileAccess.real(), file, true).index();
        KeyTable mapped = loaded.table();
        assertTrue(mapped.mapped());
        List<Integer> slots = slots(loaded);

        // Room for the pages of a remove and an insert below (three at most) before the move.
        int updates = mapped.pages() / KeyDirectory.HEAP_AFTER - 3;
        assertTrue(updates > 10 && updates * 97 < KEYS);
        for (int i = 0; i < updates; i++) {
            loaded.put(key(i * 97), moved(i * 97));
        }
        assertSame(mapped, loaded.table(), "still the mapped table, of the same slots and generation");
        assertEquals(slots, slots(loaded));
        assertTrue(mapped.pagesCopied() > 0 && mapped.pagesCopied() <= updates,
                "a page of slots at most per overwrite, and no hashes: " + mapped.pagesCopied() + " pages copied");

        loaded.remove(key(1));
        byte[] added = "a-key-of-its-own".getBytes(StandardCharsets.US_ASCII);
        Place addedAt = new Place(3, 64, 40, RecordHeader.NO_EXPIRY);
        loaded.put(added, addedAt);
        assertSame(mapped, loaded.table());
        for (int i = 0; i < KEYS; i++) {
            Place expected = i == 1 ? null : i % 97 == 0 && i / 97 < updates ? moved(i) : place(i);
            assertEquals(expected, loaded.get(key(i)), "key " + i);
        }
        assertEquals(addedAt, loaded.get(added));
        assertEquals(KEYS, loaded.size());
        assertArrayEquals(before, Files.readAllBytes(file), "the index file is never written");

        // A file written from the table, and one from a checkpoint's copy of it, read back exactly.
        Path direct = dir.resolve("direct.index");
        IndexFile.write(FileAccess.real(), direct, 4, EXTENTS, loaded, false);
        Path copied = dir.resolve("copied.index");
        IndexFile.write(FileAccess.real(), copied, 4, EXTENTS, loaded.snapshot(loaded.roomForSnapshot()), false);
        for (Path again : List.of(direct, copied)) {
            KeyDirectory reread = IndexFile.read(FileAccess.real(), again, true).index();
            for (int i = 0; i < KEYS; i++) {
                assertEquals(loaded.get(key(i)), reread.get(key(i)), again + ", key " + i);
            }
            assertEquals(addedAt, reread.get(added));
            assertEquals(KEYS, reread.size());
        }
    }

    @Test
    void onceEnoughOfItsPagesAreCopiedTheTableMovesToTheHeapWithTheSameSlots() throws Exception {
        KeyDirectory loaded = IndexFile.read(FileAccess.real(), BlockChecksTest.written(dir), true).index();
        KeyTable mapped = loaded.table();
        List<Integer> slots = slots(loaded);
        int pages = (mapped.capacity + KeyTable.SLOTS_PER_PAGE - 1) / KeyTable.SLOTS_PER_PAGE
                + (mapped.capacity + KeyTable.HASHES_PER_PAGE - 1) / KeyTable.HASHES_PER_PAGE;
        assertEquals(pages, mapped.pages());
        int updates = 0;
        while (loaded.table() == mapped) {
            loaded.put(key(updates), moved(updates));
            updates++;
        }
        assertTrue(updates > pages / KeyDirectory.HEAP_AFTER + 1, "an overwrite copies one page at most, and the move "
                + "comes at the write after the copies called for it: " + updates + " updates");
        KeyTable heap = loaded.table();
        assertFalse(heap.mapped());
        assertEquals(mapped.generation, heap.generation, "slot numbers of a pass before the move stay good");
        assertEquals(slots, slots(loaded));
        for (int i = updates; i < KEYS; i++) {
            loaded.put(key(i), moved(i));
        }
        for (int i = 0; i < KEYS; i += 3) {
            loaded.remove(key(i));
        }
        for (int i = 0; i < KEYS; i++) {
            assertEquals(i % 3 == 0 ? null : moved(i), loaded.get(key(i)), "key " + i);
        }
        // The mapped table is never written again: a reader still holding it reads what it held at the move.
        byte[] last = key(KEYS - 1);
        assertEquals(place(KEYS - 1), mapped.find(last, 0, last.length, KeyHash.of(last, 0, last.length)));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            if (i % 3 != 0) {
                expected.add(HexFormat.of().formatHex(key(i)));
            }
        }
        assertEquals(expected, OrderSectionTest.scan(loaded), "the order, over the shared arena");
        Path again = dir.resolve("again.index");
        IndexFile.write(FileAccess.real(), again, 4, EXTENTS, loaded, false);
        KeyDirectory reread = IndexFile.read(FileAccess.real(), again, true).index();
        for (int i = 0; i < KEYS; i++) {
            assertEquals(loaded.get(key(i)), reread.get(key(i)), "key " + i);
        }
    }

    @Test
    void aReplayMovesTheTableOnlyOnceItHasCopiedAQuarterOfThePagesAndTheNextWriteAfterItAtLeastOneIn32() throws Exception {
        Path file = BlockChecksTest.written(dir);
        KeyDirectory loaded = IndexFile.read(FileAccess.real(), file, true).index();
        KeyTable mapped = loaded.table();
        int replayed = 0;
        while (loaded.table() == mapped) {
            byte[] key = key(replayed);
            loaded.putBytes(key, 0, key.length, KeyHash.of(key, 0, key.length), 2, 200 + 40L * replayed, 40,
                    RecordHeader.NO_EXPIRY);
            replayed++;
            if (replayed == mapped.pages() / KeyDirectory.REPLAY_HEAP_AFTER) {
                assertTrue(mapped.copiedMoreThan(KeyDirectory.HEAP_AFTER));
                assertSame(mapped, loaded.table(), "still mapped: a replay moves it after a quarter, not 1/32");
            }
        }
        assertTrue(replayed > mapped.pages() / KeyDirectory.REPLAY_HEAP_AFTER + 1, replayed + " replayed");
        assertTrue(mapped.copiedMoreThan(KeyDirectory.REPLAY_HEAP_AFTER));
        assertEquals(mapped.generation, loaded.table().generation);
        for (int i = 0; i < KEYS; i++) {
            assertEquals(i < replayed ? moved(i) : place(i), loaded.get(key(i)), "key " + i);
        }

        // A shorter replay leaves the table mapped, and the first write after it moves it.
        KeyDirectory again = IndexFile.read(FileAccess.real(), file, true).index();
        KeyTable before = again.table();
        for (int i = 0; i < KEYS; i += 200) {
            byte[] key = key(i);
            again.removeBytes(key, 0, key.length, KeyHash.of(key, 0, key.length));
        }
        assertSame(before, again.table());
        assertTrue(before.copiedMoreThan(KeyDirectory.HEAP_AFTER));
        again.put(key(1), place(1));
        assertNotSame(before, again.table(), "moved by the first write after the replay");
        for (int i = 0; i < KEYS; i++) {
            assertEquals(i % 200 == 0 ? null : place(i), again.get(key(i)), "key " + i);
        }
    }

    @Test
    void readersRacingAWriterThatCopiesPagesReadEveryKeyExactly() throws Exception {
        Path file = BlockChecksTest.written(dir);
        for (int round = 0; round < 10; round++) {
            // A fresh read each round: every page still mapped. The writer replays (which moves the table only after
            // a quarter of its pages), so that hundreds of pages are copied while the readers read.
            KeyDirectory loaded = IndexFile.read(FileAccess.real(), file, true).index();
            KeyTable mapped = loaded.table();
            boolean[] written = new boolean[KEYS];
            int seed = round;
            BlockChecksTest.racingReaders(loaded, round, () -> {
                Random random = new Random(seed);
                for (int n = 0; n < 400 && loaded.table() == mapped; n++) {
                    int i = random.nextInt(KEYS);
                    written[i] = true;
                    byte[] key = key(i);
                    loaded.putBytes(key, 0, key.length, KeyHash.of(key, 0, key.length), 2, 200 + 40L * i, 40,
                            RecordHeader.NO_EXPIRY);
                }
            });
            assertTrue(mapped.pagesCopied() > 100,
                    "hundreds of pages copied in round " + round);
            for (int i = 0; i < KEYS; i++) {
                assertEquals(written[i] ? moved(i) : place(i), loaded.get(key(i)), "round " + round + ", key " + i);
            }
        }
    }

    @Test
    void expiriesAreRewrittenAndCountedAndTheMappedTableKeepsThoseItHadAtTheMove() throws Exception {
        KeyDirectory index = new KeyDirectory();
        for (int i = 0; i < KEYS; i++) {
            index.put(key(i), expiring(i, 1_000));
        }
        Path file = dir.resolve("viper.index");
        IndexFile.write(FileAccess.real(), file, 3, EXTENTS, index, false);
        KeyDirectory loaded = IndexFile.read(FileAccess.real(), file, true).index();
        KeyTable mapped = loaded.table();
        for (int i = 0; i < KEYS; i += 2) {
            loaded.put(key(i), expiring(i, 2_000));
        }
        assertNotSame(mapped, loaded.table(), "moved to the heap on the way");
        for (int i = 0; i < KEYS; i++) {
            assertEquals(expiring(i, i % 2 == 0 ? 2_000 : 1_000), loaded.get(key(i)), "key " + i);
        }
        // The arena the two tables share is frozen at the move: a key put again after it takes a new entry, and a
        // reader of the mapped table still reads the expiry it had then.
        byte[] last = key(KEYS - 2);
        assertEquals(expiring(KEYS - 2, 1_000), mapped.find(last, 0, last.length, KeyHash.of(last, 0, last.length)));
        assertEquals(KEYS, loaded.liveCount(500));
        assertEquals(KEYS / 2, loaded.liveCount(1_500), "the keys put again with a later expiry");
    }

    private static Place expiring(int i, long expiry) {
        return new Place(1, 100 + 40L * i, 40, expiry);
    }

    @Test
    void aGrowthDoesNotReadTheOrderWhichIsStillCheckedAtItsFirstUse() throws Exception {
        Path file = BlockChecksTest.written(dir);
        KeyDirectory sound = IndexFile.read(FileAccess.real(), file, true).index();
        KeyArena before = sound.table().arena;
        sound.reserve(4 * KEYS);
        assertFalse(sound.table().mapped(), "grown into a table on the heap");
        assertNotSame(before, sound.table().arena, "and a copy of the arena, the order not read yet");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            expected.add(HexFormat.of().formatHex(key(i)));
        }
        assertEquals(expected, OrderSectionTest.scan(sound), "the order, read after the growth, over the new arena");

        long[] order = OrderSectionTest.section(file, ORDER);
        BlockChecksTest.flip(file, order[0] + 5);
        KeyDirectory damaged = IndexFile.read(FileAccess.real(), file, true).index();
        KeyTable mapped = damaged.table();
        damaged.reserve(4 * KEYS);
        assertTrue(damaged.table().capacity > mapped.capacity, "grown without reading the damaged order");
        assertThrows(CorruptStoreException.class, () -> OrderSectionTest.scan(damaged));
        assertFalse(Files.exists(file));
    }

    @Test
    void aDamagedSlotBlockIsFoundBeforeAWriteCopiesAPageOfIt() throws Exception {
        Path file = BlockChecksTest.written(dir);
        long[] slots = OrderSectionTest.section(file, SLOTS);
        long damaged = slots[0] + slots[1] - 5;
        BlockChecksTest.flip(file, damaged);
        KeyDirectory loaded = IndexFile.read(FileAccess.real(), file, true).index();
        CorruptStoreException found = assertThrows(CorruptStoreException.class, () -> {
            for (int i = 0; i < KEYS; i++) {
                loaded.put(key(i), moved(i));
            }
        });
        assertEquals(slots[0] + (damaged - slots[0]) / BlockChecks.BLOCK_SIZE * BlockChecks.BLOCK_SIZE, found.offset());
        assertFalse(Files.exists(file), "deleted, so that the next open rebuilds the index from the logs");
        Path other = dir.resolve("other.index");
        assertThrows(CorruptStoreException.class, () -> IndexFile.write(FileAccess.real(), other, 4, EXTENTS, loaded,
                false), "nor written to another file");
        assertFalse(Files.exists(other));
    }

    @Test
    void theArenaIsStillCheckedAsItIsUsedAfterWrites() throws Exception {
        Path file = BlockChecksTest.written(dir);
        long[] arena = OrderSectionTest.section(file, 4);
        BlockChecksTest.flip(file, arena[0] + 10);
        KeyDirectory loaded = IndexFile.read(FileAccess.real(), file, true).index();
        // Keys whose entries are far from the damaged first block of the arena.
        for (int i = KEYS / 2; i < KEYS; i++) {
            loaded.put(key(i), moved(i));
        }
        CorruptStoreException found = assertThrows(CorruptStoreException.class, () -> {
            for (int i = 0; i < KEYS; i++) {
                assertEquals(i < KEYS / 2 ? place(i) : moved(i), loaded.get(key(i)));
            }
        });
        assertEquals(arena[0], found.offset());
        assertFalse(Files.exists(file));
    }

    /** The slot of every key, in key order, from a pass over the places. */
    private static List<Integer> slots(KeyDirectory index) {
        Integer[] slots = new Integer[KEYS];
        // Key i is at 100 + 40 i in segment 1 (place), or at 200 + 40 i in segment 2 (moved).
        index.forEachPlace((place, slot) -> slots[(int) ((place.offset() - 100 * place.segment()) / 40)] = slot);
        return List.of(slots);
    }
}
