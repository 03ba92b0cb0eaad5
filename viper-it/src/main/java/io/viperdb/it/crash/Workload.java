package io.viperdb.it.crash;

import io.viperdb.KeyValueStore;
import io.viperdb.WriteBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The endless, seeded sequence of writes that a crash test's child performs and its parent replays into a model:
 * puts (some with an hour to live, which never expires within a test), overwrites, removes and atomic batches over a
 * fixed set of keys, with values up to a few kilobytes so that reclaims take long enough to be interrupted.
 */
public final class Workload {

    private final SplittableRandom random;
    private final int keys;

    public Workload(long seed, int keys) {
        this.random = new SplittableRandom(seed);
        this.keys = keys;
    }

    public static String key(int k) {
        return "key-" + k;
    }

    /**
     * One change to one key: a put when {@code value} is not null, else a remove.
     *
     * @param expires whether a put lives an hour rather than forever
     */
    public record Change(String key, String value, boolean expires) {
    }

    /** One operation: a single change, or several applied as one batch. */
    public record Operation(List<Change> changes, boolean batch) {

        public void applyTo(KeyValueStore<Object> store) {
            if (batch) {
                WriteBatch<Object> writes = new WriteBatch<>();
                for (Change change : changes) {
                    if (change.value() == null) {
                        writes.remove(change.key());
                    } else if (change.expires()) {
                        writes.put(change.key(), change.value(), Duration.ofHours(1));
                    } else {
                        writes.put(change.key(), change.value());
                    }
                }
                store.write(writes);
                return;
            }
            Change change = changes.get(0);
            if (change.value() == null) {
                store.remove(change.key());
            } else if (change.expires()) {
                store.put(change.key(), change.value(), Duration.ofHours(1));
            } else {
                store.put(change.key(), change.value());
            }
        }

        public void applyTo(Map<String, Object> model) {
            for (Change change : changes) {
                if (change.value() == null) {
                    model.remove(change.key());
                } else {
                    model.put(change.key(), change.value());
                }
            }
        }
    }

    /** The next operation; operation {@code index} of every workload with the same seed is the same. */
    public Operation next(long index) {
        boolean batch = random.nextInt(10) == 0;
        int count = batch ? 2 + random.nextInt(5) : 1;
        List<Change> changes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String key = key(random.nextInt(keys));
            int kind = random.nextInt(10);
            String value = kind < 2 ? null
                    : "v" + index + "." + i + ":" + "abcdefghijklmnopqrstuvwxyz".repeat(random.nextInt(80));
            changes.add(new Change(key, value, kind == 2));
        }
        return new Operation(changes, batch);
    }
}
