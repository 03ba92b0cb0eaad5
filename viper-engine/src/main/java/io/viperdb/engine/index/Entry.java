package io.viperdb.engine.index;

/**
 * A key of the {@link KeyDirectory} and its place, as an iteration over the directory reads them.
 *
 * @param key the key's bytes, a copy the caller may keep (compared by identity, as arrays are, in {@code equals})
 * @param place where its record is
 */
public record Entry(byte[] key, Place place) {
}
