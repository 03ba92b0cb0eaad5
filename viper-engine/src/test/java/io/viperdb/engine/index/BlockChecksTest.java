package io.viperdb.engine.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.CorruptStoreException;
import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.io.FileAccess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index file's table and arena, mapped by a writable open and checked block by block as they are used (section
 * 7): a sound file reads back exactly; a damaged block is found by the first use of a key in it, which fails naming
 * the file and the block's offset, and the file is deleted; nothing damaged is ever copied into another file.
 */
class BlockChecksTest {

    static final List<IndexFile.Extent> EXTENTS = List.of(new IndexFile.Extent(1, 1000, 500, 900, 7));
    static final int KEYS = 40_000;
    private static final int SLOTS = 2;
    private static final int ARENA = 4;

    @TempDir
    Path dir;

    @Test
    void aSoundFileIsReadBackExactlyAndLazily() throws Exception {
        Path file = written();
        KeyDirectory loaded = IndexFile.read(FileAccess.real(), file, true).index();
        assertNotNull(loaded.table().slotChecks, "mapped, its blocks to be checked as they are used, not at the read");
        assertNotNull(loaded.table().hashChecks);
        for (int i = 0; i < KEYS; i++) {
            assertEquals(place(i), loaded.get(key(i)), "key " + i);
        }
        assertEquals(null, loaded.get(key(KEYS)));
    }

    @Test
    void aDamagedSlotBlockFailsTheFirstReadOfAKeyInItAndTheFileIsDeleted() throws Exception {
        Path file = written();
        long[] slots = OrderSectionTest.section(file, SLOTS);
        // A byte in the third block of the slots.
        long damaged = slots[0] + 2L * BlockChecks.BLOCK_SIZE + 100;
        flip(file, damaged);
        KeyDirectory loaded = IndexFile.read(FileAccess.real(), file, true).index();
        CorruptStoreException found = readAll(loaded);
        assertNotNull(found, "some key's probe reads the damaged block");
        assertEquals(file, found.file());
        assertEquals(slots[0] + 2L * BlockChecks.BLOCK_SIZE, found.offset(), "the damaged block's offset");
        assertFalse(Files.exists(file), "deleted, so that the next open rebuilds the index from the logs");
    }

    @Test
    void aDamagedArenaPageFailsTheFirstReadOfAKeyInIt() throws Exception {
        Path file = written();
        long[] arena = OrderSectionTest.section(file, ARENA);
        assertTrue(arena[1] > KeyArena.PAGE_SIZE, "the arena has a page mapped, not only the last one copied");
        flip(file, arena[0] + 10);
        KeyDirectory loaded = IndexFile.read(FileAccess.real(), file, true).index();
        CorruptStoreException found = readAll(loaded);
        assertNotNull(found, "a key in the first page is read");
        assertEquals(arena[0], found.offset());
    }

    @Test
    void nothingDamagedIsWrittenToAnotherFile() throws Exception {
        Path file = written();
        long[] slots = OrderSectionTest.section(file, SLOTS);
        flip(file, slots[0] + slots[1] - 3);
        KeyDirectory loaded = IndexFile.read(FileAccess.real(), file, true).index();
        Path other = dir.resolve("other.index");
        assertThrows(CorruptStoreException.class,
                () -> IndexFile.write(FileAccess.real(), other, 3, EXTENTS, loaded, false));
        assertFalse(Files.exists(other));
        assertThrows(CorruptStoreException.class, loaded::roomForSnapshot, "nor copied for a checkpoint");
    }

