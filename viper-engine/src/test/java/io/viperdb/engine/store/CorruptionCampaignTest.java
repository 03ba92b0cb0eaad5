package io.viperdb.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.viperdb.CorruptStoreException;
import io.viperdb.KeyValueStore;
import io.viperdb.StoreOptions;
import io.viperdb.UnsupportedFormatException;
import io.viperdb.engine.format.DataRecord;
import io.viperdb.engine.format.FileHeader;
import io.viperdb.engine.log.StoreDirectory;
import io.viperdb.engine.testing.FaultWorkload;
import io.viperdb.engine.testing.StoreFiles;
import io.viperdb.engine.testing.TextCodec;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Campaign 3, corruption: a small store of puts, removes and batches, and every one of its files cut at every offset
 * and flipped at every offset. Its index file is a checkpoint that covers the first half of the writes, so that an
 * open that finds it sound starts from it and replays the rest (rules 10 and 11), and one that does not rebuilds the
 * index. Each damaged copy either opens and holds, for every key, exactly its value, or the
 * state after a whole prefix of the writes (only when the value log is cut, so nothing is missing but records at or
 * after the cut), or refuses to open, or to read a damaged record, with {@link CorruptStoreException} naming the
 * damaged file. Never a wrong value,
 * never another exception. The index file's table is checked block by block as it is used, so damage there may be
 * found after the open, by a read: that read fails with a {@link CorruptStoreException} naming the index file, which
 * is then gone, and the store opened again holds exactly every value, its index rebuilt from the logs.
 *
 * <p>{@code -Dviper.corruption.seeds=N} damages N stores (1 by default; more with {@code -Plong}).
 */
class CorruptionCampaignTest {

    private static final int SEEDS = Integer.getInteger("viper.corruption.seeds", 1);

    @TempDir
    Path root;

    private final StoreOptions options = StoreOptions.builder().codec(new TextCodec()).build();
    private FaultWorkload workload;
    private Path original;
    private List<Long> stepEnds;
    private int opened;
    private int openedAsPrefix;
    private int refused;
    private int indexDamageFoundByARead;

    @BeforeEach
    void resetCounts() {
        opened = 0;
        openedAsPrefix = 0;
        refused = 0;
        indexDamageFoundByARead = 0;
    }

    /**
     * Writes the workload (without its reclaims, so the store is one segment) and notes where each step ended. The
     * index file is the one the close after the first half of the steps wrote: a checkpoint of those.
     */
    private void build(long seed) {
        workload = new FaultWorkload(seed, 40, 6);
        original = root.resolve("original-" + seed);
        List<FaultWorkload.Step> steps = workload.steps();
        apply(steps.subList(0, steps.size() / 2));
        byte[] checkpoint = StoreFiles.read(original.resolve(StoreDirectory.INDEX));
        apply(steps.subList(steps.size() / 2, steps.size()));
        StoreFiles.write(original.resolve(StoreDirectory.INDEX), checkpoint);
        stepEnds = stepEnds(StoreFiles.read(valueLog(original)));
    }

    private void apply(List<FaultWorkload.Step> steps) {
        try (KeyValueStore<String> store = KeyValueStore.open(original, options)) {
            for (FaultWorkload.Step step : steps) {
                if (step.kind() != FaultWorkload.Kind.RECLAIM) {
                    step.applyTo(store);
                }
            }
        }
    }

    /** Where in the value log each step's records end, found by counting the records each step writes. */
    private List<Long> stepEnds(byte[] valueLog) {
        ByteBuffer data = ByteBuffer.wrap(valueLog);
        List<Long> recordEnds = new ArrayList<>();
        for (int position = FileHeader.SIZE; position < valueLog.length; ) {
            int length = DataRecord.inspect(data, position, valueLog.length);
            assertTrue(length > 0, "the undamaged value log is sound");
            position += length;
            recordEnds.add((long) position);
        }
        List<Long> ends = new ArrayList<>();
        Set<String> live = new HashSet<>();
        int records = 0;
        for (FaultWorkload.Step step : workload.steps()) {
            switch (step.kind()) {
                case PUT -> {
                    records++;
                    live.add(step.operations().get(0)[0]);
                }
                case REMOVE -> records += live.remove(step.operations().get(0)[0]) ? 1 : 0;
                case BATCH -> {
                    records += step.operations().size() + 2;
                    step.operations().forEach(op -> {
                        if (op[1] == null) {
                            live.remove(op[0]);
                        } else {
                            live.add(op[0]);
                        }
                    });
                }
                default -> {
                }
            }
            ends.add(records == 0 ? FileHeader.SIZE : recordEnds.get(records - 1));
        }
        assertEquals(recordEnds.size(), records, "every record belongs to a step");
        return ends;
    }

    private static Path valueLog(Path store) {
        return StoreFiles.withSuffix(store, ".vlog").get(0);
    }

