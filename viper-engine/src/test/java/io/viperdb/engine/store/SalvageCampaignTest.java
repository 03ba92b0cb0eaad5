package io.viperdb.engine.store;

import static io.viperdb.engine.testing.Contents.assertHolds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.KeyValueStore;
import io.viperdb.SalvageReport;
import io.viperdb.StoreOptions;
import io.viperdb.WriteBatch;
import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.testing.StoreFiles;
import io.viperdb.engine.testing.StoreRecords;
import io.viperdb.engine.testing.StoreRecords.Rec;
import io.viperdb.engine.testing.TestClock;
import io.viperdb.engine.testing.TextCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The salvage campaign: stores of a few thousand keys (several segments, overwrites, removes, expiring puts, batches,
 * and a reclaim in half of them), and damaged copies of each, with 1 to 20 random bytes flipped in any of their files
 * (manifest, value logs, key logs, sync mark, file headers) or one file cut short; and, aimed at what random damage
 * rarely hits, a few records flipped together with their hints, or an interrupted write (the last segment's logs both
 * cut, the key log before the hint of the record the value log is cut in). The records of the store are read
 * before it is damaged, so the test knows which records and hints each damage hit, and from that exactly what the
 * salvaged store must hold:
 * <ul>
 *   <li>every key whose latest record was not hit, with exactly its value (or absent, if removed or expired);</li>
 *   <li>no key whose latest record was hit while its hint was not: the key is lost, and listed as lost;</li>
 *   <li>a key whose latest record and its hint were both hit holds what its latest readable record says, since
 *       nothing left in the store tells of the newer one;</li>
 *   <li>the batch that a damaged range ends the last segment's data inside, with no sound hint of its commit, is
 *       dropped whole, as an interrupted write.</li>
 * </ul>
 * Every record that was not hit is read, every hit record is inside a reported damaged range, the report is complete
 * only when no record, manifest or header was hit, and the damaged copy is byte for byte unchanged by the salvage.
 *
 * <p>{@code -Dviper.salvage.stores=N -Dviper.salvage.copies=M}: N stores of M damaged copies each (4 and 30 by
 * default; more with {@code -Plong}). A failure names the seed of the store and of the copy.
 */
class SalvageCampaignTest {

    private static final int STORES = Integer.getInteger("viper.salvage.stores", 4);
    private static final int COPIES = Integer.getInteger("viper.salvage.copies", 30);

    @TempDir
    Path root;

    private int copies;
    private int flipCopies;
    private int cutCopies;
    private int manifestLost;
    private int incomplete;
    private long keysChecked;
    private long lostKeys;
    private long unknowable;
    private long droppedBatches;

    /** A store written from a seed, and what it holds. */
    private static final class Written {
        final Path directory;
        final TestClock clock;
        final List<String> universe = new ArrayList<>();
        final Map<String, String> values = new HashMap<>();
        final Map<String, Long> expiries = new HashMap<>();
        List<Rec> records;

        Written(Path directory, TestClock clock) {
            this.directory = directory;
            this.clock = clock;
        }

        /** What the store holds at the clock's time. */
        Map<String, String> live() {
            Map<String, String> live = new HashMap<>(values);
            expiries.forEach((key, expiry) -> {
                if (expiry <= clock.millis()) {
                    live.remove(key);
                }
            });
            return live;
        }
    }

    @Test
    void salvagedStoresHoldExactlyTheKeysWhoseLatestRecordsWereNotHit() {
        for (long storeSeed = 1; storeSeed <= STORES; storeSeed++) {
            Written written = write(storeSeed);
            salvagePristine(written, storeSeed);
            for (int copy = 0; copy < COPIES; copy++) {
                long copySeed = storeSeed * 1_000_003L + copy;
                String context = "store seed " + storeSeed + ", copy seed " + copySeed;
                try {
                    salvageDamagedCopy(written, copySeed, context);
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError(context + ": " + e.getMessage(), e);
                }
            }
        }
        System.out.printf("salvage campaign: %d stores, %d damaged copies (%d with bytes flipped, %d with files cut; "
                + "%d with the manifest lost); %d reports incomplete; %,d keys checked: %,d lost and listed, %,d "
                + "holding their latest readable value (record and hint both hit), %d batches dropped as interrupted "
                + "writes; 0 wrong values%n", STORES, copies, flipCopies, cutCopies, manifestLost, incomplete,
                keysChecked, lostKeys, unknowable, droppedBatches);
    }

