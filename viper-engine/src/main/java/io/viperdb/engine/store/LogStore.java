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
 * The {@link KeyValueStore} that applications hold: checks arguments, turns values into bytes and back with the
 * store's codec, and hands the bytes to the {@link RecordStore}.
 */
final class LogStore<V> implements KeyValueStore<V> {

    private final RecordStore records;
    private final ValueCodec<V> codec;
    private final BiFunction<String, ByteBuffer, V> decoder = this::decode;

    LogStore(RecordStore records, ValueCodec<V> codec) {
        this.records = records;
        this.codec = codec;
    }

    @Override
    public V get(String key) {
        Keys.check(key);
        return records.read(key, decoder);
    }

    @Override
    public void put(String key, V value) {
        byte[] keyBytes = Keys.encode(key);
        records.refuseIfReadOnly("put");
        records.put(key, keyBytes, encode(value), null);
    }

    @Override
    public void put(String key, V value, Duration timeToLive) {
        byte[] keyBytes = Keys.encode(key);
        records.refuseIfReadOnly("put");
        Objects.requireNonNull(timeToLive, "timeToLive");
        if (timeToLive.isNegative() || timeToLive.isZero()) {
            throw new IllegalArgumentException("timeToLive must be positive, was " + timeToLive);
        }
        records.put(key, keyBytes, encode(value), timeToLive);
    }

    @Override
    public void write(WriteBatch<V> batch) {
        records.refuseIfReadOnly("write");
        List<BatchEntry> entries = new ArrayList<>(batch.size());
        for (WriteBatch.Operation<V> operation : batch.operations()) {
            byte[] keyBytes = Keys.encode(operation.key());
            byte[] value = operation.isRemove() ? null : encode(operation.value());
            entries.add(new BatchEntry(operation.key(), keyBytes, value, operation.timeToLive()));
        }
        records.ensureOpen();
        if (!entries.isEmpty()) {
            records.write(entries);
        }
    }

    @Override
    public boolean remove(String key) {
        byte[] keyBytes = Keys.encode(key);
        records.refuseIfReadOnly("remove");
        return records.remove(key, keyBytes);
    }

    @Override
    public boolean containsKey(String key) {
        Keys.check(key);
        return records.contains(key);
    }

    @Override
    public long size() {
        return records.size();
    }

    @Override
    public Set<String> keys() {
        return records.keys();
    }

    @Override
    public ReclaimResult reclaim() {
        records.refuseIfReadOnly("reclaim");
        return records.reclaim();
    }

    @Override
    public void flush() {
        records.refuseIfReadOnly("flush");
        records.flush();
    }

    @Override
    public VerifyReport verify() {
        return records.verify();
    }

    @Override
    public void backupTo(Path directory) {
        records.backupTo(Objects.requireNonNull(directory, "directory"));
    }

    @Override
    public StoreStats stats() {
        return records.stats(codec.name());
    }

    @Override
    public void sync() {
        records.refuseIfReadOnly("sync");
        records.sync();
    }

    @Override
    public void close() {
        records.close();
    }

    private byte[] encode(V value) {
        Objects.requireNonNull(value, "value");
        records.ensureOpen();
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
                    + key + "\" in " + records.directory() + " (its bytes pass their checksum): " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "ViperDB store at " + records.directory() + " (codec " + codec.name() + ")";
    }
}