    @Test
    void everyFileCutAtEveryOffset() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            build(seed);
            for (Path file : StoreFiles.list(original)) {
                if (file.getFileName().toString().equals("viper.lock")) {
                    continue;
                }
                long size = StoreFiles.size(file);
                for (long cut = 0; cut < size; cut++) {
                    Path copy = copy();
                    StoreFiles.truncate(copy.resolve(file.getFileName()), cut);
                    check(copy, file.getFileName().toString(), cut, true, "seed " + seed + ", " + file.getFileName()
                            + " cut at " + cut);
                }
            }
        }
        report("cut");
    }

    @Test
    void everyFileFlippedAtEveryOffset() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            build(seed);
            Random masks = new Random(seed);
            for (Path file : StoreFiles.list(original)) {
                if (file.getFileName().toString().equals("viper.lock")) {
                    continue;
                }
                long size = StoreFiles.size(file);
                for (long offset = 0; offset < size; offset++) {
                    Path copy = copy();
                    int mask = 1 + masks.nextInt(255);
                    StoreFiles.flip(copy.resolve(file.getFileName()), offset, mask);
                    check(copy, file.getFileName().toString(), offset, false, "seed " + seed + ", "
                            + file.getFileName() + " byte " + offset + " flipped with mask " + mask);
                }
            }
        }
        report("flip");
    }

    /**
     * The index file of a clean close, which covers every write, flipped at every offset: the open replays nothing, so
     * damage to the table or the arena, which a writable open checks block by block as they are used, is found by a
     * read after the open (the read fails naming the file, which is then deleted, and a reopen rebuilds the index),
     * unless the open itself finds it.
     */
    @Test
    void theIndexFileOfACleanCloseFlippedAtEveryOffset() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            build(seed);
            // Opened from the half checkpoint, the rest replayed; the close writes a file that covers everything.
            try (KeyValueStore<String> store = KeyValueStore.open(original, options)) {
                assertEquals(workload.steps().size(), workload.prefixHeldBy(store, 0, workload.steps().size()));
            }
            Path index = original.resolve(StoreDirectory.INDEX);
            Random masks = new Random(seed);
            for (long offset = 0; offset < StoreFiles.size(index); offset++) {
                Path copy = copy();
                int mask = 1 + masks.nextInt(255);
                StoreFiles.flip(copy.resolve(StoreDirectory.INDEX), offset, mask);
                check(copy, StoreDirectory.INDEX, offset, false, "seed " + seed + ", the index file of a clean close,"
                        + " byte " + offset + " flipped with mask " + mask);
            }
        }
        report("flip, the index file of a clean close");
        assertTrue(indexDamageFoundByARead > 0, "some damage is found by a read after the open");
    }

    private Path copy() {
        Path copy = root.resolve("copy");
        StoreFiles.deleteTree(copy);
        StoreFiles.snapshot(original, copy);
        return copy;
    }

    private void check(Path copy, String damagedFile, long offset, boolean cut, String context) {
        KeyValueStore<String> store;
        try {
            store = KeyValueStore.open(copy, options);
        } catch (CorruptStoreException e) {
            assertEquals(copy.resolve(damagedFile), e.file(), context + ": the exception names the damaged file");
            refused++;
            return;
        } catch (UnsupportedFormatException e) {
            assertEquals(copy.resolve(damagedFile), e.file(), context);
            refused++;
            return;
        } catch (RuntimeException e) {
            throw new AssertionError(context + ": a foreign exception", e);
        }
        try {
            checkContents(store, damagedFile, offset, cut, context);
        } catch (CorruptStoreException e) {
            assertEquals(copy.resolve(damagedFile), e.file(), context + ": the exception names the damaged file");
            if (!damagedFile.equals(StoreDirectory.INDEX)) {
                // A damaged record that the open did not read (the index file covers it) fails the read of its key.
                refused++;
                return;
            }
            store.close();
            assertFalse(Files.exists(e.file()), context + ": the damaged index file is deleted");
            try (KeyValueStore<String> reopened = KeyValueStore.open(copy, options)) {
                assertEquals(workload.steps().size(), workload.prefixHeldBy(reopened, 0, workload.steps().size()),
                        context + ": reopened after the damage was found, the store holds exactly every value");
            }
            indexDamageFoundByARead++;
        } finally {
            store.close();
        }
    }

    private void checkContents(KeyValueStore<String> store, String damagedFile, long offset, boolean cut,
            String context) {
        try {
            int finalState = workload.steps().size();
            int held = workload.prefixHeldBy(store, 0, finalState);
            if (held == finalState) {
                opened++;
                return;
            }
            if (held >= 0 && cut && damagedFile.endsWith(".vlog")) {
                int whole = 0;
                while (whole < stepEnds.size() && stepEnds.get(whole) <= offset) {
                    whole++;
                }
                assertEquals(workload.stateAfter(whole), workload.stateAfter(held),
                        context + ": the store holds the steps whose records end before the cut");
                openedAsPrefix++;
                return;
            }
            fail(context + ": the store opened with contents that are not what was written"
                    + (held >= 0 ? " (the state after " + held + " steps)" : ""));
        } catch (CorruptStoreException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new AssertionError(context + ": a foreign exception", e);
        }
    }

    private void report(String damage) {
        System.out.printf("corruption campaign (%s): %d damaged copies: %d opened exact, %d opened as a prefix "
                + "(value log cut), %d refused with the file and offset, %d with a damaged index file found by a read "
                + "and then reopened exact; 0 wrong values, 0 foreign exceptions%n", damage,
                opened + openedAsPrefix + refused + indexDamageFoundByARead, opened, openedAsPrefix, refused,
                indexDamageFoundByARead);
    }
}
