package io.viperdb.bench.store;

/**
 * How large a store will grow, for the stores that are sized when they are created (Chronicle Map's entry count and
 * average value size, LMDB's map size). Stores that grow on their own ignore it.
 *
 * @param keys the number of distinct keys that will be stored
 * @param keySize the size of every key, in bytes
 * @param valueSize the size of every value, in bytes
 */
public record StoreShape(int keys, int keySize, int valueSize) {

    /** The bytes of live keys and values: what a store with no overhead at all would hold. */
    public long liveBytes() {
        return (long) keys * (keySize + valueSize);
    }
}
