package io.viperdb.engine.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.viperdb.CorruptStoreException;
import io.viperdb.Direction;
import io.viperdb.KeyRange;
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
 * damaged is refused like any damaged index file.
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
    void aDamagedOrderSectionMakesTheFileDamaged() throws Exception {
        KeyDirectory index = new KeyDirectory();
        fill(index, new Random(3), 5000);
        Path file = dir.resolve("viper.index");
        IndexFile.write(FileAccess.real(), file, 3, EXTENTS, index, false);
        byte[] bytes = Files.readAllBytes(file);
        // The order section is the last one written: its last byte is the file's last.
        bytes[bytes.length - 1] ^= 1;
        Files.write(file, bytes);
        assertThrows(CorruptStoreException.class, () -> IndexFile.read(FileAccess.real(), file, true));
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

    private static List<String> scan(KeyDirectory index) {
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
