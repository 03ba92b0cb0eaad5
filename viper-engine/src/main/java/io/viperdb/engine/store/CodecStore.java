package io.viperdb.engine.store;

import io.viperdb.ByteKeyStore;
import io.viperdb.CodecException;
import io.viperdb.Cursor;
import io.viperdb.Direction;
import io.viperdb.KeyRange;
import io.viperdb.KeyValueStore;
import io.viperdb.ReclaimResult;
import io.viperdb.StoreStats;
import io.viperdb.VerifyReport;
import io.viperdb.WriteBatch;
import io.viperdb.engine.format.Keys;
import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.store.ByteStore.Change;
import io.viperdb.spi.KeyText;
import io.viperdb.spi.ValueCodec;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The public store: the {@link KeyValueStore} that applications hold. It checks arguments, turns values into bytes
 * and back with the store's codec, and hands the bytes to its core, the {@link ByteStore}.
 *
 * <p>Its {@code String} methods turn the key into its UTF-8 bytes and call the method of the same name that takes key
 * bytes; those are also the methods of its {@link ByteKeyFace}. Every method first refuses a call from inside a function that an atomic operation runs under the write lock
 * ({@link ByteStore#refuseCallFromUpdate}). The atomic operations are each a {@link ByteStore.Decision}: what to write
 * given the key's decoded value; values known before the call are encoded before the lock is taken.
 */
final class CodecStore<V> implements KeyValueStore<V> {

    private final ByteStore store;
    private final ValueCodec<V> codec;
    private final BiFunction<byte[], ByteBuffer, V> decoder = this::decode;
    private final ByteKeyFace<V> byteKeys = new ByteKeyFace<>(this);

    CodecStore(ByteStore store, ValueCodec<V> codec) {
        this.store = store;
        this.codec = codec;
    }

    @Override
    public V get(String key) {
        return get(Keys.encode(key));
    }

    V get(byte[] keyBytes) {
        store.refuseCallFromUpdate();
        return store.read(keyBytes, decoder);
    }

    @Override
    public void put(String key, V value) {
        put(Keys.encode(key), value);
    }

    void put(byte[] keyBytes, V value) {
        store.refuseCallFromUpdate();
        store.refuseIfReadOnly("put");
        store.put(keyBytes, encode(value), null);
    }

    @Override
    public void put(String key, V value, Duration timeToLive) {
        put(Keys.encode(key), value, timeToLive);
    }

    void put(byte[] keyBytes, V value, Duration timeToLive) {
        store.refuseCallFromUpdate();
        store.refuseIfReadOnly("put");
        checkTimeToLive(timeToLive);
        store.put(keyBytes, encode(value), timeToLive);
    }

    @Override
    public void put(String key, V value, Instant expiresAt) {
        put(Keys.encode(key), value, expiresAt);
    }

    void put(byte[] keyBytes, V value, Instant expiresAt) {
        store.refuseCallFromUpdate();
        store.refuseIfReadOnly("put");
        Objects.requireNonNull(expiresAt, "expiresAt");
        store.putUntil(keyBytes, encode(value), ByteStore.expiryAt(expiresAt));
    }

    @Override
    public Optional<Instant> expiresAt(String key) {
        return expiresAt(Keys.encode(key));
    }

    Optional<Instant> expiresAt(byte[] keyBytes) {
        store.refuseCallFromUpdate();
        OptionalLong expiry = store.expiry(keyBytes);
        return expiry.isPresent() ? Optional.of(Instant.ofEpochMilli(expiry.getAsLong())) : Optional.empty();
    }

    @Override
    public void write(WriteBatch<V> batch) {
        store.refuseCallFromUpdate();
        store.refuseIfReadOnly("write");
        List<BatchEntry> entries = new ArrayList<>(batch.size());
        for (WriteBatch.Operation<V> operation : batch.operations()) {
            byte[] value = operation.isRemove() ? null : encode(operation.value());
            long expiry = operation.expiresAt() == null ? RecordHeader.NO_EXPIRY
                    : ByteStore.expiryAt(operation.expiresAt());
            entries.add(new BatchEntry(operation.key(), value, operation.timeToLive(), expiry));
        }
        store.ensureOpen();
        if (!entries.isEmpty()) {
            store.write(entries);
        }
    }

    @Override
    public boolean remove(String key) {
        return remove(Keys.encode(key));
    }

    boolean remove(byte[] keyBytes) {
        store.refuseCallFromUpdate();
        store.refuseIfReadOnly("remove");
        return store.remove(keyBytes);
    }

    @Override
    public boolean containsKey(String key) {
        return containsKey(Keys.encode(key));
    }

    boolean containsKey(byte[] keyBytes) {
        store.refuseCallFromUpdate();
        return store.contains(keyBytes);
    }

    @Override
    public long size() {
        store.refuseCallFromUpdate();
        return store.size();
    }

    @Override
    public Set<String> keys() {
        store.refuseCallFromUpdate();
        return store.keys();
    }

    @Override
    public Cursor<String, V> scan(KeyRange range, Direction direction) {
        return scan(range, direction, KeyText::decode);
    }

    /** A scan whose keys are shown as {@code shown} makes them (null: skipped). */
    <K> Cursor<K, V> scan(KeyRange range, Direction direction, Function<byte[], K> shown) {
        store.refuseCallFromUpdate();
        Objects.requireNonNull(range, "range");
        Objects.requireNonNull(direction, "direction");
        return new StoreCursor<>(store, store.orderedKeys(range, direction), shown, decoder);
    }

    @Override
    public ByteKeyStore<V> byteKeys() {
        return byteKeys;
    }

    @Override
    public ReclaimResult reclaim() {
        store.refuseCallFromUpdate();
        store.refuseIfReadOnly("reclaim");
        return store.reclaim();
    }

    @Override
    public void flush() {
        store.refuseCallFromUpdate();
        store.refuseIfReadOnly("flush");
        store.flush();
    }

    @Override
    public VerifyReport verify() {
        store.refuseCallFromUpdate();
        return store.verify();
    }

    @Override
    public void backupTo(Path directory) {
        store.refuseCallFromUpdate();
        store.backupTo(Objects.requireNonNull(directory, "directory"));
    }

    @Override
    public StoreStats stats() {
        store.refuseCallFromUpdate();
        return store.stats(codec.name());
    }

    @Override
    public void sync() {
        store.refuseCallFromUpdate();
        store.refuseIfReadOnly("sync");
        store.sync();
    }

    @Override
    public void close() {
        store.refuseCallFromUpdate();
        store.close();
    }

    @Override
    public V putIfAbsent(String key, V value) {
        return putIfAbsent(Keys.encode(key), value);
    }

    V putIfAbsent(byte[] keyBytes, V value) {
        store.refuseCallFromUpdate();
        byte[] bytes = encode(value);
        return update("putIfAbsent", keyBytes, (current, now) -> current != null ? Change.none(current)
                : Change.put(null, bytes, RecordHeader.NO_EXPIRY));
    }

    @Override
    public V putIfAbsent(String key, V value, Duration timeToLive) {
        store.refuseCallFromUpdate();
        byte[] keyBytes = Keys.encode(key);
        checkTimeToLive(timeToLive);
        byte[] bytes = encode(value);
        return update("putIfAbsent", keyBytes, (current, now) -> current != null ? Change.none(current)
                : Change.put(null, bytes, ByteStore.expiryAfter(now, timeToLive)));
    }

    @Override
    public V replace(String key, V value) {
        store.refuseCallFromUpdate();
        byte[] keyBytes = Keys.encode(key);
        byte[] bytes = encode(value);
        return update("replace", keyBytes, (current, now) -> current == null ? Change.none(null)
                : Change.put(current, bytes, RecordHeader.NO_EXPIRY));
    }

    @Override
    public boolean replace(String key, V expected, V value) {
        return replace(Keys.encode(key), expected, value);
    }

    boolean replace(byte[] keyBytes, V expected, V value) {
        store.refuseCallFromUpdate();
        Objects.requireNonNull(expected, "expected");
        byte[] bytes = encode(value);
        return update("replace", keyBytes, (current, now) -> Objects.equals(current, expected)
                ? Change.put(true, bytes, RecordHeader.NO_EXPIRY) : Change.none(false));
    }

    @Override
    public boolean replace(String key, V expected, V value, Duration timeToLive) {
        store.refuseCallFromUpdate();
        byte[] keyBytes = Keys.encode(key);
        Objects.requireNonNull(expected, "expected");
        checkTimeToLive(timeToLive);
        byte[] bytes = encode(value);
        return update("replace", keyBytes, (current, now) -> Objects.equals(current, expected)
                ? Change.put(true, bytes, ByteStore.expiryAfter(now, timeToLive)) : Change.none(false));
    }

    @Override
    public boolean remove(String key, V expected) {
        return remove(Keys.encode(key), expected);
    }

    boolean remove(byte[] keyBytes, V expected) {
        store.refuseCallFromUpdate();
        Objects.requireNonNull(expected, "expected");
        return update("remove", keyBytes, (current, now) -> Objects.equals(current, expected) ? Change.removal(true)
                : Change.none(false));
    }

    @Override
    public V getAndRemove(String key) {
        return getAndRemove(Keys.encode(key));
    }

    V getAndRemove(byte[] keyBytes) {
        store.refuseCallFromUpdate();
        return update("getAndRemove", keyBytes, (current, now) -> current == null ? Change.none(null)
                : Change.removal(current));
    }

    @Override
    public V compute(String key, BiFunction<? super String, ? super V, ? extends V> function) {
        store.refuseCallFromUpdate();
        byte[] keyBytes = Keys.encode(key);
        Objects.requireNonNull(function, "function");
        return update("compute", keyBytes, (current, now) -> write(current, function.apply(key, current)));
    }

    V compute(byte[] keyBytes, BiFunction<? super byte[], ? super V, ? extends V> function) {
        store.refuseCallFromUpdate();
        Objects.requireNonNull(function, "function");
        return update("compute", keyBytes, (current, now) -> write(current,
                function.apply(keyBytes.clone(), current)));
    }

    @Override
    public V computeIfAbsent(String key, Function<? super String, ? extends V> function) {
        store.refuseCallFromUpdate();
        byte[] keyBytes = Keys.encode(key);
        Objects.requireNonNull(function, "function");
        return update("computeIfAbsent", keyBytes, (current, now) -> current != null ? Change.none(current)
                : write(null, function.apply(key)));
    }

    @Override
    public V computeIfPresent(String key, BiFunction<? super String, ? super V, ? extends V> function) {
        store.refuseCallFromUpdate();
        byte[] keyBytes = Keys.encode(key);
        Objects.requireNonNull(function, "function");
        return update("computeIfPresent", keyBytes, (current, now) -> current == null ? Change.none(null)
                : write(current, function.apply(key, current)));
    }

    @Override
    public V merge(String key, V value, BiFunction<? super V, ? super V, ? extends V> function) {
        store.refuseCallFromUpdate();
        byte[] keyBytes = Keys.encode(key);
        Objects.requireNonNull(function, "function");
        byte[] bytes = encode(value);
        return update("merge", keyBytes, (current, now) -> current == null
                ? Change.put(value, bytes, RecordHeader.NO_EXPIRY) : write(current, function.apply(current, value)));
    }

    /** Runs an atomic operation (see {@link ByteStore#update}), once a read-only store has refused it. */
    private <R> R update(String operation, byte[] keyBytes, ByteStore.Decision<V, R> decision) {
        store.refuseIfReadOnly(operation);
        return store.update(operation, keyBytes, decoder, decision);
    }

    /**
     * The change that makes a function's {@code next} value the key's: a put of it with no expiry, or a removal of the
     * {@code current} value when it is null (nothing, if there is none). Encoded under the write lock, since the value
     * is known only there.
     */
    private Change<V> write(V current, V next) {
        if (next == null) {
            return current == null ? Change.none(null) : Change.removal(null);
        }
        return Change.put(next, encode(next), RecordHeader.NO_EXPIRY);
    }

    private static void checkTimeToLive(Duration timeToLive) {
        Objects.requireNonNull(timeToLive, "timeToLive");
        if (timeToLive.isNegative() || timeToLive.isZero()) {
            throw new IllegalArgumentException("timeToLive must be positive, was " + timeToLive);
        }
    }

    private byte[] encode(V value) {
        Objects.requireNonNull(value, "value");
        store.ensureOpen();
        byte[] bytes;
        try {
            bytes = codec.encode(value);
        } catch (RuntimeException e) {
            throw new CodecException(codec.name(), "Codec '" + codec.name() + "' cannot encode a value of type "
                    + value.getClass().getName() + ": " + e.getMessage(), e);
        }
        if (bytes == null) {
            throw new CodecException(codec.name(), "Codec '" + codec.name() + "' returned null for a value of type "
                    + value.getClass().getName());
        }
        if (bytes.length > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("Codec '" + codec.name() + "' encoded a value of type "
                    + value.getClass().getName() + " into " + bytes.length + " bytes; the maximum is "
                    + MAX_VALUE_BYTES);
        }
        return bytes;
    }

    /**
     * Decodes a value read from the store. {@code bytes} is a view of the memory mapping that is valid only until the
     * codec returns: once the store unmaps the file (a reclaim deleted it, or the store closed), reading a view kept
     * past that would throw on JDK 22 and later and could crash the JVM on JDK 17, which is why the codec contract
     * forbids keeping it.
     */
    private V decode(byte[] keyBytes, ByteBuffer bytes) {
        try {
            return codec.decode(bytes);
        } catch (RuntimeException e) {
            throw new CodecException(codec.name(), "Codec '" + codec.name() + "' cannot decode the value of key "
                    + KeyText.describe(keyBytes) + " in " + store.directory() + " (its bytes pass their checksum): "
                    + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "ViperDB store at " + store.directory() + " (codec " + codec.name() + ")";
    }
}
