package io.viperdb.engine.store;

import io.viperdb.ByteKeyStore;
import io.viperdb.Cursor;
import io.viperdb.Direction;
import io.viperdb.KeyRange;
import io.viperdb.KeyValueStore;
import io.viperdb.WriteBatch;
import io.viperdb.spi.KeyText;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The store with byte keys ({@link KeyValueStore#byteKeys()}): each method checks the key and calls the
 * {@link CodecStore} method of the same name that takes key bytes, which its {@code String} methods call too. The key
 * bytes are handed to the store as given: it copies them into its write buffer and index, never keeping the array.
 */
final class ByteKeyFace<V> implements ByteKeyStore<V> {

    private final CodecStore<V> store;

    ByteKeyFace(CodecStore<V> store) {
        this.store = store;
    }

    @Override
    public V get(byte[] key) {
        return store.get(KeyText.check(key));
    }

    @Override
    public boolean containsKey(byte[] key) {
        return store.containsKey(KeyText.check(key));
    }

    @Override
    public Optional<Instant> expiresAt(byte[] key) {
        return store.expiresAt(KeyText.check(key));
    }

    @Override
    public void put(byte[] key, V value) {
        store.put(KeyText.check(key), value);
    }

    @Override
    public void put(byte[] key, V value, Duration timeToLive) {
        store.put(KeyText.check(key), value, timeToLive);
    }

    @Override
    public void put(byte[] key, V value, Instant expiresAt) {
        store.put(KeyText.check(key), value, expiresAt);
    }

    @Override
    public V putIfAbsent(byte[] key, V value) {
        return store.putIfAbsent(KeyText.check(key), value);
    }

    @Override
    public boolean replace(byte[] key, V expected, V value) {
        return store.replace(KeyText.check(key), expected, value);
    }

    @Override
    public boolean remove(byte[] key) {
        return store.remove(KeyText.check(key));
    }

    @Override
    public boolean remove(byte[] key, V expected) {
        return store.remove(KeyText.check(key), expected);
    }

    @Override
    public V getAndRemove(byte[] key) {
        return store.getAndRemove(KeyText.check(key));
    }

    @Override
    public V compute(byte[] key, BiFunction<? super byte[], ? super V, ? extends V> function) {
        return store.compute(KeyText.check(key), function);
    }

    @Override
    public void write(WriteBatch<V> batch) {
        store.write(batch);
    }

    @Override
    public long size() {
        return store.size();
    }

    @Override
    public Cursor<byte[], V> scan(KeyRange range, Direction direction) {
        return store.scan(range, direction, key -> key);
    }

    @Override
    public KeyValueStore<V> store() {
        return store;
    }

    @Override
    public String toString() {
        return store + ", byte keys";
    }
}
