package io.viperdb;

import java.time.Duration;
import java.time.Instant;
import io.viperdb.spi.KeyText;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Puts and removes that a store applies together with {@link KeyValueStore#write(WriteBatch)}: after a crash at any
 * moment either all of them are in the store or none, and a concurrent reader never sees some applied and others not.
 * Operations apply in the order they were added, so a later one on the same key wins.
 *
 * <pre>{@code
 * store.write(new WriteBatch<Object>()
 *         .put("account:ada", 90)
 *         .put("account:bob", 110)
 *         .remove("transfer:pending"));
 * }</pre>
 *
 * <p>A batch is a plain list of operations: it can be built on any thread, reused, and written to several stores.
 * Keys are {@code String}s or byte arrays ({@link ByteKeyStore}), in any mix: a {@code String} key stands for its
 * UTF-8 bytes, so {@code put("a", v)} and {@code put(new byte[] {'a'}, v)} are puts of the same key. Null keys and
 * values, keys that are too long or not Unicode text, and non-positive times to live are refused when added; values
 * the codec cannot encode are refused by {@code write}, which then writes nothing. Not thread-safe.
 *
 * @param <V> the type of the values
 */
public final class WriteBatch<V> {

    /**
     * One operation of a batch.
     *
     * @param key the key's bytes (a {@code String} key's UTF-8 bytes): the batch's own array, not to be changed
     * @param value the value to put, or null for a remove
     * @param timeToLive how long a put lives, or null (always null for a remove, and for a put with
     *     {@code expiresAt})
     * @param expiresAt when a put expires, or null (always null for a remove, and for a put with {@code timeToLive})
     */
    public record Operation<V>(byte[] key, V value, Duration timeToLive, Instant expiresAt) {

        /** {@return true for a remove, false for a put} */
        public boolean isRemove() {
            return value == null;
        }

        @Override
        public String toString() {
            return (isRemove() ? "remove " : "put ") + KeyText.describe(key) + (isRemove() ? "" : "=" + value)
                    + (timeToLive != null ? " for " + timeToLive : "") + (expiresAt != null ? " until " + expiresAt : "");
        }
    }

    private final List<Operation<V>> operations = new ArrayList<>();

    /**
     * Adds a put with no expiry.
     *
     * @param key the key
     * @param value its new value
     * @return this batch
     * @throws IllegalArgumentException if the key is too long or not Unicode text
     */
    public WriteBatch<V> put(String key, V value) {
        return add(KeyText.encode(key), value, null, null);
    }

    /**
     * Adds a put with no expiry.
     *
     * @param key the key's bytes, copied
     * @param value its new value
     * @return this batch
     * @throws IllegalArgumentException if the key is too long
     */
    public WriteBatch<V> put(byte[] key, V value) {
        return add(KeyText.check(key).clone(), value, null, null);
    }

    /**
     * Adds a put that expires after {@code timeToLive}, counted from when the batch is written.
     *
     * @param key the key
     * @param value its new value
     * @param timeToLive how long the key lives from when the batch is written
     * @return this batch
     * @throws IllegalArgumentException if {@code timeToLive} is zero or negative, or the key is too long or not
     *     Unicode text
     */
    public WriteBatch<V> put(String key, V value, Duration timeToLive) {
        return add(KeyText.encode(key), value, checkTimeToLive(timeToLive), null);
    }

    /**
     * Adds a put that expires after {@code timeToLive}, counted from when the batch is written.
     *
     * @param key the key's bytes, copied
     * @param value its new value
     * @param timeToLive how long the key lives from when the batch is written
     * @return this batch
     * @throws IllegalArgumentException if {@code timeToLive} is zero or negative, or the key is too long
     */
    public WriteBatch<V> put(byte[] key, V value, Duration timeToLive) {
        return add(KeyText.check(key).clone(), value, checkTimeToLive(timeToLive), null);
    }

    /**
     * Adds a put that expires at the instant {@code expiresAt}; an instant that has passed when the batch is written
     * leaves the key absent, as {@link KeyValueStore#put(String, Object, Instant)} does.
     *
     * @param key the key
     * @param value its new value
     * @param expiresAt when the key expires
     * @return this batch
     * @throws IllegalArgumentException if the key is too long or not Unicode text
     */
    public WriteBatch<V> put(String key, V value, Instant expiresAt) {
        return add(KeyText.encode(key), value, null, Objects.requireNonNull(expiresAt, "expiresAt"));
    }

    /**
     * Adds a put that expires at the instant {@code expiresAt}, as {@link #put(String, Object, Instant)} does.
     *
     * @param key the key's bytes, copied
     * @param value its new value
     * @param expiresAt when the key expires
     * @return this batch
     * @throws IllegalArgumentException if the key is too long
     */
    public WriteBatch<V> put(byte[] key, V value, Instant expiresAt) {
        return add(KeyText.check(key).clone(), value, null, Objects.requireNonNull(expiresAt, "expiresAt"));
    }

    /**
     * Adds a remove; removing a key that is absent when the batch is written does nothing.
     *
     * @param key the key
     * @return this batch
     * @throws IllegalArgumentException if the key is too long or not Unicode text
     */
    public WriteBatch<V> remove(String key) {
        operations.add(new Operation<>(KeyText.encode(key), null, null, null));
        return this;
    }

    /**
     * Adds a remove; removing a key that is absent when the batch is written does nothing.
     *
     * @param key the key's bytes, copied
     * @return this batch
     * @throws IllegalArgumentException if the key is too long
     */
    public WriteBatch<V> remove(byte[] key) {
        operations.add(new Operation<>(KeyText.check(key).clone(), null, null, null));
        return this;
    }

    private WriteBatch<V> add(byte[] key, V value, Duration timeToLive, Instant expiresAt) {
        operations.add(new Operation<>(key, Objects.requireNonNull(value, "value"), timeToLive, expiresAt));
        return this;
    }

    private static Duration checkTimeToLive(Duration timeToLive) {
        Objects.requireNonNull(timeToLive, "timeToLive");
        if (timeToLive.isNegative() || timeToLive.isZero()) {
            throw new IllegalArgumentException("timeToLive must be positive, was " + timeToLive);
        }
        return timeToLive;
    }

    /** {@return the operations, in the order they were added; a read-only view} */
    public List<Operation<V>> operations() {
        return Collections.unmodifiableList(operations);
    }

    /** {@return the number of operations added since the batch was created or cleared} */
    public int size() {
        return operations.size();
    }

    /** {@return true if the batch holds no operation} */
    public boolean isEmpty() {
        return operations.isEmpty();
    }

    /** Removes every operation, so the batch can be filled again. */
    public void clear() {
        operations.clear();
    }

    @Override
    public String toString() {
        return "WriteBatch" + operations;
    }
}
