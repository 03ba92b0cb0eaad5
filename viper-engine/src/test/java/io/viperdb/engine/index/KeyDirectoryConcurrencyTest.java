package io.viperdb.engine.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.testing.Workers;
import java.util.ArrayList;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Readers run while one writer puts, removes and applies batches, and the table grows, shrinks, drops tombstones and
 * compacts its arena under them. Every place a writer makes is a function of its key and a version, so a reader
 * can tell a torn one; stable keys are never removed, so a reader that misses one has probed wrong; the keys of a
 * group are only ever written together in a batch, so a read of the whole group under one even version that finds
 * two versions has seen half a batch.
 */
class KeyDirectoryConcurrencyTest {

    private static final int STABLE = 2_000;
    private static final int CHURN = 30_000;
    private static final int GROUP = 16;
    private static final int WRITES = 400_000;
    /** Churn and group keys are told apart from stable keys by their places too: a reader checks records by them. */
    private static final int CHURN_ID = STABLE;
    private static final int GROUP_ID = STABLE + CHURN;

    static Place placeOf(int key, long version) {
        long expiry = version % 5 == 0 ? RecordHeader.NO_EXPIRY - version : RecordHeader.NO_EXPIRY;
        return new Place(1 + (key + version) % 3, version,
                (int) ((key * 31L + version) & 0xFFFF), expiry);
    }

    /** The version of a place made by {@link #placeOf}, after checking that it is whole. */
    static long versionOf(int key, Place place) {
        long version = place.offset();
        if (!place.equals(placeOf(key, version))) {
            throw new AssertionError("key " + key + " has a torn place " + place);
        }
        return version;
    }

    @Test
    @Timeout(120)
    void readersNeverSeeATornEntryNorHalfABatchNorLoseAKey() throws Exception {
        KeyDirectory index = new KeyDirectory();
        for (int k = 0; k < STABLE; k++) {
            index.put(KeyDirectoryTest.k("stable" + k), placeOf(k, 1));
        }
        for (int k = 0; k < GROUP; k++) {
            index.put(KeyDirectoryTest.k("group" + k), placeOf(GROUP_ID + k, 1));
        }
        AtomicLongArray written = new AtomicLongArray(STABLE);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong reads = new AtomicLong();
        AtomicLong groupChecks = new AtomicLong();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();

        threads.add(Workers.start(() -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            long groupVersion = 1;
            try {
                for (int w = 0; w < WRITES && failures.isEmpty(); w++) {
                    int choice = random.nextInt(100);
                    if (choice < 40) {
                        int k = random.nextInt(STABLE);
                        long version = written.get(k) + 2;
                        index.put(KeyDirectoryTest.k("stable" + k), placeOf(k, version));
                        written.set(k, version);
                    } else if (choice < 70) {
                        int k = random.nextInt(CHURN);
                        index.put(KeyDirectoryTest.k("churn" + k + "-" + "c".repeat(k % 50)),
                                placeOf(CHURN_ID + k, w + 2));
                    } else if (choice < 97) {
                        int k = random.nextInt(CHURN);
                        index.remove(KeyDirectoryTest.k("churn" + k + "-" + "c".repeat(k % 50)));
                    } else {
                        long version = ++groupVersion;
                        index.reserve(GROUP);
                        index.applyAtomically(() -> {
                            for (int k = 0; k < GROUP; k++) {
                                index.put(KeyDirectoryTest.k("group" + k), placeOf(GROUP_ID + k, version));
                            }
                        });
                    }
                }
            } finally {
                stop.set(true);
            }
        }, failures));

        for (int r = 0; r < 2; r++) {
            threads.add(Workers.start(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                long[] seen = new long[STABLE];
                while (!stop.get()) {
                    int k = random.nextInt(STABLE);
                    // Half of the reads as the store reads: the candidate first, its key compared in its "record".
                    boolean asTheStore = random.nextBoolean();
                    Place place = lookUp(index, "stable" + k, k, asTheStore);
                    if (place == null) {
                        throw new AssertionError("stable key " + k + " is missing");
                    }
                    long version = versionOf(k, place);
                    if (version < seen[k]) {
                        throw new AssertionError("key " + k + " went back from version " + seen[k] + " to " + version);
                    }
                    seen[k] = version;
                    int c = random.nextInt(CHURN);
                    Place churn = lookUp(index, "churn" + c + "-" + "c".repeat(c % 50), CHURN_ID + c, asTheStore);
                    if (churn != null) {
                        versionOf(CHURN_ID + c, churn);
                    }
                    reads.incrementAndGet();
                    if (random.nextInt(64) == 0) {
                        checkGroup(index, groupChecks, asTheStore);
                    }
                }
            }, failures));
        }

        threads.add(Workers.start(() -> {
            while (!stop.get()) {
                Set<String> stable = new HashSet<>();
                for (Entry entry : index.entries()) {
                    String key = new String(entry.key(), StandardCharsets.UTF_8);
                    int digits = key.startsWith("stable") ? 6 : key.startsWith("group") ? 5 : -1;
                    if (digits > 0) {
                        versionOf(Integer.parseInt(key.substring(digits)) + (digits == 5 ? GROUP_ID : 0),
                                entry.place());
                        if (key.startsWith("stable") && !stable.add(key)) {
                            throw new AssertionError("iteration returned " + key + " twice");
                        }
                    }
                }
                if (stable.size() != STABLE) {
                    throw new AssertionError("iteration returned " + stable.size() + " stable keys of " + STABLE);
                }
            }
        }, failures));

        for (Thread thread : threads) {
            thread.join();
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " failures; the first: " + failures.get(0), failures.get(0));
        }
        assertTrue(reads.get() > 0 && groupChecks.get() > 0, reads + " reads, " + groupChecks + " group checks");
        for (int k = 0; k < STABLE; k++) {
            assertEquals(placeOf(k, Math.max(1, written.get(k))), index.get(KeyDirectoryTest.k("stable" + k)));
        }
    }

    /**
     * The place of {@code key}, whose places {@link #placeOf} makes for {@code id}: by {@link KeyDirectory#get}, or as
     * the store reads, by the {@link KeyDirectory#candidate candidate}, taken for the key's when it is one of the key's
     * places (as the store compares the key in the record), else by {@code get}.
     */
    private static Place lookUp(KeyDirectory index, String key, int id, boolean asTheStore) {
        byte[] bytes = KeyDirectoryTest.k(key);
        if (asTheStore) {
            Place candidate = index.candidate(bytes);
            if (candidate == null || candidate.equals(placeOf(id, candidate.offset()))) {
                return candidate;
            }
        }
        return index.get(bytes);
    }

    /** Reads the group under one version, as the store reads many keys; all its keys must have one version. */
    private static void checkGroup(KeyDirectory index, AtomicLong checks, boolean asTheStore) {
        long version = index.version();
        if ((version & 1) != 0) {
            return;
        }
        long first = -1;
        boolean mixed = false;
        for (int k = 0; k < GROUP; k++) {
            long v = versionOf(GROUP_ID + k, lookUp(index, "group" + k, GROUP_ID + k, asTheStore));
            if (first < 0) {
                first = v;
            } else if (v != first) {
                mixed = true;
            }
        }
        if (index.version() == version) {
            checks.incrementAndGet();
            if (mixed) {
                throw new AssertionError("read half a batch under version " + version);
            }
        }
    }
}
