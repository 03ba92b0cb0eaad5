package io.viperdb.engine.store;

import io.viperdb.CodecException;
import io.viperdb.KeyValueStore;
import io.viperdb.ReclaimResult;
import io.viperdb.StoreStats;
import io.viperdb.VerifyReport;
import io.viperdb.WriteBatch;
import io.viperdb.engine.format.Keys;
import io.viperdb.spi.ValueCodec;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The public store: the {@link KeyValueStore} that applications hold. It checks arguments, turns values into bytes
 * and back with the store's codec, and hands the bytes to its core, the {@link ByteStore}.
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
        return store.read(key, Keys.encode(key), decoder);
    }

    @Override
    public void put(String key, V value) {
        byte[] keyBytes = Keys.encode(key);
        store.refuseIfReadOnly("put");
        store.put(key, keyBytes, encode(value), null);
    }

    @Override
    public void put(String key, V value, Duration timeToLive) {
        byte[] keyBytes = Keys.encode(key);
        store.refuseIfReadOnly("put");
        Objects.requireNonNull(timeToLive, "timeToLive");
        if (timeToLive.isNegative() || timeToLive.isZero()) {
            throw new IllegalArgumentException("timeToLive must be positive, was " + timeToLive);
        }
        store.put(key, keyBytes, encode(value), timeToLive);
    }

    @Override
    public void write(WriteBatch<V> batch) {
        store.refuseIfReadOnly("write");
        List<BatchEntry> entries = new ArrayList<>(batch.size());
        for (WriteBatch.Operation<V> operation : batch.operations()) {
            byte[] keyBytes = Keys.encode(operation.key());
            byte[] value = operation.isRemove() ? null : encode(operation.value());
            entries.add(new BatchEntry(operation.key(), keyBytes, value, operation.timeToLive()));
        }
        store.ensureOpen();
        if (!entries.isEmpty()) {
            store.write(entries);
        }
    }

    @Override
    public boolean remove(String key) {
        byte[] keyBytes = Keys.encode(key);
        store.refuseIfReadOnly("remove");
        return store.remove(keyBytes);
    }

    @Override
    public boolean containsKey(String key) {
        return store.contains(Keys.encode(key));
    }

    @Override
    public long size() {
        return store.size();
    }

    @Override
    public Set<String> keys() {
        return store.keys();
    }

    @Override
    public ReclaimResult reclaim() {
        store.refuseIfReadOnly("reclaim");
        return store.reclaim();
    }

    @Override
    public void flush() {
        store.refuseIfReadOnly("flush");
        store.flush();
    }

    @Override
    public VerifyReport verify() {
        return store.verify();
    }

    @Override
    public void backupTo(Path directory) {
        store.backupTo(Objects.requireNonNull(directory, "directory"));
    }

    @Override
    public StoreStats stats() {
        return store.stats(codec.name());
    }

    @Override
    public void sync() {
        store.refuseIfReadOnly("sync");
        store.sync();
    }

    @Override
    public void close() {
        store.close();
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
