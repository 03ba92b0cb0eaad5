package io.viperdb.engine.store;

import io.viperdb.CodecException;
import io.viperdb.KeyValueStore;
import io.viperdb.ReclaimResult;
import io.viperdb.StoreStats;
import io.viperdb.VerifyReport;
import io.viperdb.WriteBatch;
import io.viperdb.engine.format.Keys;
import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.store.ByteStore.Change;
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
 * <p>Every method first refuses a call from inside a function that an atomic operation runs under the write lock
 * ({@link ByteStore#refuseCallFromUpdate}). The atomic operations are each a {@link ByteStore.Decision}: what to write
 * given the key's decoded value; values known before the call are encoded before the lock is taken.
 */
final class CodecStore<V> implements KeyValueStore<V> {

    private final ByteStore store;
    private final ValueCodec<V> codec;
    private final BiFunction<String, ByteBuffer, V> decoder = this::decode;

    CodecStore(ByteStore store, ValueCodec<V> codec) {
        this.store = store;
        this.codec = codec;
    }

    @Override
    public V get(String key) {
        store.refuseCallFromUpdate();
        return store.read(key, Keys.encode(key), decoder);
    }

    @Override
    public void put(String key, V value) {
        store.refuseCallFromUpdate();
        byte[] keyBytes = Keys.encode(key);
        store.refuseIfReadOnly("put");
        store.put(key, keyBytes, encode(value), null);
    }

    @Override
    public void put(String key, V value, Duration timeToLive) {
        store.refuseCallFromUpdate();
        byte[] keyBytes = Keys.encode(key);
        store.refuseIfReadOnly("put");
        checkTimeToLive(timeToLive);
        store.put(key, keyBytes, encode(value), timeToLive);
    }

    @Override
    public void write(WriteBatch<V> batch) {
        store.refuseCallFromUpdate();
        store.refuseIfReadOnly("write");
        List<BatchEntry> entries = new ArrayList<>(batch.size());
        for (WriteBatch.Operation<V> operation : batch.operations()) {
            byte[] keyBytes = Keys.encode(operation.key());
            byte[] value = operation.isRemove() ? null : encode(operation.value());
            long expiry = operation.expiresAt() == null ? RecordHeader.NO_EXPIRY
                    : ByteStore.expiryAt(operation.expiresAt());
            entries.add(new BatchEntry(operation.key(), keyBytes, value, operation.timeToLive(), expiry));
        }
        store.ensureOpen();
        if (!entries.isEmpty()) {
            store.write(entries);
        }
    }

    @Override
    public boolean remove(String key) {
        store.refuseCallFromUpdate();
        byte[] keyBytes = Keys.encode(key);
        store.refuseIfReadOnly("remove");
        return store.remove(keyBytes);
    }

    @Override
    public boolean containsKey(String key) {
        store.refuseCallFromUpdate();
        return store.contains(Keys.encode(key));
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
    public void put(String key, V value, Instant expiresAt) {
        store.refuseCallFromUpdate();
        byte[] keyBytes = Keys.encode(key);
        store.refuseIfReadOnly("put");
        Objects.requireNonNull(expiresAt, "expiresAt");
        store.putUntil(key, keyBytes, encode(value), ByteStore.expiryAt(expiresAt));
    }

    @Override
    public Optional<Instant> expiresAt(String key) {
        store.refuseCallFromUpdate();
        OptionalLong expiry = store.expiry(Keys.encode(key));
        return expiry.isPresent() ? Optional.of(Instant.ofEpochMilli(expiry.getAsLong())) : Optional.empty();
    }

    @Override
    public V putIfAbsent(String key, V value) {
        store.refuseCallFromUpdate();
        byte[] keyBytes = Keys.encode(key);
        byte[] bytes = encode(value);
        return update("putIfAbsent", key, keyBytes, (current, now) -> current != null ? Change.none(current)
                : Change.put(null, bytes, RecordHeader.NO_EXPIRY));
    }

    @Override
    public V putIfAbsent(String key, V value, Duration timeToLive) {
        store.refuseCallFromUpdate();
        byte[] keyBytes = Keys.encode(key);
        checkTimeToLive(timeToLive);
        byte[] bytes = encode(value);
        return update("putIfAbsent", key, keyBytes, (current, now) -> current != null ? Change.none(current)
                : Change.put(null, bytes, ByteStore.expiryAfter(now, timeToLive)));
    }

    @Override
    public V replace(String key, V value) {
        store.refuseCallFromUpdate();
        byte[] keyBytes = Keys.encode(key);
        byte[] bytes = encode(value);
        return update("replace", key, keyBytes, (current, now) -> current == null ? Change.none(null)
                : Change.put(current, bytes, RecordHeader.NO_EXPIRY));
    }

    @Override
    public boolean replace(String key, V expected, V value) {
        store.refuseCallFromUpdate();
        byte[] keyBytes = Keys.encode(key);
        Objects.requireNonNull(expected, "expected");
        byte[] bytes = encode(value);
        return update("replace", key, keyBytes, (current, now) -> Objects.equals(current, expected)
                ? Change.put(true, bytes, RecordHeader.NO_EXPIRY) : Change.none(false));
    }

    @Override
    public boolean replace(String key, V expected, V value, Duration timeToLive) {
        store.refuseCallFromUpdate();
        byte[] keyBytes = Keys.encode(key);
        Objects.requireNonNull(expected, "expected");
        checkTimeToLive(timeToLive);
        byte[] bytes = encode(value);
        return update("replace", key, keyBytes, (current, now) -> Objects.equals(current, expected)
                ? Change.put(true, bytes, ByteStore.expiryAfter(now, timeToLive)) : Change.none(false));
    }

    @Override
    public boolean remove(String key, V expected) {
        store.refuseCallFromUpdate();
        byte[] keyBytes = Keys.encode(key);
        Objects.requireNonNull(expected, "expected");
        return update("remove", key, keyBytes, (current, now) -> Objects.equals(current, expected) ? Change.removal(true)
                : Change.none(false));
    }

    @Override
    public V getAndRemove(String key) {
        store.refuseCallFromUpdate();
        byte[] keyBytes = Keys.encode(key);
        return update("getAndRemove", key, keyBytes, (current, now) -> current == null ? Change.none(null)
                : Change.removal(current));
    }

    @Override
    public V compute(String key, BiFunction<? super String, ? super V, ? extends V> function) {
        store.refuseCallFromUpdate();
        byte[] keyBytes = Keys.encode(key);
        Objects.requireNonNull(function, "function");
        return update("compute", key, keyBytes, (current, now) -> write(current, function.apply(key, current)));
    }

    @Override
    public V computeIfAbsent(String key, Function<? super String, ? extends V> function) {
        store.refuseCallFromUpdate();
        byte[] keyBytes = Keys.encode(key);
        Objects.requireNonNull(function, "function");
        return update("computeIfAbsent", key, keyBytes, (current, now) -> current != null ? Change.none(current)
                : write(null, function.apply(key)));
    }

    @Override
    public V computeIfPresent(String key, BiFunction<? super String, ? super V, ? extends V> function) {
        store.refuseCallFromUpdate();
        byte[] keyBytes = Keys.encode(key);
        Objects.requireNonNull(function, "function");
        return update("computeIfPresent", key, keyBytes, (current, now) -> current == null ? Change.none(null)
                : write(current, function.apply(key, current)));
    }

    @Override
    public V merge(String key, V value, BiFunction<? super V, ? super V, ? extends V> function) {
        store.refuseCallFromUpdate();
        byte[] keyBytes = Keys.encode(key);
        Objects.requireNonNull(function, "function");
        byte[] bytes = encode(value);
        return update("merge", key, keyBytes, (current, now) -> current == null
                ? Change.put(value, bytes, RecordHeader.NO_EXPIRY) : write(current, function.apply(current, value)));
    }

    /** Runs an atomic operation (see {@link ByteStore#update}), once a read-only store has refused it. */
    private <R> R update(String operation, String key, byte[] keyBytes, ByteStore.Decision<V, R> decision) {
        store.refuseIfReadOnly(operation);
        return store.update(operation, key, keyBytes, decoder, decision);
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
    private V decode(String key, ByteBuffer bytes) {
        try {
            return codec.decode(bytes);
        } catch (RuntimeException e) {
            throw new CodecException(codec.name(), "Codec '" + codec.name() + "' cannot decode the value of key \""
                    + key + "\" in " + store.directory() + " (its bytes pass their checksum): " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "ViperDB store at " + store.directory() + " (codec " + codec.name() + ")";
    }
}
