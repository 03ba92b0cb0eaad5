package io.viperdb.engine.store;

import io.viperdb.AutoReclaim;
import io.viperdb.Direction;
import io.viperdb.KeyRange;
import io.viperdb.KeyValueStore;
import io.viperdb.ReclaimResult;
import io.viperdb.StoreClosedException;
import io.viperdb.StoreIOException;
import io.viperdb.StoreReadOnlyException;
import io.viperdb.StoreStats;
import io.viperdb.SyncPolicy;
import io.viperdb.VerifyReport;
import io.viperdb.engine.format.FileHeader;
import io.viperdb.spi.KeyText;
import io.viperdb.engine.format.DataRecord;
import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.index.Entry;
import io.viperdb.engine.index.KeyDirectory;
import io.viperdb.engine.index.KeyScan;
import io.viperdb.engine.index.Place;
import io.viperdb.engine.log.Mapping;
import io.viperdb.engine.log.Segment;
import io.viperdb.engine.log.ValueLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The core of the store, beneath the codec of the public {@link CodecStore}: keys to byte values, in segments,
 * indexed in memory. Its methods are the store's operations. The parts it is made of each do one thing, and calls go
 * one way, from the store to its parts, never back:
 * <ul>
 *   <li>{@link WriteGate}: whether the store is open, read-only or refusing writes after an I/O failure (the
 *       write-failure latch), and the one way to run work under the write lock;</li>
 *   <li>{@link Syncer}: makes writes durable as the sync policy says, with its background syncs;</li>
 *   <li>{@link Reclaims}: runs reclaims one at a time, under the reclaim lock;</li>
 *   <li>{@link AutoReclaimer}: told of every change of the index ({@link IndexChanges}), it keeps the
 *       {@link LiveSpace} and reclaims when that calls for it.</li>
 * </ul>
 * Their threads are {@link BackgroundQueue}s, never interrupted. The constructor starts nothing: {@link #start()},
 * called by the opener, starts the background work.
 *
 * <p>Locks. A write takes the write lock. A read of a key takes no lock as a rule: the index reads under its sequence
 * lock (see {@link KeyDirectory}) and the value is read from the memory mapping. But a read of a record the active
 * value log has not yet handed to the operating system (still in the write buffer), or past its current mapping,
 * takes the write lock to flush and map it (see {@link ValueLog#enter}); so it waits for a write under way, and a
 * failed flush throws {@link StoreIOException} from the read. A read across keys ({@link #size()}, {@link #keys()},
 * stats) takes the write lock after a few tries that batches overlapped. Reclaim, verify, backup and close take the
 * reclaim lock first, then the write lock.
 */
final class ByteStore {

    private static final byte[] NO_VALUE = {};

    private final Path directory;
    private final KeyDirectory index;
    private final Segments segments;
    private final WriteGate gate;
    private final Clock clock;
    private final StoreLock lock;
    private final Syncer syncer;
    private final Reclaims reclaims;
    /** Null when the automatic reclaim is off. */
    private final AutoReclaimer autoReclaimer;
    /** Told of every change of the index: the automatic reclaim, or no one. */
    private final IndexChanges changes;
    private final Checkpointer checkpointer;
    /** What the index file on the device covers: a close that would write the same writes nothing. */
    private final SavedIndex.OnDevice indexFile;

    ByteStore(Path directory, KeyDirectory index, Segments segments, ReentrantLock writeLock, Clock clock,
            StoreLock lock, SyncPolicy syncPolicy, AutoReclaim autoReclaim, boolean readOnly,
            Checkpointer.Runner checkpoints, SavedIndex.OnDevice indexFile) {
        this.directory = directory;
        this.index = index;
        this.segments = segments;
        this.gate = new WriteGate(directory, writeLock, readOnly);
        this.clock = clock;
        this.lock = lock;
        this.syncer = new Syncer(gate, segments, syncPolicy);
        this.indexFile = indexFile;
        this.checkpointer = new Checkpointer(gate, segments, index, syncer, checkpoints, indexFile);
        this.reclaims = new Reclaims(gate, index, segments, clock, checkpointer::afterReclaim);
        // A read-only store writes nothing, so it reclaims nothing.
        this.autoReclaimer = autoReclaim.enabled() && !readOnly ? new AutoReclaimer(autoReclaim,
                new LiveSpace(index, segments), reclaims, gate, directory, segments.logFileSize()) : null;
        this.changes = autoReclaimer != null ? autoReclaimer : IndexChanges.NONE;
    }

    /**
     * Starts what runs in the background once the store is open, as the options ask: the periodic sync and the
     * automatic reclaim. The opener calls it before it hands the store out; the constructor starts nothing.
     */
    void start() {
        syncer.start();
        if (autoReclaimer != null) {
            autoReclaimer.start();
        }
    }

    Path directory() {
        return directory;
    }

    /**
     * Reads the stored value bytes of {@code key}, whose bytes are {@code keyBytes}, checked against their checksum,
     * and returns what {@code decoder} makes of them, or null when the key is absent or expired. The bytes are a
     * read-only view of the memory mapping, valid only while {@code decoder} runs: it must not keep the buffer (see
     * {@link io.viperdb.spi.ValueCodec}).
     *
     * @throws StoreClosedException if the store is closed, also when it closes during the read
     */
    <T> T read(byte[] keyBytes, BiFunction<byte[], ByteBuffer, T> decoder) {
        ensureOpen();
        return read(keyBytes, decoder, false);
    }

    /**
     * Reads the record at the place the index gives for {@code keyBytes}. Unless {@code keyChecked}, that is the
     * index's {@link KeyDirectory#candidate candidate}, whose key the index has not compared: a record there that is
     * not a sound put of the key is another key's or the key's own, damaged, and the read is made again with the place
     * the index finds comparing keys, whose record must be the key's (or the read throws: the store is damaged).
     */
    private <T> T read(byte[] keyBytes, BiFunction<byte[], ByteBuffer, T> decoder, boolean keyChecked) {
        while (true) {
            long version = index.version();
            Place place = keyChecked ? index.get(keyBytes) : index.candidate(keyBytes);
            if (place == null || expired(place)) {
                return null;
            }
            Segment segment = segments.segment(place.segment());
            Mapping mapping = segment == null ? null : segment.values().enter(place.end());
            if (mapping == null) {
                // The segment is released: the store closed (ensureOpen throws), or a reclaim moved the record and
                // deleted the segment after it updated the index, so the index finds the key elsewhere now.
                ensureOpen();
                if ((version & 1) == 0 && index.version() == version) {
                    throw new IllegalStateException("The index, unchanged, still points key " + KeyText.describe(keyBytes)
                            + " into released segment "
                            + place.segment());
                }
                continue;
            }
            try {
                ByteBuffer bytes = mapping.buffer();
                int offset = (int) place.offset();
                ByteBuffer value = keyChecked
                        ? DataRecord.value(bytes, offset, place.length(), keyBytes, segment.values().file())
                        : DataRecord.valueIfSound(bytes, offset, place.length(), keyBytes);
                if (value != null) {
                    return decoder.apply(keyBytes, value);
                }
            } finally {
                mapping.exit();
            }
            return read(keyBytes, decoder, true);
        }
    }

    boolean contains(byte[] keyBytes) {
        ensureOpen();
        Place place = index.get(keyBytes);
        return place != null && !expired(place);
    }

    /** Whether {@code keyBytes} is live: {@link #contains}, for a scan that has already checked the store is open. */
    boolean isLive(byte[] keyBytes) {
        Place place = index.get(keyBytes);
        return place != null && !expired(place);
    }

    /**
     * The keys of {@code range} in {@code direction}'s order, each a copy, for a {@link StoreCursor}, which checks
     * each one's liveness as it reaches it: from the index's ordered keys as they are now (see
     * {@link KeyDirectory#scan}), so it sees every write completed before it.
     */
    KeyScan orderedKeys(KeyRange range, Direction direction) {
        ensureOpen();
        // An index that keeps no order (see KeyDirectory.orderKeys) sorts its keys, with no writer meanwhile.
        return index.keepsOrder() ? index.scan(range, direction)
                : gate.holdingWriteLock(() -> index.scan(range, direction));
    }

    private boolean expired(Place place) {
        return place.expires() && place.expiredAt(clock.millis());
    }

    long size() {
        ensureOpen();
        long now = clock.millis();
        return readAcrossKeys(() -> index.liveCount(now));
    }

    Set<String> keys() {
        ensureOpen();
        long now = clock.millis();
        return Collections.unmodifiableSet(readAcrossKeys(() -> liveKeys(now)));
    }

    /** The keys that have not expired at {@code nowMillis} and are UTF-8 text, as strings. */
    private Set<String> liveKeys(long nowMillis) {
        Set<String> keys = new HashSet<>(Math.max(16, (int) (index.size() / 0.75f) + 1));
        for (Entry entry : index.entries()) {
            if (!entry.place().expiredAt(nowMillis)) {
                String text = KeyText.decode(entry.key());
                if (text != null) {
                    keys.add(text);
                }
            }
        }
        return keys;
    }

    /**
     * Runs a read of many keys so that it sees every batch whole: optimistically, retried if a batch was applied
     * meanwhile, and after a few tries under the write lock, which no batch can pass.
     */
    private <T> T readAcrossKeys(Supplier<T> read) {
        for (int attempt = 0; attempt < 3; attempt++) {
            long version = index.version();
            if ((version & 1) == 0) {
                T result = read.get();
                if (index.version() == version) {
                    return result;
                }
            }
        }
        return gate.holdingWriteLock(read);
    }

    /** Writes a put record; {@code timeToLive} null means no expiry. */
    void put(byte[] keyBytes, byte[] value, Duration timeToLive) {
        holdBackIfOverfull();
        long sequence = gate.appendUnderWriteLock("put", () -> appendPut(keyBytes, value, timeToLive));
        afterWrite(sequence);
    }

    /**
     * Writes a put record that expires at {@code expiry}, epoch milliseconds. An expiry already past writes the
     * record all the same: the key reads as absent at once, and recovery drops it, older values with it.
     */
    void putUntil(byte[] keyBytes, byte[] value, long expiry) {
        holdBackIfOverfull();
        long sequence = gate.appendUnderWriteLock("put", () -> appendPut(keyBytes, value, clock.millis(), expiry));
        afterWrite(sequence);
    }

    private long appendPut(byte[] keyBytes, byte[] value, Duration timeToLive) {
        long now = clock.millis();
        return appendPut(keyBytes, value, now, timeToLive == null ? RecordHeader.NO_EXPIRY
                : expiryAfter(now, timeToLive));
    }

    private long appendPut(byte[] keyBytes, byte[] value, long now, long expiry) {
        Segment active = activeWithRoom(DataRecord.length(keyBytes.length, value.length));
        long offset = active.append(RecordHeader.PUT, now, expiry, keyBytes, value);
        Place place = new Place(active.id(), offset, DataRecord.length(keyBytes.length, value.length), expiry);
        changes.replaced(index.put(keyBytes, place), place);
        return appended(place.length());
    }

    /** Writes a delete record of the key {@code keyBytes} if it is live; returns whether it was. */
    boolean remove(byte[] keyBytes) {
        holdBackIfOverfull();
        OptionalLong sequence = gate.underWriteLock("remove", () -> appendDelete(keyBytes));
        sequence.ifPresent(this::afterWrite);
        return sequence.isPresent();
    }

    /**
     * What an atomic operation does to its key, decided from the key's current value (see {@link #update}): nothing,
     * a remove, or a put of {@code value} that expires at {@code expiry}; and what the operation returns.
     *
     * @param result what the operation returns to its caller
     * @param value the encoded value to put, or null
     * @param expiry when a put expires, epoch milliseconds, or {@link RecordHeader#NO_EXPIRY}
     * @param remove true to remove the key (with {@code value} null)
     */
    record Change<R>(R result, byte[] value, long expiry, boolean remove) {

        /** Writes nothing. */
        static <R> Change<R> none(R result) {
            return new Change<>(result, null, RecordHeader.NO_EXPIRY, false);
        }

        /** Removes the key, if it is live. */
        static <R> Change<R> removal(R result) {
            return new Change<>(result, null, RecordHeader.NO_EXPIRY, true);
        }

        /** Puts {@code value}, to expire at {@code expiry}. */
        static <R> Change<R> put(R result, byte[] value, long expiry) {
            return new Change<>(result, value, expiry, false);
        }
    }

    /** How an atomic operation decides its {@link Change} from its key's current value. */
    @FunctionalInterface
    interface Decision<T, R> {

        /**
         * Decides, under the write lock.
         *
         * @param current the key's current value as the decoder made it, or null if the key is absent or expired
         * @param now the store's clock at the write, for an expiry counted from it
         * @return what to write, and what to return
         */
        Change<R> decide(T current, long now);
    }

    /**
     * Runs an atomic operation on the key {@code keyBytes}: under the write lock, so that no other write comes between, reads the
     * key's value with {@code decoder}, hands it to {@code decision} and writes the change it returns. The decision runs
     * exactly once, holding the write lock; if it throws, nothing is written. A call of the store from inside it is
     * refused (see {@link WriteGate#refuseCallFromUpdate}).
     *
     * @return the result of the change
     */
    <T, R> R update(String operation, byte[] keyBytes, BiFunction<byte[], ByteBuffer, T> decoder,
            Decision<T, R> decision) {
        holdBackIfOverfull();
        Updated<R> updated = gate.underWriteLock(operation, () -> {
            T current = read(keyBytes, decoder);
            long now = clock.millis();
            Change<R> change = decision.decide(current, now);
            if (change.value() != null) {
                return new Updated<>(change.result(), appendPut(keyBytes, change.value(), now, change.expiry()));
            }
            if (change.remove() && current != null) {
                return new Updated<>(change.result(), appendDelete(keyBytes).orElse(NOTHING_WRITTEN));
            }
            return new Updated<>(change.result(), NOTHING_WRITTEN);
        });
        if (updated.sequence() != NOTHING_WRITTEN) {
            afterWrite(updated.sequence());
        }
        return updated.result();
    }

    /** The sequence number of an update that wrote nothing. */
    private static final long NOTHING_WRITTEN = -1;

    /** An update's result, and the sequence number of its write for the sync policy. */
    private record Updated<R>(R result, long sequence) {
    }

    /**
     * When {@code key} expires, epoch milliseconds: empty if it has no expiry, is absent or has expired. One look
     * into the index, as {@link #contains} takes.
     */
    OptionalLong expiry(byte[] keyBytes) {
        ensureOpen();
        Place place = index.get(keyBytes);
        if (place == null || !place.expires() || place.expiredAt(clock.millis())) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(place.expiry());
    }

    /** Appends a delete record of the key {@code keyBytes} if it is live; empty if not, and nothing was written. */
    private OptionalLong appendDelete(byte[] keyBytes) {
        Place place = index.get(keyBytes);
        if (place == null) {
            return OptionalLong.empty();
        }
        long now = clock.millis();
        if (place.expiredAt(now)) {
            // Its record says it has expired, so recovery drops it too: no delete record needed.
            changes.replaced(index.remove(keyBytes), null);
            return OptionalLong.empty();
        }
        activeWithRoom(DataRecord.length(keyBytes.length, 0))
                .append(RecordHeader.DELETE, now, RecordHeader.NO_EXPIRY, keyBytes, NO_VALUE);
        changes.replaced(index.remove(keyBytes), null);
        return OptionalLong.of(appended(DataRecord.length(keyBytes.length, 0)));
    }

    /**
     * Writes a batch: its records between a begin and a commit record, so that recovery applies all of them or none,
     * then applies them to the index atomically for readers.
     */
    void write(List<BatchEntry> batch) {
        long size = length(batch);
        if (size > KeyValueStore.MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("A batch of " + batch.size() + " operations takes " + size
                    + " bytes; a batch may take at most " + KeyValueStore.MAX_VALUE_BYTES);
        }
        holdBackIfOverfull();
        long sequence = gate.appendUnderWriteLock("write", () -> appendBatch(batch, size));
        afterWrite(sequence);
    }

    /** The bytes a batch takes in the value log: its records, and the begin and commit records around them. */
    private static long length(List<BatchEntry> batch) {
        long size = 2L * DataRecord.length(0, 0);
        for (BatchEntry entry : batch) {
            size += entry.recordLength();
        }
        return size;
    }

    private long appendBatch(List<BatchEntry> batch, long size) {
        Segment active = activeWithRoom(size);
        long now = clock.millis();
        active.append(RecordHeader.BATCH_BEGIN, now, RecordHeader.NO_EXPIRY, NO_VALUE, NO_VALUE);
        Place[] places = new Place[batch.size()];
        for (int i = 0; i < places.length; i++) {
            BatchEntry entry = batch.get(i);
            if (entry.value() == null) {
                active.append(RecordHeader.DELETE, now, RecordHeader.NO_EXPIRY, entry.keyBytes(), NO_VALUE);
            } else {
                long expiry = entry.timeToLive() == null ? entry.expiry() : expiryAfter(now, entry.timeToLive());
                long offset = active.append(RecordHeader.PUT, now, expiry, entry.keyBytes(), entry.value());
                places[i] = new Place(active.id(), offset, entry.recordLength(), expiry);
            }
        }
        active.append(RecordHeader.BATCH_COMMIT, now, RecordHeader.NO_EXPIRY, NO_VALUE, NO_VALUE);
        // Only now, with every record appended, does the batch touch the index: a failed append leaves it as it was.
        // Room first, so that readers, who wait for the batch, never wait for the table to be rebuilt.
        index.reserve(places.length);
        byte[][] keys = new byte[places.length][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = batch.get(i).keyBytes();
        }
        index.applyAtomically(() -> {
            Place[] previous = index.putAll(keys, places);
            for (int i = 0; i < places.length; i++) {
                changes.replaced(previous[i], places[i]);
            }
        });
        return appended(size);
    }

    /**
     * After a write returned from under the write lock: waits until it is durable if the sync policy says so, and runs
     * a checkpoint that is due if checkpoints run on the writers' threads.
     */
    private void afterWrite(long sequence) {
        syncer.afterWrite(sequence);
        checkpointer.afterWrite();
    }

    /**
     * Numbers a write of {@code bytes} just appended for the sync policy, and counts it towards the next checkpoint.
     * Under the write lock.
     */
    private long appended(long bytes) {
        checkpointer.appended(bytes);
        return syncer.appended(bytes);
    }

    /** With automatic reclaim on, makes a writer wait while the value logs are past its ceiling (see there). */
    private void holdBackIfOverfull() {
        if (autoReclaimer != null) {
            autoReclaimer.awaitRoom();
        }
    }

    /**
     * Rolls to a new segment before a write of {@code bytes} rather than after, so that a failed roll leaves the write
     * undone: once the value log has reached the log file size, or if the write would take it past
     * {@link ValueLog#MAX_SIZE} (which the limits on sizes rule out, but the check costs nothing).
     */
    private Segment activeWithRoom(long bytes) {
        ValueLog values = segments.active().values();
        if (values.end() >= segments.logFileSize() || !values.hasRoomFor(bytes)) {
            segments.roll();
        }
        return segments.active();
    }

    /**
     * The expiry of a record written at {@code now} to live {@code timeToLive}, rounded up to whole milliseconds.
     * A time to live too long to represent never expires in practice, and is kept as the latest expiry there is.
     */
    static long expiryAfter(long now, Duration timeToLive) {
        try {
            long millis = timeToLive.toMillis();
            if (timeToLive.getNano() % 1_000_000 != 0) {
                millis++;
            }
            return Math.min(Math.addExact(now, millis), RecordHeader.NO_EXPIRY - 1);
        } catch (ArithmeticException e) {
            return RecordHeader.NO_EXPIRY - 1;
        }
    }

    /**
     * The expiry of {@code expiresAt}, rounded up to whole milliseconds as {@link #expiryAfter} does. An instant too
     * late to represent is kept as the latest expiry there is; one before 1970, which has passed on any clock a
     * store runs on, as 1970 itself, so that the stored expiry is never negative.
     */
    static long expiryAt(Instant expiresAt) {
        if (expiresAt.isBefore(Instant.EPOCH)) {
            return 0;
        }
        try {
            long millis = expiresAt.toEpochMilli();
            if (expiresAt.getNano() % 1_000_000 != 0) {
                millis = Math.addExact(millis, 1);
            }
            return Math.min(millis, RecordHeader.NO_EXPIRY - 1);
        } catch (ArithmeticException e) {
            return RecordHeader.NO_EXPIRY - 1;
        }
    }

    void flush() {
        gate.underWriteLock("flush", () -> segments.active().flush());
    }

    /** Forces every write made before the call to the device, sharing the sync with concurrent callers. */
    void sync() {
        syncer.sync();
    }

    /** Checks every record (see {@link Verifier}); writes go on, a reclaim waits. */
    VerifyReport verify() {
        return reclaims.between(() -> Verifier.verify(snapshot("verify"), index));
    }

    /** Copies the store as it is now into {@code target} (see {@link Backup}); writes go on, a reclaim waits. */
    void backupTo(Path target) {
        reclaims.between(() -> Backup.copy(snapshot("backupTo"), target));
    }

    /**
     * Takes a snapshot for {@code operation}. Taking one flushes the write buffers, a write; a read-only store has none
     * to flush, so it need only be open.
     */
    private StoreSnapshot snapshot(String operation) {
        if (gate.readOnly()) {
            return gate.holdingWriteLock(() -> {
                gate.ensureOpen();
                return StoreSnapshot.of(segments);
            });
        }
        return gate.underWriteLock(operation, () -> StoreSnapshot.of(segments));
    }

    /** The store's figures and files (see {@link StoreStats}); {@code codecName} is the codec it was opened with. */
    StoreStats stats(String codecName) {
        ensureOpen();
        long now = clock.millis();
        long[] live = readAcrossKeys(() -> new long[] {index.liveCount(now), index.liveBytes(now)});
        long recordBytes = segments.recordBytes();
        List<StoreStats.FileSize> files = fileSizes();
        long lastReclaim = segments.manifest().lastReclaimMillis();
        return new StoreStats(codecName, FileHeader.FORMAT_VERSION, live[0], live[1], recordBytes - live[1], files,
                lastReclaim == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(lastReclaim)));
    }

    /** The files in the store's directory, in name order, with the bytes of data each holds. */
    private List<StoreStats.FileSize> fileSizes() {
        // A value log taking appends is extended ahead of its data (see ValueLog); the extension holds nothing yet.
        Map<Path, Long> valueLogEnds = new HashMap<>();
        for (Segment segment : segments.all()) {
            valueLogEnds.put(segment.values().file().getFileName(), segment.values().end());
        }
        List<StoreStats.FileSize> files = new ArrayList<>();
        try (Stream<Path> listing = Files.list(directory)) {
            for (Path file : listing.sorted().toList()) {
                try {
                    long size = Math.min(Files.size(file),
                            valueLogEnds.getOrDefault(file.getFileName(), Long.MAX_VALUE));
                    files.add(new StoreStats.FileSize(file.getFileName().toString(), size));
                } catch (NoSuchFileException e) {
                    // Deleted since the listing, by a reclaim running meanwhile: no longer part of the store.
                }
            }
        } catch (IOException e) {
            throw new StoreIOException(directory, "listing", e);
        }
        return files;
    }

    /** Reclaims now, at full speed (see {@link Reclaimer}); waits for a reclaim under way to end first. */
    /**
     * Reclaims, and returns with every write made before the call on the device, as a reclaim promises whatever it
     * found: one that had nothing to drop sealed nothing, so it syncs here (one that rolled synced the sealed segment
     * already, and this sync finds little left).
     */
    ReclaimResult reclaim() {
        ReclaimResult result = reclaims.run(CopyPace.UNLIMITED, () -> false, () -> { }, changes, true);
        syncer.sync();
        return result;
    }

    /**
     * Seals the active segment (flush, cut, sync), releases the lock and unmaps every file, waiting for reads under
     * way to end (later reads throw {@link StoreClosedException}); waits for a running reclaim. After an earlier I/O
     * failure it still seals what it can, then throws, since what reached the device is not known.
     */
    void close() {
        if (autoReclaimer != null) {
            autoReclaimer.stop();
        }
        syncer.stop();
        checkpointer.stop();
        List<Segment> released = new ArrayList<>();
        try {
            reclaims.between(() -> gate.close(() -> {
                if (gate.readOnly()) {
                    // Nothing was written, so nothing is sealed or marked: let go of the lock and the mappings.
                    letGo(released);
                } else {
                    seal(released);
                }
            }));
        } finally {
            // Outside the locks: a read under way holds a mapping for as long as its codec decodes.
            released.forEach(Segment::awaitReleased);
        }
    }

    /**
     * Seals the active segment, marks how far it is synced and saves the index (see {@link SavedIndex}), then lets
     * go. After a failed write it still seals what it can, then throws.
     */
    private void seal(List<Segment> released) {
        try {
            // Also after a failure: the buffers hold whole records of writes that returned, and writing a buffer again
            // is harmless (recovery cuts whatever partial record the failed write left).
            segments.active().seal();
            if (!gate.writesFailed()) {
                // After a failure the tail may hold part of a batch, which recovery must be free to cut; and the index
                // may hold what the logs do not, so it is not saved either.
                segments.active().markSynced(segments.syncMarks(), true);
                // Not synced: the logs it covers are sealed and synced already, so a file that a power loss leaves
                // damaged only fails its checksums (rule 10), and the close need not wait for the device.
                SavedIndex.Snapshot snapshot = SavedIndex.snapshot(segments, index);
                if (!indexFile.holds(snapshot) && SavedIndex.save(segments.directory(), snapshot, false)) {
                    indexFile.wrote(snapshot);
                }
            }
        } catch (StoreIOException e) {
            segments.active().abandon();
            throw gate.failWrites(e);
        } finally {
            letGo(released);
        }
        gate.reportFailureAtClose();
    }

    /** Closes the sync marks, releases the store's lock and unmaps every segment, adding them to {@code released}. */
    private void letGo(List<Segment> released) {
        segments.syncMarks().close();
        lock.release();
        List<Segment> all = segments.all();
        released.addAll(all);
        all.forEach(Segment::release);
    }

    /**
     * Throws {@link StoreClosedException} if the store is closed, {@link StoreReadOnlyException} if it was opened
     * read-only; {@code operation} names the write that was asked for.
     */
    void refuseIfReadOnly(String operation) {
        gate.refuseIfReadOnly(operation);
    }

    /** Throws {@link StoreClosedException} if the store is closed. */
    void ensureOpen() {
        gate.ensureOpen();
    }

    /**
     * Throws {@link IllegalStateException} if this thread is inside a decision of {@link #update}, which runs under
     * the write lock, and calls the store back (see {@link WriteGate#refuseCallFromUpdate}).
     */
    void refuseCallFromUpdate() {
        gate.refuseCallFromUpdate();
    }
}
