package io.viperdb.engine.index;

import static io.viperdb.engine.index.BlockChecksTest.KEYS;
import static io.viperdb.engine.index.BlockChecksTest.key;
import static io.viperdb.engine.index.BlockChecksTest.moved;
import static io.viperdb.engine.index.BlockChecksTest.place;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.CorruptStoreException;
import io.viperdb.engine.io.FileAccess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table mapped from an index file takes its first updates in place, and is moved to the heap once it has taken
 * {@code capacity >>> HEAP_AFTER_SHIFT} of them, or before a replay or a batch that would take it past that: the same
 * slots and generation, every entry exact, the arena shared and the order not read by the move, and every block still
 * checked at its first use.
 */
class HeapMoveTest {

    private static final int ORDER = 6;

    @TempDir
    Path dir;

    @Test
    void aMappedTableTakesItsFirstUpdatesInPlaceThenMovesToTheHeapWithTheSameSlots() throws Exception {
        KeyDirectory loaded = IndexFile.read(FileAccess.real(), BlockChecksTest.written(dir), true).index();
        KeyTable mapped = loaded.table();
        assertTrue(mapped.mapped());
        long inPlace = mapped.capacity >>> KeyDirectory.HEAP_AFTER_SHIFT;
        List<Integer> slots = slots(loaded);
        for (int i = 0; i < inPlace; i++) {
            loaded.put(key(i), moved(i));
        }
        assertSame(mapped, loaded.table(), "still mapped after " + inPlace + " updates");
        loaded.put(key((int) inPlace), moved((int) inPlace));
        KeyTable heap = loaded.table();
        assertFalse(heap.mapped(), "on the heap after one more");
        assertEquals(mapped.generation, heap.generation, "slot numbers of a pass before the move stay good");
        assertEquals(slots, slots(loaded));
        for (int i = 0; i < KEYS; i++) {
            assertEquals(i <= inPlace ? moved(i) : place(i), loaded.get(key(i)), "key " + i);
        }
        // The mapped table is never written again: a reader still holding it reads what it held at the move.
        assertEquals(place(KEYS - 1), mapped.find(key(KEYS - 1), 0, key(KEYS - 1).length, KeyHash.of(key(KEYS - 1),
                0, key(KEYS - 1).length)));
        loaded.put(key(KEYS - 1), moved(KEYS - 1));
        assertEquals(place(KEYS - 1), mapped.find(key(KEYS - 1), 0, key(KEYS - 1).length, KeyHash.of(key(KEYS - 1),
                0, key(KEYS - 1).length)));
        // And the heap table writes a file that reads back exactly.
        Path again = dir.resolve("again.index");
        IndexFile.write(FileAccess.real(), again, 4, List.of(new IndexFile.Extent(1, 1000, 500, 900, 7)), loaded,
                false);
        KeyDirectory reread = IndexFile.read(FileAccess.real(), again, true).index();
        for (int i = 0; i < KEYS; i++) {
            assertEquals(loaded.get(key(i)), reread.get(key(i)), "key " + i);
        }
    }

    @Test
    void theMovedTableLeavesTheExpiriesTheMappedOneReadsAsTheyWere() throws Exception {
        KeyDirectory index = new KeyDirectory();
        for (int i = 0; i < KEYS; i++) {
            index.put(key(i), expiring(i, 1_000));
        }
        Path file = dir.resolve("viper.index");
        IndexFile.write(FileAccess.real(), file, 3, List.of(new IndexFile.Extent(1, 1000, 500, 900, 7)), index, false);
        KeyDirectory loaded = IndexFile.read(FileAccess.real(), file, true).index();
        KeyTable mapped = loaded.table();
        loaded.expectUpdates(Long.MAX_VALUE);
        for (int i = 0; i < KEYS; i += 2) {
            loaded.put(key(i), expiring(i, 2_000));
        }
        for (int i = 0; i < KEYS; i++) {
            assertEquals(expiring(i, i % 2 == 0 ? 2_000 : 1_000), loaded.get(key(i)), "key " + i);
            byte[] key = key(i);
            assertEquals(expiring(i, 1_000), mapped.find(key, 0, key.length, KeyHash.of(key, 0, key.length)),
                    "a reader of the mapped table reads key " + i + " as it was at the move");
        }
        assertEquals(KEYS, loaded.liveCount(500));
        assertEquals(KEYS / 2, loaded.liveCount(1_500), "the keys put again with a later expiry");
    }

    private static Place expiring(int i, long expiry) {
        return new Place(1, 100 + 40L * i, 40, expiry);
    }