    /**
     * Writes a store of 2,000 to 4,000 keys into 16 or 32 KiB log files: puts (with values of any ASCII character,
     * control characters included, so that record headers can appear in values), overwrites, removes, puts with a
     * time to live (some expired by the end), batches, and a reclaim halfway in every other store.
     */
    private Written write(long seed) {
        Random random = new Random(seed);
        TestClock clock = new TestClock(1_700_000_000_000L + seed);
        Written written = new Written(root.resolve("store-" + seed), clock);
        int keys = 2000 + random.nextInt(2000);
        for (int i = 0; i < keys; i++) {
            written.universe.add("key-" + i);
        }
        int operations = keys * 3 / 2;
        StoreOptions options = StoreOptions.builder().codec(new TextCodec()).clock(clock)
                .logFileSize(random.nextBoolean() ? 16 << 10 : 32 << 10).build();
        try (KeyValueStore<String> store = KeyValueStore.open(written.directory, options)) {
            for (int op = 0; op < operations; op++) {
                if (seed % 2 == 0 && op == operations / 2) {
                    store.reclaim();
                }
                int kind = random.nextInt(100);
                String key = "key-" + random.nextInt(keys);
                if (kind < 65) {
                    String value = value(random);
                    store.put(key, value);
                    written.values.put(key, value);
                    written.expiries.remove(key);
                } else if (kind < 75) {
                    String value = value(random);
                    Duration ttl = Duration.ofMillis(1 + random.nextInt(2 * operations));
                    store.put(key, value, ttl);
                    written.values.put(key, value);
                    written.expiries.put(key, clock.millis() + ttl.toMillis());
                } else if (kind < 85) {
                    store.remove(key);
                    written.values.remove(key);
                    written.expiries.remove(key);
                } else if (kind < 87) {
                    store.write(batch(random, keys, written));
                }
                clock.advance(Duration.ofMillis(1));
            }
        }
        written.records = StoreRecords.read(written.directory);
        return written;
    }

