package io.viperdb.bench.store;

import io.viperdb.bench.workload.Key;
import io.viperdb.bench.workload.Workload;
import java.util.Arrays;
import java.util.function.IntFunction;

/** Writing many keys through {@link StoreAdapter#putBatch} in batches of {@link Workload#BATCH}, and checking them. */
public final class Loading {

    private Loading() {
    }

    /** The shape of the stores a workload fills. */
    public static StoreShape shapeOf(Workload workload) {
        return new StoreShape(workload.keyCount(), Workload.KEY_LENGTH, workload.valueSize());
    }

    /**
     * Writes key {@code order[i]} for every i, in that order, with the value of {@code generation}, in batches.
     *
     * @param keys the key of each index
     */
    public static void write(StoreAdapter store, Workload workload, IntFunction<Key> keys, int[] order,
            int generation) {
        Key[] batchKeys = new Key[Workload.BATCH];
        byte[][] batchValues = new byte[Workload.BATCH][];
        int filled = 0;
        for (int index : order) {
            batchKeys[filled] = keys.apply(index);
            batchValues[filled] = workload.value(index, generation);
            if (++filled == Workload.BATCH) {
                store.putBatch(batchKeys, batchValues, filled);
                filled = 0;
            }
        }
        if (filled > 0) {
            store.putBatch(batchKeys, batchValues, filled);
        }
    }

    /** Every key index in key order. */
    public static int[] keyOrder(int keyCount) {
        int[] order = new int[keyCount];
        Arrays.setAll(order, i -> i);
        return order;
    }

    /**
     * Checks that {@code samples} keys spread over the key space read back with the value of {@code generation}.
     *
     * @throws IllegalStateException naming the store and the first key that does not
     */
    public static void verify(StoreAdapter store, Workload workload, IntFunction<Key> keys, int generation,
            int samples) {
        int count = workload.keyCount();
        int step = Math.max(1, count / samples);
        for (int index = 0; index < count; index += step) {
            check(store, workload, keys.apply(index), index, generation);
        }
        check(store, workload, keys.apply(count - 1), count - 1, generation);
    }

    /**
     * Checks that {@code key}, the key of {@code index}, reads back with the value of {@code generation}.
     *
     * @throws IllegalStateException naming the store and the key, if it does not
     */
    public static void check(StoreAdapter store, Workload workload, Key key, int index, int generation) {
        byte[] actual = store.get(key);
        if (!Arrays.equals(workload.value(index, generation), actual)) {
            throw new IllegalStateException(store.name() + " returned " + (actual == null ? "null"
                    : actual.length + " wrong bytes") + " for key " + key + " (write generation " + generation + ")");
        }
    }
}