    @Test
    void aReplayOrABatchThatWouldTakeItPastItsUpdatesInPlaceMovesItFirst() throws Exception {
        Path file = BlockChecksTest.written(dir);
        KeyDirectory loaded = IndexFile.read(FileAccess.real(), file, true).index();
        long inPlace = loaded.table().capacity >>> KeyDirectory.HEAP_AFTER_SHIFT;
        loaded.expectUpdates(inPlace);
        assertTrue(loaded.table().mapped(), "a replay of a few records stays in place");
        loaded.expectUpdates(inPlace + 1);
        assertFalse(loaded.table().mapped());

        KeyDirectory batched = IndexFile.read(FileAccess.real(), file, true).index();
        batched.reserve((int) inPlace + 1);
        assertFalse(batched.table().mapped(), "moved before the batch, whose readers would wait for the move");
    }

    @Test
    void neitherTheMoveNorAGrowthReadsTheOrderWhichIsStillCheckedAtItsFirstUse() throws Exception {
        Path file = BlockChecksTest.written(dir);
        KeyDirectory sound = IndexFile.read(FileAccess.real(), file, true).index();
        sound.expectUpdates(Long.MAX_VALUE);
        assertFalse(sound.table().mapped());
        KeyArena before = sound.table().arena;
        sound.reserve(4 * KEYS);
        assertNotSame(before, sound.table().arena, "grown into a copy of the arena, the order not read yet");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            expected.add(HexFormat.of().formatHex(key(i)));
        }
        assertEquals(expected, OrderSectionTest.scan(sound), "the order, read after the move, over the heap arena");

        long[] order = OrderSectionTest.section(file, ORDER);
        BlockChecksTest.flip(file, order[0] + 5);
        KeyDirectory damaged = IndexFile.read(FileAccess.real(), file, true).index();
        KeyTable mapped = damaged.table();
        damaged.expectUpdates(Long.MAX_VALUE);
        assertNotSame(mapped, damaged.table(), "moved without reading the damaged order");
        damaged.reserve(4 * KEYS);
        assertTrue(damaged.table().capacity > mapped.capacity, "grown without reading it either");
        assertThrows(CorruptStoreException.class, () -> OrderSectionTest.scan(damaged));
        assertFalse(Files.exists(file));
    }

    @Test
    void aDamagedSlotBlockCopiedByTheMoveIsFoundByItsFirstUseAfterIt() throws Exception {
        Path file = BlockChecksTest.written(dir);
        long[] slots = OrderSectionTest.section(file, 2);
        long damaged = slots[0] + slots[1] - 5;
        BlockChecksTest.flip(file, damaged);
        KeyDirectory loaded = IndexFile.read(FileAccess.real(), file, true).index();
        loaded.expectUpdates(Long.MAX_VALUE);
        assertFalse(loaded.table().mapped());
        assertNotNull(loaded.table().slotChecks, "the copy is checked as it is used, as the mapping was");
        CorruptStoreException found = assertThrows(CorruptStoreException.class, () -> {
            for (int i = 0; i < KEYS; i++) {
                assertEquals(place(i), loaded.get(key(i)));
            }
        });
        assertEquals(slots[0] + (damaged - slots[0]) / BlockChecks.BLOCK_SIZE * BlockChecks.BLOCK_SIZE, found.offset());
        assertFalse(Files.exists(file), "deleted, so that the next open rebuilds the index from the logs");
        Path other = dir.resolve("other.index");
        assertThrows(CorruptStoreException.class, () -> IndexFile.write(FileAccess.real(), other, 4,
                List.of(new IndexFile.Extent(1, 1000, 500, 900, 7)), loaded, false), "nor written to another file");
        assertFalse(Files.exists(other));
    }

    @Test
    void theSharedArenaIsStillCheckedAsItIsUsedAfterTheMove() throws Exception {
        Path file = BlockChecksTest.written(dir);
        long[] arena = OrderSectionTest.section(file, 4);
        BlockChecksTest.flip(file, arena[0] + 10);
        KeyDirectory loaded = IndexFile.read(FileAccess.real(), file, true).index();
        loaded.expectUpdates(Long.MAX_VALUE);
        assertFalse(loaded.table().mapped(), "the move copies the slots and hashes, and shares the arena");
        CorruptStoreException found = assertThrows(CorruptStoreException.class, () -> {
            for (int i = 0; i < KEYS; i++) {
                assertEquals(place(i), loaded.get(key(i)));
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
