package io.viperdb.it.crash;

import io.viperdb.KeyValueStore;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The endless, seeded sequence of writes that a crash test's child performs and its parent replays into a model:
 * puts (some with an hour to live, which never expires within a test), overwrites and removes over a fixed set of
 * keys, with values up to a few kilobytes so that reclaims take long enough to be interrupted.
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

    /** One operation: a put when {@code value} is not null, else a remove. */
    public record Operation(String key, String value, boolean expires) {

        public void applyTo(KeyValueStore<Object> store) {
            if (value == null) {
                store.remove(key);
            } else if (expires) {
                store.put(key, value, Duration.ofHours(1));
            } else {
                store.put(key, value);
            }
        }

        public void applyTo(Map<String, Object> model) {
            if (value == null) {
                model.remove(key);
            } else {
                model.put(key, value);
            }
        }
    }

    /** The next operation; operation {@code index} of every workload with the same seed is the same. */
    public Operation next(long index) {
        String key = key(random.nextInt(keys));
        int kind = random.nextInt(10);
        if (kind < 2) {
            return new Operation(key, null, false);
        }
        String value = "v" + index + ":" + "abcdefghijklmnopqrstuvwxyz".repeat(random.nextInt(80));
        return new Operation(key, value, kind == 2);
    }
}
