package io.viperdb;

import java.time.Duration;
import java.time.Instant;
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
 * Null keys and values and non-positive times to live are refused when added; keys that are too long, and values the
 * codec cannot encode, are refused by {@code write}, which then writes nothing. Not thread-safe.
 *
 * @param <V> the type of the values
 */
public final class WriteBatch<V> {

    /**
     * One operation of a batch.
     *
     * @param key the key
     * @param value the value to put, or null for a remove
     * @param timeToLive how long a put lives, or null (always null for a remove, and for a put with
     *     {@code expiresAt})
     * @param expiresAt when a put expires, or null (always null for a remove, and for a put with {@code timeToLive})
     */
    public record Operation<V>(String key, V value, Duration timeToLive, Instant expiresAt) {

        /** {@return true for a remove, false for a put} */
        public boolean isRemove() {
            return value == null;
        }
    }

    private final List<Operation<V>> operations = new ArrayList<>();

    /**
     * Adds a put with no expiry.
     *
     * @param key the key
     * @param value its new value
     * @return this batch
     */
    public WriteBatch<V> put(String key, V value) {
        operations.add(new Operation<>(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"),
                null, null));
        return this;
    }

    /**
     * Adds a put that expires after {@code timeToLive}, counted from when the batch is written.
     *
     * @param key the key
     * @param value its new value
     * @param timeToLive how long the key lives from when the batch is written
     * @return this batch
     * @throws IllegalArgumentException if {@code timeToLive} is zero or negative
     */
    public WriteBatch<V> put(String key, V value, Duration timeToLive) {
        Objects.requireNonNull(timeToLive, "timeToLive");
        if (timeToLive.isNegative() || timeToLive.isZero()) {
            throw new IllegalArgumentException("timeToLive must be positive, was " + timeToLive);
        }
        operations.add(new Operation<>(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"),
                timeToLive, null));
        return this;
    }

    /**
     * Adds a put that expires at the instant {@code expiresAt}; an instant that has passed when the batch is written
     * leaves the key absent, as {@link KeyValueStore#put(String, Object, Instant)} does.
     *
     * @param key the key
     * @param value its new value
     * @param expiresAt when the key expires
     * @return this batch
     */
    public WriteBatch<V> put(String key, V value, Instant expiresAt) {
        operations.add(new Operation<>(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"),
                null, Objects.requireNonNull(expiresAt, "expiresAt")));
        return this;
    }

    /**
     * Adds a remove; removing a key that is absent when the batch is written does nothing.
     *
     * @param key the key
     * @return this batch
     */
    public WriteBatch<V> remove(String key) {
        operations.add(new Operation<>(Objects.requireNonNull(key, "key"), null, null, null));
        return this;
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
