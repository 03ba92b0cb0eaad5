package io.viperdb;

/** The order in which a {@linkplain KeyValueStore#scan scan} visits its keys. */
public enum Direction {
    /** From the first key to the last, in unsigned byte order ({@link KeyRange#compare}). */
    FORWARD,
    /** From the last key to the first. */
    REVERSE
}