    @Test
    void theLastArenaPageIsReadAsFarAsItIsUsedAndMadeWholeByTheFirstAppend() throws Exception {
        KeyDirectory loaded = IndexFile.read(FileAccess.real(), written(), true).index();
        KeyArena arena = loaded.table().arena;
        int last = arena.pageCount() - 1;
        assertEquals(arena.tail(), arena.pages().get(last).capacity(), "no whole page made for an open that reads");
        for (int i = KEYS; i < 2 * KEYS; i++) {
            loaded.put(key(i), place(i));
        }
        assertEquals(KeyArena.PAGE_SIZE, loaded.table().arena.pages().get(last).capacity());
        Path other = dir.resolve("other.index");
        IndexFile.write(FileAccess.real(), other, 3, EXTENTS, loaded, false);
        KeyDirectory reread = IndexFile.read(FileAccess.real(), other, true).index();
        for (int i = 0; i < 2 * KEYS; i++) {
            assertEquals(place(i), reread.get(key(i)), "key " + i);
        }
    }

    @Test
    void aReadOnlyReadChecksEverythingAtOnce() throws Exception {
        Path file = written();
        long[] slots = OrderSectionTest.section(file, SLOTS);
        flip(file, slots[0] + slots[1] / 2);
        assertThrows(CorruptStoreException.class, () -> IndexFile.read(FileAccess.real(), file, false));
        assertTrue(Files.exists(file));
    }

    @Test
    void readersThatCheckABlockWhileTheWriterChecksAndChangesItReadExactly() throws Exception {
        Path file = written();
        for (int round = 0; round < 20; round++) {
            // A fresh read each round: every block unchecked, so readers and the writer race to check them.
            KeyDirectory loaded = IndexFile.read(FileAccess.real(), file, true).index();
            int seed = round;
            racingReaders(loaded, round, () -> {
                java.util.Random random = new java.util.Random(seed);
                for (int n = 0; n < 5_000; n++) {
                    int i = random.nextInt(KEYS);
                    loaded.put(key(i), moved(i));
                }
            });
        }
    }

    /**
     * Runs {@code writer} while two readers read 20,000 random keys each from {@code loaded}, and fails if any read a
     * key at another place than {@link #place} or {@link #moved}, naming {@code round}.
     */
    static void racingReaders(KeyDirectory loaded, int round, Runnable writer) throws InterruptedException {
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic
                .AtomicReference<>();
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<Thread> readers = new java.util.ArrayList<>();
        for (int r = 0; r < 2; r++) {
            int seed = round * 2 + r;
            Thread reader = new Thread(() -> {
                java.util.Random random = new java.util.Random(seed);
                try {
                    start.await();
                    for (int n = 0; n < 20_000; n++) {
                        int i = random.nextInt(KEYS);
                        Place place = loaded.get(key(i));
                        if (!place(i).equals(place) && !moved(i).equals(place)) {
                            throw new AssertionError("key " + i + " read " + place);
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            reader.start();
            readers.add(reader);
        }
        start.countDown();
        writer.run();
        for (Thread reader : readers) {
            reader.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("round " + round, failure.get());
        }
    }

    static Place moved(int i) {
        return new Place(2, 200 + 40L * i, 40, RecordHeader.NO_EXPIRY);
    }

    /** Reads every key; returns the failure of the first read that failed, or null. */
    private static CorruptStoreException readAll(KeyDirectory index) {
        for (int i = 0; i < KEYS; i++) {
            try {
                Place place = index.get(key(i));
                assertEquals(place(i), place, "a read that does not fail reads the key's own place");
            } catch (CorruptStoreException e) {
                return e;
            }
        }
        return null;
    }

    private Path written() throws Exception {
        return written(dir);
    }

    /** An index file in {@code dir} of {@link #KEYS} keys, each at {@link #place}. */
    static Path written(Path dir) throws Exception {
        KeyDirectory index = new KeyDirectory();
        for (int i = 0; i < KEYS; i++) {
            index.put(key(i), place(i));
        }
        Path file = dir.resolve("viper.index");
        IndexFile.write(FileAccess.real(), file, 3, EXTENTS, index, false);
        return file;
    }

    static void flip(Path file, long offset) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) offset] ^= 0x10;
        Files.write(file, bytes);
    }

    static byte[] key(int i) {
        return String.format("key-%08d", i).getBytes(StandardCharsets.US_ASCII);
    }

    static Place place(int i) {
        return new Place(1, 100 + 40L * i, 40, RecordHeader.NO_EXPIRY);
    }
}
