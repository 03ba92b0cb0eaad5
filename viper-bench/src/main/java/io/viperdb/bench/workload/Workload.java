package io.viperdb.bench.workload;

import java.util.SplittableRandom;

/**
 * The keys, values and access orders every store is measured with. Everything is derived from fixed seeds, so every
 * store, in every JVM of a run, sees the same keys, the same value bytes and the same sequence of accesses.
 *
 * <p>Key {@code i} is {@code "key"} followed by {@code i} in 13 zero-padded digits: 16 ASCII bytes, whose order as
 * bytes is the order of {@code i}, so "in key order" means the same for hash and sorted stores. Values are random
 * bytes (incompressible), taken from a pool of {@value #VALUE_POOL} distinct arrays of the value size.
 */
public final class Workload {

    /** The length of every key, in bytes. */
    public static final int KEY_LENGTH = 16;

    /**
     * Writes are made in batches of this many puts (one transaction for LMDB, one write batch for RocksDB, a plain
     * loop for the others), and every benchmark invocation does this many operations.
     */
    public static final int BATCH = 1000;

    /** The length of the precomputed access sequences; a power of two, so a cursor wraps with a mask. */
    public static final int SEQUENCE_LENGTH = 1 << 20;

    private static final int VALUE_POOL = 1024;
    private static final long VALUE_SEED = 0x5EED_0001L;
    private static final long UNIFORM_SEED = 0x5EED_0002L;
    private static final long ZIPFIAN_SEED = 0x5EED_0003L;
    private static final long ORDER_SEED = 0x5EED_0004L;
    private static final String KEY_PREFIX = "key";

    private final int keyCount;
    private final int valueSize;
    private final byte[][] values;

    public Workload(int keyCount, int valueSize) {
        if (keyCount < 2) {
            throw new IllegalArgumentException("keyCount must be at least 2, was " + keyCount);
        }
        if (valueSize < 1) {
            throw new IllegalArgumentException("valueSize must be positive, was " + valueSize);
        }
        this.keyCount = keyCount;
        this.valueSize = valueSize;
        this.values = new byte[VALUE_POOL][valueSize];
        SplittableRandom random = new SplittableRandom(VALUE_SEED);
        for (byte[] value : values) {
            for (int i = 0; i < valueSize; i++) {
                value[i] = (byte) random.nextInt(256);
            }
        }
    }

    public int keyCount() {
        return keyCount;
    }

    public int valueSize() {
        return valueSize;
    }

    /** The text of key {@code index}: {@code key0000000000042} for 42. */
    public static String keyText(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("index must not be negative, was " + index);
        }
        char[] text = new char[KEY_LENGTH];
        KEY_PREFIX.getChars(0, KEY_PREFIX.length(), text, 0);
        int rest = index;
        for (int i = KEY_LENGTH - 1; i >= KEY_PREFIX.length(); i--) {
            text[i] = (char) ('0' + rest % 10);
            rest /= 10;
        }
        return new String(text); // 13 digits hold every int
    }

    /** A new {@link Key} for {@code index}. */
    public Key key(int index) {
        return Key.of(keyText(index));
    }

    /** Every key, in key order; holds about 110 bytes of heap per key. */
    public Key[] keys() {
        Key[] keys = new Key[keyCount];
        for (int i = 0; i < keyCount; i++) {
            keys[i] = key(i);
        }
        return keys;
    }

    /**
     * The value written to key {@code index} by write number {@code generation} (0 for the fill, then one more for
     * each later write). Shared arrays that no store may modify.
     */
    public byte[] value(int index, int generation) {
        return values[(int) Math.floorMod(index + 7919L * generation, (long) VALUE_POOL)];
    }

    /** Key indexes drawn uniformly at random, {@link #SEQUENCE_LENGTH} of them. */
    public int[] uniformSequence() {
        SplittableRandom random = new SplittableRandom(UNIFORM_SEED);
        int[] sequence = new int[SEQUENCE_LENGTH];
        for (int i = 0; i < sequence.length; i++) {
            sequence[i] = random.nextInt(keyCount);
        }
        return sequence;
    }

    /** Key indexes drawn from a scrambled Zipfian distribution (theta 0.99), {@link #SEQUENCE_LENGTH} of them. */
    public int[] zipfianSequence() {
        Zipfian zipfian = new Zipfian(keyCount, Zipfian.DEFAULT_THETA, ZIPFIAN_SEED);
        SplittableRandom random = new SplittableRandom(ZIPFIAN_SEED);
        int[] sequence = new int[SEQUENCE_LENGTH];
        for (int i = 0; i < sequence.length; i++) {
            sequence[i] = zipfian.next(random);
        }
        return sequence;
    }

    /** Every key index once, in a random order: the order of "overwrite everything once". */
    public int[] shuffledOrder() {
        return permutation(keyCount, ORDER_SEED);
    }

    /** The numbers 0 to n - 1 in an order shuffled by {@code seed} (Fisher-Yates). */
    public static int[] permutation(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }
}
