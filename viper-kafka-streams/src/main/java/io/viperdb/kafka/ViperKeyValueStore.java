package io.viperdb.kafka;

import io.viperdb.ByteKeyStore;
import io.viperdb.Cursor;
import io.viperdb.Direction;
import io.viperdb.KeyRange;
import io.viperdb.KeyValueStore;
import io.viperdb.StoreClosedException;
import io.viperdb.StoreLockedException;
import io.viperdb.StoreStats;
import io.viperdb.ViperException;
import io.viperdb.WriteBatch;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.LockException;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.errors.TaskCorruptedException;
import org.apache.kafka.streams.processor.BatchingStateRestoreCallback;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.TimestampedBytesStore;

/**
 * A Kafka Streams key-value store of bytes kept in a ViperDB store (codec {@code bytes}) in
 * {@code context.stateDir()/<name>}. User keys and the store's metadata live in separate key spaces ({@link KeySpace}).
 *
 * <p><b>Offsets.</b> The store manages its changelog offsets: {@link #commit(Map)} writes the offsets and the
 * {@link Position} as one atomic batch after the data they describe, then syncs, so after a crash the committed offsets
 * are never ahead of the data. A restart on the same directory resumes from {@link #committedOffset}.
 *
 * <p><b>Exactly once.</b> {@link #init} writes the status "open" and a clean {@link #close()} (nothing written since
 * the last commit) writes "closed". Under {@code exactly_once_v2}, a store whose status is "open" at init was not closed
 * cleanly and may hold writes past its committed offsets that Kafka's transaction aborted: {@code init} throws Kafka's
 * {@link TaskCorruptedException}, on which Kafka wipes the task's state and restores it from the changelog.
 *
 * <p>Thread-safe: the stream thread writes while interactive queries read. Iterators are closed with the store.
 */