    private static String value(Random random) {
        char[] chars = new char[random.nextInt(120)];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = (char) random.nextInt(128);
        }
        return new String(chars);
    }

    private static WriteBatch<String> batch(Random random, int keys, Written written) {
        WriteBatch<String> batch = new WriteBatch<>();
        int size = 2 + random.nextInt(30);
        for (int i = 0; i < size; i++) {
            String key = "key-" + random.nextInt(keys);
            if (random.nextInt(4) == 0) {
                batch.remove(key);
                written.values.remove(key);
                written.expiries.remove(key);
            } else {
                String value = value(random);
                batch.put(key, value);
                written.values.put(key, value);
                written.expiries.remove(key);
            }
        }
        return batch;
    }

    private StoreOptions salvageOptions(Written written) {
        // The codec is named for the copies whose manifest is lost; where it is sound, it must agree.
        return StoreOptions.builder().clock(written.clock).codec(TextCodec.NAME).build();
    }

    /** Salvage of the undamaged store gives back exactly what was written. */
    private void salvagePristine(Written written, long seed) {
        Path target = root.resolve("target");
        StoreFiles.deleteTree(target);
        SalvageReport report = KeyValueStore.salvage(written.directory, target, salvageOptions(written));
        assertTrue(report.complete(), "store seed " + seed + ": " + report.damagedRanges());
        assertEquals(written.records.size(), report.recordsRead(), "store seed " + seed);
        try (KeyValueStore<String> salvaged = KeyValueStore.open(target, reading(written))) {
            assertHolds(written.live(), salvaged, written.universe, "store seed " + seed + ", undamaged");
        }
    }

    private static StoreOptions reading(Written written) {
        return StoreOptions.builder().codec(new TextCodec()).clock(written.clock).build();
    }

    /** The damage done to one copy: the bytes flipped (net of flips that undo each other), or one file cut. */
    private static final class Damage {
        final Map<String, Map<Long, Integer>> flips = new HashMap<>();
        final Map<String, Long> cuts = new HashMap<>();

        boolean hits(String file, long from, long to) {
            if (cuts.containsKey(file) && cuts.get(file) < to) {
                return true;
            }
            for (Map.Entry<Long, Integer> flip : flips.getOrDefault(file, Map.of()).entrySet()) {
                if (flip.getValue() != 0 && flip.getKey() >= from && flip.getKey() < to) {
                    return true;
                }
            }
            return false;
        }

        boolean touches(String file) {
            return files().contains(file);
        }

        Set<String> files() {
            Set<String> files = new TreeSet<>(cuts.keySet());
            flips.forEach((file, masks) -> {
                if (masks.values().stream().anyMatch(m -> m != 0)) {
                    files.add(file);
                }
            });
            return files;
        }

        @Override
        public String toString() {
            return (cuts.isEmpty() ? "" : "cuts " + cuts + " ") + (flips.isEmpty() ? "" : "flips " + flips);
        }
    }

    /**
     * Damages a copy: 1 to 20 bytes flipped anywhere (most copies), one file cut, or two kinds aimed at what random
     * flips rarely hit: a few records flipped together with their hints, and an interrupted write (both logs of the
     * last segment cut, the key log before the hint of the record the value log is cut in).
     */
    private Damage damage(Random random, Path copy, List<Rec> records) {
        List<Path> files = StoreFiles.list(copy);
        Damage damage = new Damage();
        int kind = random.nextInt(20);
        if (kind < 3) {
            Path file = files.get(random.nextInt(files.size()));
            cut(damage, file, (long) (random.nextDouble() * StoreFiles.size(file)));
            cutCopies++;
        } else if (kind < 5) {
            for (int i = 1 + random.nextInt(3); i > 0; i--) {
                Rec record = records.get(random.nextInt(records.size()));
                flip(damage, copy.resolve(record.valueLog().getFileName()),
                        record.offset() + random.nextInt(record.length()), 1 + random.nextInt(255));
                flip(damage, copy.resolve(record.keyLog().getFileName()),
                        record.hintOffset() + random.nextInt(record.hintLength()), 1 + random.nextInt(255));
            }
            flipCopies++;
        } else if (kind < 6) {
            int lastRank = records.get(records.size() - 1).rank();
            List<Rec> last = records.stream().filter(r -> r.rank() == lastRank).toList();
            Rec record = last.get(random.nextInt(last.size()));
            cut(damage, copy.resolve(record.valueLog().getFileName()),
                    record.offset() + random.nextInt(record.length()));
            cut(damage, copy.resolve(record.keyLog().getFileName()), record.hintOffset());
            cutCopies++;
        } else {
            for (int i = 1 + random.nextInt(20); i > 0; i--) {
                Path file = files.get(random.nextInt(files.size()));
                long size = StoreFiles.size(file);
                // One flip in four goes into the first 20 bytes, the file header, so that headers are hit often.
                long offset = random.nextInt(4) == 0 ? random.nextInt((int) Math.min(20, size))
                        : (long) (random.nextDouble() * size);
                flip(damage, file, offset, 1 + random.nextInt(255));
            }
            flipCopies++;
        }
        return damage;
    }

    private static void flip(Damage damage, Path file, long offset, int mask) {
        damage.flips.computeIfAbsent(file.getFileName().toString(), f -> new HashMap<>())
                .merge(offset, mask, (a, b) -> a ^ b);
        StoreFiles.flip(file, offset, mask);
    }

    private static void cut(Damage damage, Path file, long at) {
        damage.cuts.put(file.getFileName().toString(), at);
        StoreFiles.truncate(file, at);
    }

    private void salvageDamagedCopy(Written written, long seed, String context) {
        Path copy = root.resolve("copy");
        StoreFiles.deleteTree(copy);
        StoreFiles.snapshot(written.directory, copy);
        Damage damage = damage(new Random(seed), copy, written.records);
        context += ", " + damage;
        Map<String, byte[]> before = contents(copy);
        Path target = root.resolve("target");
        StoreFiles.deleteTree(target);

        SalvageReport report = KeyValueStore.salvage(copy, target, salvageOptions(written));

        copies++;
        incomplete += report.complete() ? 0 : 1;
        Map<String, byte[]> after = contents(copy);
        assertEquals(before.keySet(), after.keySet(), context + ": no file created or deleted");
        before.forEach((file, bytes) -> assertTrue(Arrays.equals(bytes, after.get(file)),
                file + " is byte for byte as it was"));

        Expected expected = new Expected(written, damage);
        manifestLost += expected.manifestLost ? 1 : 0;
        try (KeyValueStore<String> salvaged = KeyValueStore.open(target, reading(written))) {
            assertHolds(expected.values, salvaged, written.universe, context);
        }
        keysChecked += written.universe.size();
        assertEquals(new ArrayList<>(expected.lost), report.lostKeys(), context + ": the keys listed as lost");
        lostKeys += expected.lost.size();
        unknowable += expected.unknowable;
        droppedBatches += expected.droppedBatches;
        assertEquals(expected.values.size(), report.keys(), context);
        assertEquals(expected.soundRecords, report.recordsRead(), context + ": every record not hit was read");
        for (Rec record : written.records) {
            String file = record.valueLog().getFileName().toString();
            if (expected.hit.contains(record) && record.offset() < after.get(file).length) {
                assertTrue(report.damagedRanges().stream().anyMatch(d -> d.file().getFileName().toString()
                        .equals(file) && d.offset() <= record.offset() && record.offset() < d.offset() + d.length()),
                        context + ": the record at " + record.offset() + " of " + file + " is in a damaged range: "
                                + report.damagedRanges());
            }
        }
        if (expected.dataOrHeadersHit) {
            assertFalse(report.complete(), context + ": a record, a header or the manifest was hit");
        }
        if (report.complete()) {
            String lastKeyLog = written.records.get(written.records.size() - 1).keyLog().getFileName().toString();
            // Salvage reads neither the sync mark nor the index file (caches of the logs), and a damaged hint past the
            // last record loses nothing: damage to any of them alone leaves the report complete.
            for (String file : damage.files()) {
                assertTrue(file.equals("viper.synced") || file.equals("viper.index") || file.equals(lastKeyLog),
                        context + ": " + file
                        + " was damaged, yet the report is complete");
            }
        }
    }

    private static Map<String, byte[]> contents(Path dir) {
        Map<String, byte[]> contents = new LinkedHashMap<>();
        for (Path file : StoreFiles.list(dir)) {
            contents.put(file.getFileName().toString(), StoreFiles.read(file));
        }
        return contents;
    }

    /**
     * What the salvage of a damaged copy must give, worked out from the records of the undamaged store and the damage
     * alone (not from how salvage reads), by the rules of the class comment.
     */
    private static final class Expected {
        final Map<String, String> values = new HashMap<>();
        final Set<String> lost = new TreeSet<>();
        final Set<Rec> hit = new HashSet<>();
        final boolean manifestLost;
        boolean dataOrHeadersHit;
        long soundRecords;
        long unknowable;
        int droppedBatches;

        Expected(Written written, Damage damage) {
            List<Rec> records = written.records;
            long now = written.clock.millis();
            manifestLost = damage.touches("viper.manifest");
            dataOrHeadersHit = manifestLost;
            Set<Rec> hintLost = new HashSet<>();
            for (Rec record : records) {
                String valueLog = record.valueLog().getFileName().toString();
                String keyLog = record.keyLog().getFileName().toString();
                if (damage.hits(valueLog, record.offset(), record.offset() + record.length())) {
                    hit.add(record);
                    dataOrHeadersHit = true;
                } else {
                    soundRecords++;
                }
                if (damage.hits(keyLog, record.hintOffset(), record.hintOffset() + record.hintLength())) {
                    hintLost.add(record);
                }
                dataOrHeadersHit |= damage.hits(valueLog, 0, 20) || damage.hits(keyLog, 0, 20);
            }
            int lastRank = records.get(records.size() - 1).rank();
            // The batches dropped whole, and the records whose hints salvage then sets aside with them.
            Set<Rec> dropped = new HashSet<>();
            Set<Rec> hintsIgnored = new HashSet<>();
            for (int rank = 0; rank <= lastRank; rank++) {
                if (manifestLost || rank == lastRank) {
                    droppedInSegment(segment(records, rank), hintLost, dropped, hintsIgnored);
                }
            }
            Map<String, String> state = new HashMap<>();
            Map<String, Boolean> lostState = new HashMap<>();
            Map<String, String> undamaged = written.live();
            for (Rec record : records) {
                if (record.isBatchMarker() || dropped.contains(record)) {
                    continue;
                }
                boolean livePut = record.type() == RecordHeader.PUT && now < record.expiry();
                if (!hit.contains(record)) {
                    if (livePut) {
                        state.put(record.key(), new String(record.value(), StandardCharsets.UTF_8));
                    } else {
                        state.remove(record.key());
                    }
                    lostState.put(record.key(), false);
                } else if (!hintLost.contains(record) && !hintsIgnored.contains(record)) {
                    state.remove(record.key());
                    lostState.put(record.key(), livePut);
                }
                // A hit record whose hint is lost too leaves no trace: the key keeps what it had.
            }
            values.putAll(state);
            lostState.forEach((key, isLost) -> {
                if (isLost) {
                    lost.add(key);
                }
            });
            for (String key : written.universe) {
                String expected = values.get(key);
                if (!lost.contains(key) && expected != null && !expected.equals(undamaged.get(key))) {
                    unknowable++;
                }
            }
        }

        private static List<Rec> segment(List<Rec> records, int rank) {
            return records.stream().filter(r -> r.rank() == rank).toList();
        }

        /**
         * In a segment that may end in an interrupted write: the batch open when the damaged range that ends the data
         * starts (no damaged range with sound records after it came between its begin and there), whose commit the
         * key log does not show (no sound hint of a batch marker in that range), is dropped whole.
         */
        private void droppedInSegment(List<Rec> segment, Set<Rec> hintLost, Set<Rec> dropped,
                Set<Rec> hintsIgnored) {
            int trailing = segment.size();
            while (trailing > 0 && hit.contains(segment.get(trailing - 1))) {
                trailing--;
            }
            if (trailing == segment.size()) {
                return;
            }
            int begin = -1;
            for (int i = 0; i < trailing; i++) {
                Rec record = segment.get(i);
                if (hit.contains(record)) {
                    begin = -1; // a damaged range followed by sound records ends any batch
                } else if (record.type() == RecordHeader.BATCH_BEGIN) {
                    begin = i;
                } else if (record.type() == RecordHeader.BATCH_COMMIT) {
                    begin = -1;
                }
            }
            if (begin < 0) {
                return;
            }
            for (int i = trailing; i < segment.size(); i++) {
                Rec record = segment.get(i);
                if (record.isBatchMarker() && !hintLost.contains(record)) {
                    return; // the key log shows the commit was written
                }
            }
            for (int i = begin; i < segment.size() && (i < trailing || !isCommit(segment.get(i - 1))); i++) {
                dropped.add(segment.get(i));
            }
            hintsIgnored.addAll(segment.subList(trailing, segment.size()));
            droppedBatches++;
        }

        private static boolean isCommit(Rec record) {
            return record.type() == RecordHeader.BATCH_COMMIT;
        }
    }
}
