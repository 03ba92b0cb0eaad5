package io.viperdb.engine.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.CorruptStoreException;
import io.viperdb.Direction;
import io.viperdb.KeyRange;
import io.viperdb.engine.format.FileHeader;
import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.io.FileAccess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index file's order section: written with the table, read back as the order (one entry per live key, none of a
 * removed key's); a file without it is used all the same, its keys ordered by one sort; one whose order section is
 * damaged is refused when the order is first used, and deleted.
 */
class OrderSectionTest {

    private static final Place PLACE = new Place(1, 100, 40, RecordHeader.NO_EXPIRY);
    private static final List<IndexFile.Extent> EXTENTS = List.of(new IndexFile.Extent(1, 1000, 500, 900, 7));

    @TempDir
    Path dir;

    @Test
    void theOrderIsSavedWithoutRemovedKeysAndReadBack() throws Exception {
        KeyDirectory index = new KeyDirectory();
        TreeSet<byte[]> model = fill(index, new Random(1), 30_000);
        Path file = dir.resolve("viper.index");
        IndexFile.write(FileAccess.real(), file, 3, EXTENTS, index, false);
        KeyDirectory loaded = IndexFile.read(FileAccess.real(), file, true).index();
        assertEquals(model.size(), loaded.orderEntries(), "one entry per live key");
        assertEquals(hex(model), scan(loaded));
        assertEquals(hex(model.descendingSet()), scanReverse(loaded));
    }

    @Test
    void aFileWithoutTheOrderSectionIsOrderedByOneSort() throws Exception {
        KeyDirectory index = KeyDirectory.unordered(0);
        TreeSet<byte[]> model = fill(index, new Random(2), 30_000);
        Path file = dir.resolve("viper.index");
        // An index that keeps no order writes no order section, as the files before it did not.
        IndexFile.write(FileAccess.real(), file, 3, EXTENTS, index, false);
        KeyDirectory loaded = IndexFile.read(FileAccess.real(), file, true).index();
        assertEquals(hex(model), scan(loaded));
    }

    @Test
    void aDamagedOrderSectionIsRefusedWhenTheOrderIsFirstUsedAndTheFileIsDeleted() throws Exception {
        KeyDirectory index = new KeyDirectory();
        fill(index, new Random(3), 5000);
        Path file = dir.resolve("viper.index");
        IndexFile.write(FileAccess.real(), file, 3, EXTENTS, index, false);
        long[] order = section(file, 6);
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) (order[0] + order[1] / 2)] ^= 1;
        Files.write(file, bytes);

        // A writable open maps the order, and reads it when a scan first needs it.
        KeyDirectory loaded = IndexFile.read(FileAccess.real(), file, true).index();
        CorruptStoreException e = assertThrows(CorruptStoreException.class, () -> scan(loaded));
        assertEquals(file, e.file());
        assertEquals(order[0], e.offset(), "the section's offset");
        assertFalse(Files.exists(file), "the damaged file is deleted, so that the next open rebuilds the index");

        // A read-only open reads the order at once, and so refuses the file as it opens.
        Files.write(file, bytes);
        assertThrows(CorruptStoreException.class, () -> IndexFile.read(FileAccess.real(), file, false));
        assertTrue(Files.exists(file), "a read-only open deletes nothing");
    }

    /**
     * The offset and length of section {@code kind} of an index file, from its meta as FORMAT.md lays it out: the file
     * header, the meta's length, the extents (36 bytes each), then the section table (24 bytes an entry).
     */
    static long[] section(Path file, int kind) throws Exception {
        java.nio.ByteBuffer meta = java.nio.ByteBuffer.wrap(Files.readAllBytes(file));
        int at = FileHeader.SIZE + Integer.BYTES;
        int segments = meta.getInt(at);
        at += Integer.BYTES + segments * 36;
        int sections = meta.getInt(at);
        at += Integer.BYTES;
        for (int i = 0; i < sections; i++, at += 24) {
            if (meta.getInt(at) == kind) {
                return new long[] {meta.getLong(at + 4), meta.getLong(at + 12)};
            }
        }
        throw new AssertionError("no section " + kind);
    }

    /** Puts and removes random keys (some prefixes of others), with rebuilds; returns the live keys. */
    private static TreeSet<byte[]> fill(KeyDirectory index, Random random, int operations) {
        TreeSet<byte[]> model = new TreeSet<>(Arrays::compareUnsigned);
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < operations / 3; i++) {
            byte[] key = new byte[random.nextInt(12)];
            random.nextBytes(key);
            keys.add(key);
            keys.add(Arrays.copyOf(key, key.length + 1));
        }
        for (int i = 0; i < operations; i++) {
            byte[] key = keys.get(random.nextInt(keys.size()));
            if (random.nextInt(4) == 0) {
                index.remove(key);
                model.remove(key);
            } else {
                index.put(key, PLACE);
                model.add(key);
            }
        }
        return model;
    }

    static List<String> scan(KeyDirectory index) {
        return keys(index.scan(KeyRange.all(), Direction.FORWARD), index);
    }

    private static List<String> scanReverse(KeyDirectory index) {
        return keys(index.scan(KeyRange.all(), Direction.REVERSE), index);
    }

    private static List<String> keys(KeyScan scan, KeyDirectory index) {
        List<String> keys = new ArrayList<>();
        while (scan.hasNext()) {
            byte[] key = scan.next();
            if (scan.knownLive() || index.get(key) != null) {
                keys.add(HexFormat.of().formatHex(key));
            }
        }
        return keys;
    }

    private static List<String> hex(java.util.NavigableSet<byte[]> keys) {
        List<String> hex = new ArrayList<>();
        keys.forEach(key -> hex.add(HexFormat.of().formatHex(key)));
        return hex;
    }
}
