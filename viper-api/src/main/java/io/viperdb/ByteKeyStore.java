package io.viperdb;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * A store seen with byte keys: the same keys, values and files as the {@link KeyValueStore} it comes from
 * ({@link KeyValueStore#byteKeys()}), but any sequence of 0 to {@link KeyValueStore#MAX_KEY_BYTES} bytes is a key.
 * A {@code String} key is the key made of its UTF-8 bytes, so both faces read and write the same entries:
 *
 * <pre>{@code
 * try (KeyValueStore<byte[]> store = KeyValueStore.open(dir, StoreOptions.builder().codec("bytes").build())) {
 *     ByteKeyStore<byte[]> raw = store.byteKeys();
 *     raw.put(new byte[] {0, (byte) 0xFF}, payload);
 *     try (Cursor<byte[], byte[]> cursor = raw.scan(KeyRange.prefix(new byte[] {0}))) {
 *         cursor.forEachRemaining(entry -> handle(entry.getKey(), entry.getValue()));
 *     }
 * }
 * }</pre>
 *
 * <p>Values go through the store's codec as with {@code String} keys; a store opened with the {@code bytes} codec
 * ({@link io.viperdb.spi.BytesCodec}) has raw byte values. Every method behaves as the {@link KeyValueStore} method
 * of the same name (threads, atomicity, durability, errors, expiry); keys are copied when given and handed out as
 * new arrays. A {@link WriteBatch} may hold byte keys and {@code String} keys together. Closing the store closes this
 * face: it has no {@code close} of its own.
 *
 * @param <V> the type of the values
 */
public interface ByteKeyStore<V> {

    /**
     * {@return the value of {@code key}, or null if it is absent or expired}
     *
     * @param key the key
     */
    V get(byte[] key);

    /**
     * {@return true if {@code key} is present and not expired}
     *
     * @param key the key
     */
    boolean containsKey(byte[] key);

    /**
     * {@return when {@code key} expires; empty if it has no expiry, or is absent or expired}
     *
     * @param key the key
     */
    Optional<Instant> expiresAt(byte[] key);

    /**
     * Stores {@code value} under {@code key} with no expiry.
     *
     * @param key the key
     * @param value its new value
     */
    void put(byte[] key, V value);

    /**
     * Stores {@code value} under {@code key} until {@code timeToLive} has passed.
     *
     * @param key the key
     * @param value its new value
     * @param timeToLive how long it lives; positive
     */
    void put(byte[] key, V value, Duration timeToLive);

    /**
     * Stores {@code value} under {@code key} until {@code expiresAt}.
     *
     * @param key the key
     * @param value its new value
     * @param expiresAt when it expires; a time already past removes the key
     */
    void put(byte[] key, V value, Instant expiresAt);

    /**
     * Stores {@code value} unless {@code key} is present, atomically.
     *
     * @param key the key
     * @param value its value if absent
     * @return the present value, or null if {@code value} was stored
     */
    V putIfAbsent(byte[] key, V value);

    /**
     * Replaces the value of {@code key} if it is {@code expected} (compared with {@code equals} of decoded values),
     * atomically.
     *
     * @param key the key
     * @param expected the value it must have
     * @param value its new value
     * @return true if it was replaced
     */
    boolean replace(byte[] key, V expected, V value);

    /**
     * {@return true if {@code key} was live and is now removed}
     *
     * @param key the key
     */
    boolean remove(byte[] key);

    /**
     * Removes {@code key} if its value is {@code expected}, atomically.
     *
     * @param key the key
     * @param expected the value it must have
     * @return true if it was removed
     */
    boolean remove(byte[] key, V expected);

    /**
     * Removes {@code key} and returns the value it had, atomically.
     *
     * @param key the key
     * @return its value, or null if it was absent or expired
     */
    V getAndRemove(byte[] key);

    /**
     * Computes the new value of {@code key} from its present one (null if absent), atomically, as
     * {@link KeyValueStore#compute} does: a null result removes the key.
     *
     * @param key the key
     * @param function the new value from the key (a copy) and its present value; must not call the store
     * @return the new value, or null
     */
    V compute(byte[] key, BiFunction<? super byte[], ? super V, ? extends V> function);

    /**
     * Applies every operation of {@code batch} atomically, as {@link KeyValueStore#write} does.
     *
     * @param batch the puts and removes, with byte or {@code String} keys
     */
    void write(WriteBatch<V> batch);

    /** {@return the number of live keys, as {@link KeyValueStore#size()}} */
    long size();

    /**
     * {@return a cursor over the live keys of {@code range}, in unsigned byte order}
     *
     * @param range the keys to visit
     */
    default Cursor<byte[], V> scan(KeyRange range) {
        return scan(range, Direction.FORWARD);
    }

    /**
     * Returns a cursor over the live keys of {@code range}, in unsigned byte order ({@link KeyRange#compare}) or its
     * reverse. The store keeps its keys in that order as it writes them, so a scan does not sort: it starts at the
     * range's first key (or last, in reverse) and reads only the keys it returns. See {@link Cursor} for what a scan
     * sees of concurrent writes.
     *
     * @param range the keys to visit
     * @param direction forward or reverse
     * @return an open cursor; close it
     */
    Cursor<byte[], V> scan(KeyRange range, Direction direction);

    /** {@return the store with {@code String} keys that this face belongs to} */
    KeyValueStore<V> store();
}
