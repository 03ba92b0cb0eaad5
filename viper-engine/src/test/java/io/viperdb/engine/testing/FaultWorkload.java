package io.viperdb.engine.testing;

import io.viperdb.KeyValueStore;
import io.viperdb.WriteBatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * A seeded list of writes for fault campaigns (puts, removes, batches) with the flushes, syncs and reclaims between
 * them, and the store's expected contents after each prefix.
 */
public final class FaultWorkload {

    /** What a step does. */
    public enum Kind { PUT, REMOVE, BATCH, FLUSH, SYNC, RECLAIM }

    /** One step: for a batch, its operations; for a put or remove, one operation. */
    public record Step(Kind kind, List<String[]> operations) {

        /** Whether this step changes what the store holds. */
        public boolean writes() {
            return kind == Kind.PUT || kind == Kind.REMOVE || kind == Kind.BATCH;
        }

        /** Whether, once this step returns, everything before it is on the device under any policy. */
        public boolean syncs() {
            return kind == Kind.SYNC || kind == Kind.RECLAIM;
        }

        public void applyTo(KeyValueStore<String> store) {
            switch (kind) {
                case PUT -> store.put(operations.get(0)[0], operations.get(0)[1]);
                case REMOVE -> store.remove(operations.get(0)[0]);
                case BATCH -> {
                    WriteBatch<String> batch = new WriteBatch<>();
                    for (String[] op : operations) {
                        if (op[1] == null) {
                            batch.remove(op[0]);
                        } else {
                            batch.put(op[0], op[1]);
                        }
                    }
                    store.write(batch);
                }
                case FLUSH -> store.flush();
                case SYNC -> store.sync();
                case RECLAIM -> store.reclaim();
            }
        }

        void applyTo(Map<String, String> model) {
            for (String[] op : operations) {
                if (op[1] == null) {
                    model.remove(op[0]);
                } else {
                    model.put(op[0], op[1]);
                }
            }
        }
    }

    private final List<Step> steps = new ArrayList<>();
    private final List<Map<String, String>> states = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();

    public FaultWorkload(long seed, int length, int keyCount) {
        this(seed, length, keyCount, 60);
    }

    /** A workload whose values are up to {@code maxValueLength} characters long. */
    public FaultWorkload(long seed, int length, int keyCount, int maxValueLength) {
        Random random = new Random(seed);
        for (int k = 0; k < keyCount; k++) {
            keys.add("key-" + k);
        }
        Map<String, String> model = new HashMap<>();
        states.add(Map.copyOf(model));
        for (int i = 0; i < length; i++) {
            int roll = random.nextInt(20);
            Kind kind = roll < 9 ? Kind.PUT : roll < 12 ? Kind.REMOVE : roll < 15 ? Kind.BATCH : roll < 17 ? Kind.FLUSH
                    : roll < 19 ? Kind.SYNC : Kind.RECLAIM;
            List<String[]> operations = new ArrayList<>();
            int count = kind == Kind.BATCH ? 2 + random.nextInt(4) : kind.compareTo(Kind.REMOVE) <= 0 ? 1 : 0;
            for (int j = 0; j < count; j++) {
                String key = keys.get(random.nextInt(keyCount));
                boolean remove = kind == Kind.REMOVE || (kind == Kind.BATCH && random.nextInt(4) == 0);
                operations.add(new String[] {key, remove ? null : "s" + i + "." + j + "-" + "v".repeat(random.nextInt(maxValueLength))});
            }
            Step step = new Step(kind, operations);
            steps.add(step);
            step.applyTo(model);
            states.add(Map.copyOf(model));
        }
    }

    public List<Step> steps() {
        return steps;
    }

    public List<String> keys() {
        return keys;
    }

    /** What the store holds after the first {@code count} steps. */
    public Map<String, String> stateAfter(int count) {
        return states.get(count);
    }

    /** The number of steps after which {@code store} holds what it holds, searched in {@code [from, to]}, or -1. */
    public int prefixHeldBy(KeyValueStore<String> store, int from, int to) {
        Map<String, String> actual = new HashMap<>();
        for (String key : keys) {
            String value = store.get(key);
            if (value != null) {
                actual.put(key, value);
            }
        }
        if (actual.size() != store.size()) {
            return -1;
        }
        for (int count = to; count >= from; count--) {
            if (Objects.equals(states.get(count), actual)) {
                return count;
            }
        }
        return -1;
    }
}