final class ViperKeyValueStore implements org.apache.kafka.streams.state.KeyValueStore<Bytes, byte[]>,
        TimestampedBytesStore {

    private static final System.Logger LOG = System.getLogger(ViperKeyValueStore.class.getName());
    private static final byte[] OPEN = "open".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CLOSED = "closed".getBytes(StandardCharsets.UTF_8);
    /** Kafka's own words for a range whose ends are swapped, so that those who search their logs for it find it. */
    static final String INVALID_RANGE_WARNING = "Returning empty iterator for fetch with invalid key range: from > to. "
            + "This may be due to range arguments set in the wrong order, or serdes that don't preserve ordering when "
            + "lexicographically comparing the serialized bytes. Note that the built-in numerical serdes do not "
            + "follow this for negative numbers";

    private final String name;
    private final Function<Map<String, Object>, StoreSettings> settingsFromConfig;
    private final Position position = Position.emptyPosition();
    private final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();
    private final Set<StoreIterator> iterators = ConcurrentHashMap.newKeySet();
    /** Held by a reclaim while it runs and by {@link #close()}: a store never closes under its reclaim. */
    private final Object reclaimLock = new Object();

    private StateStoreContext context;
    private StoreSettings settings;
    private volatile KeyValueStore<byte[]> store;
    private volatile ByteKeyStore<byte[]> keys;
    private volatile boolean open;
    /** Whether anything was written since the last commit (or since init); a close then leaves the status "open". */
    private volatile boolean uncommitted;
    /** Bytes of keys and values written since the last commit, for {@link #approximateNumUncommittedBytes()}. */
    private volatile long uncommittedBytes;
    /** Bytes written since a commit last looked at the dead space; guarded by the committing thread. */
    private long writtenSinceReclaimCheck;
    private volatile boolean reclaimQueued;

    /**
     * @param name the store's name, also the name of its directory under the task's state directory
     * @param settingsFromConfig the settings, from the app config's {@code viperdb.} keys (prefix removed) at init
     */
    ViperKeyValueStore(String name, Function<Map<String, Object>, StoreSettings> settingsFromConfig) {
        this.name = name;
        this.settingsFromConfig = settingsFromConfig;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        this.context = context;
        this.settings = settingsFromConfig.apply(context.appConfigsWithPrefix(StoreSettings.PREFIX));
        Path directory = context.stateDir().toPath().resolve(name);
        try {
            store = KeyValueStore.open(directory, settings.options());
        } catch (StoreLockedException e) {
            // Kafka retries a task whose state is still held, by another stream thread that has yet to close it.
            throw new LockException("State store " + name + " at " + directory + " is still open elsewhere", e);
        } catch (ViperException e) {
            throw new ProcessorStateException("Could not open state store " + name + " at " + directory, e);
        }
        keys = store.byteKeys();
        try {
            boolean cleanlyClosed = !Arrays.equals(keys.get(KeySpace.STATUS), OPEN);
            if (!cleanlyClosed && exactlyOnce(context)) {
                throw new TaskCorruptedException(Set.of(context.taskId()), new ProcessorStateException("State store "
                        + name + " at " + directory + " was not closed cleanly: under exactly-once it may hold "
                        + "writes past its committed offsets, so Kafka must wipe it and restore it"));
            }
            loadCommitted();
            // The position key is written now, so that the metadata keys are always the status, the position and
            // one per committed offset (approximateNumEntries counts on it).
            keys.write(new WriteBatch<byte[]>().put(KeySpace.STATUS, OPEN)
                    .put(KeySpace.POSITION, PositionFormat.encode(position)));
            open = true;
            context.register(root, (BatchingStateRestoreCallback) this::restoreAll);
        } catch (RuntimeException e) {
            open = false;
            store.close();
            throw e;
        }
    }

    private static boolean exactlyOnce(StateStoreContext context) {
        Object guarantee = context.appConfigs().get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG);
        return guarantee != null && !StreamsConfig.AT_LEAST_ONCE.equals(guarantee.toString());
    }

    private void loadCommitted() {
        try (Cursor<byte[], byte[]> cursor = keys.scan(KeySpace.ALL_OFFSETS)) {
            cursor.forEachRemaining(entry -> committed.put(KeySpace.partitionOf(entry.getKey()),
                    KeySpace.offsetOf(entry.getValue())));
        }
        byte[] stored = keys.get(KeySpace.POSITION);
        if (stored != null) {
            position.merge(PositionFormat.decode(stored));
        }
    }

    /** Writes one restored batch of the changelog atomically; a key may come several times (the last wins). */
    private void restoreAll(Collection<KeyValue<byte[], byte[]>> records) {
        WriteBatch<byte[]> batch = new WriteBatch<>();
        long bytes = 0;
        for (KeyValue<byte[], byte[]> record : records) {
            byte[] key = KeySpace.stored(Bytes.wrap(record.key));
            if (record.value == null) {
                batch.remove(key);
            } else {
                batch.put(key, record.value);
            }
            bytes += key.length + (record.value == null ? 0 : record.value.length);
        }
        write(() -> {
            keys.write(batch);
            return null;
        }, bytes, false);
    }

    @Override
    public void put(Bytes key, byte[] value) {
        byte[] stored = KeySpace.stored(key);
        write(() -> {
            if (value == null) {
                keys.remove(stored);
            } else {
                keys.put(stored, value);
            }
            return null;
        }, sizeOf(stored, value), true);
    }

    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
        byte[] stored = KeySpace.stored(key);
        if (value == null) {
            // Putting null deletes, and only an absent key takes the put: nothing to write.
            return read(() -> keys.get(stored));
        }
        return write(() -> keys.putIfAbsent(stored, value), sizeOf(stored, value), true);
    }

    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        WriteBatch<byte[]> batch = new WriteBatch<>();
        long bytes = 0;
        for (KeyValue<Bytes, byte[]> entry : entries) {
            byte[] stored = KeySpace.stored(entry.key);
            if (entry.value == null) {
                batch.remove(stored);
            } else {
                batch.put(stored, entry.value);
            }
            bytes += sizeOf(stored, entry.value);
        }
        write(() -> {
            keys.write(batch);
            return null;
        }, bytes, true);
    }

    @Override
    public byte[] delete(Bytes key) {
        byte[] stored = KeySpace.stored(key);
        return write(() -> keys.getAndRemove(stored), stored.length, true);
    }

    @Override
    public byte[] get(Bytes key) {
        byte[] stored = KeySpace.stored(key);
        return read(() -> keys.get(stored));
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        return range(from, to, Direction.FORWARD);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
        return range(from, to, Direction.REVERSE);
    }

    private KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to, Direction direction) {
        if (from != null && to != null && from.compareTo(to) > 0) {
            LOG.log(Level.WARNING, INVALID_RANGE_WARNING);
            return new EmptyIterator();
        }
        return scan(KeySpace.closed(from, to), direction);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        return scan(KeySpace.ALL_DATA, Direction.FORWARD);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseAll() {
        return scan(KeySpace.ALL_DATA, Direction.REVERSE);
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(P prefix, PS prefixKeySerializer) {
        Objects.requireNonNull(prefix, "prefix cannot be null");
        Objects.requireNonNull(prefixKeySerializer, "prefixKeySerializer cannot be null");
        return scan(KeySpace.prefix(prefixKeySerializer.serialize(null, prefix)), Direction.FORWARD);
    }

    private KeyValueIterator<Bytes, byte[]> scan(KeyRange range, Direction direction) {
        return read(() -> {
            StoreIterator iterator = new StoreIterator(name, keys.scan(range, direction), iterators::remove);
            iterators.add(iterator);
            if (!open) {
                // The store closed while the iterator was made, after it closed those it knew of.
                iterator.close();
            }
            return iterator;
        });
    }

    /** {@inheritDoc} The live keys less the store's own metadata (status, position, offsets). */
    @Override
    public long approximateNumEntries() {
        long metadata = 2 + committed.size();
        return Math.max(0, read(store::size) - metadata);
    }

    @Override
    public boolean persistent() {
        return true;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** {@inheritDoc} Always: the store keeps its changelog offsets with its data. */
    @Override
    @SuppressWarnings("deprecation")
    public boolean managesOffsets() {
        return true;
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
        return committed.get(partition);
    }

    /**
     * Writes {@code offsets} and the position as one atomic batch, after every write they describe, then syncs (or
     * flushes, with {@code viperdb.sync.on.commit=false}). An empty map removes every offset; a null offset removes
     * that partition's. Offsets are stored as given, Kafka's sentinels included.
     */
    @Override
    public void commit(Map<TopicPartition, Long> offsets) {
        WriteBatch<byte[]> batch = new WriteBatch<>();
        Set<TopicPartition> removed = offsets.isEmpty() ? Set.copyOf(committed.keySet()) : Set.of();
        removed.forEach(partition -> batch.remove(KeySpace.offset(partition)));
        offsets.forEach((partition, offset) -> {
            if (offset == null) {
                batch.remove(KeySpace.offset(partition));
            } else {
                batch.put(KeySpace.offset(partition), KeySpace.offsetValue(offset));
            }
        });
        synchronized (position) {
            batch.put(KeySpace.POSITION, PositionFormat.encode(position));
        }
        read(() -> {
            keys.write(batch);
            if (settings.syncOnCommit()) {
                store.sync();
            } else {
                store.flush();
            }
            return null;
        });
        removed.forEach(committed::remove);
        offsets.forEach((partition, offset) -> {
            if (offset == null) {
                committed.remove(partition);
            } else {
                committed.put(partition, offset);
            }
        });
        uncommitted = false;
        writtenSinceReclaimCheck += uncommittedBytes;
        uncommittedBytes = 0;
        considerReclaim();
    }

    /** Asks the shared thread for a reclaim when enough was written since the last look and the dead space is due. */
    private void considerReclaim() {
        if (!settings.reclaim().enabled() || reclaimQueued
                || writtenSinceReclaimCheck < settings.options().logFileSize()) {
            return;
        }
        writtenSinceReclaimCheck = 0;
        StoreStats stats = read(store::stats);
        if (settings.reclaim().due(stats.liveBytes() + stats.deadBytes(), stats.liveBytes())) {
            reclaimQueued = true;
            SharedReclaimer.submit(this::reclaim);
        }
    }

    private void reclaim() {
        synchronized (reclaimLock) {
            try {
                if (open) {
                    store.reclaim();
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Reclaim of state store " + name + " failed; the next commit may ask again", e);
            } finally {
                reclaimQueued = false;
            }
        }
    }

    @Override
    public long approximateNumUncommittedBytes() {
        return uncommittedBytes;
    }

    @Override
    public Position getPosition() {
        return position;
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return PositionQueries.run(query, positionBound, config, this, position, context.taskId().partition());
    }

    /**
     * Closes the iterators still open, waits for a reclaim under way, writes the status "closed" unless something was
     * written since the last commit, and closes the ViperDB store (which syncs). A second call does nothing.
     */
    @Override
    public void close() {
        if (!open) {
            return;
        }
        open = false;
        for (StoreIterator iterator : List.copyOf(iterators)) {
            iterator.close();
        }
        synchronized (reclaimLock) {
            try {
                if (!uncommitted) {
                    keys.put(KeySpace.STATUS, CLOSED);
                }
            } finally {
                store.close();
            }
        }
    }

    /** Runs a write, then moves the position to the record being processed; closed stores refuse it. */
    private <T> T write(Supplier<T> write, long bytes, boolean advance) {
        T result = read(write);
        uncommitted = true;
        uncommittedBytes += bytes;
        if (advance) {
            advance();
        }
        return result;
    }

    private void advance() {
        RecordMetadata record = context.recordMetadata().orElse(null);
        if (record != null && record.topic() != null) {
            synchronized (position) {
                position.withComponent(record.topic(), record.partition(), record.offset());
            }
        }
    }

    private <T> T read(Supplier<T> operation) {
        if (!open) {
            throw new InvalidStateStoreException("State store " + name + " is currently closed");
        }
        try {
            return operation.get();
        } catch (StoreClosedException e) {
            throw new InvalidStateStoreException("State store " + name + " is currently closed", e);
        }
    }

    private static long sizeOf(byte[] key, byte[] value) {
        return key.length + (value == null ? 0 : value.length);
    }

    /** The iterator of a range whose ends are swapped. */
    private static final class EmptyIterator implements KeyValueIterator<Bytes, byte[]> {
        @Override
        public boolean hasNext() {
            return false;
        }

        @Override
        public KeyValue<Bytes, byte[]> next() {
            throw new NoSuchElementException();
        }

        @Override
        public Bytes peekNextKey() {
            throw new NoSuchElementException();
        }

        @Override
        public void close() {
        }
    }
}
