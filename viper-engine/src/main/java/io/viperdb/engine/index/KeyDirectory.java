package io.viperdb.engine.index;

import java.lang.invoke.MethodHandles;
import io.viperdb.Direction;
import io.viperdb.KeyRange;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Supplier;

/**
 * The index: a concurrent map from key bytes to the {@link Place} of each key's latest record. It knows nothing of
 * segments, mappings or the store: the store asks it for places and reads the logs itself, so calls go one way.
 *
 * <h2>Layout</h2>
 * An open-addressing hash table ({@link KeyTable}, which alone knows the slot layout) with linear probing over one
 * buffer ({@link IndexBuffers}), two words per slot, and the keys' bytes in a {@link KeyArena}. A slot is 16 + 4 bytes
 * and the table is rebuilt to half full whenever entries and tombstones would fill three quarters of it, so with
 * 16-byte keys a key takes 27 to 40 bytes of slots plus 18 of arena. A removed key leaves a tombstone (entries are
 * never moved within a table, which keeps iteration simple); tombstones and arena garbage go when the table is
 * rebuilt, which happens when it fills up or when more than half of the arena is garbage. Any byte sequence is a key,
 * the empty one too; each key's arena entry is a stable reference for as long as the table lasts. A table read from
 * an index file is mapped from it, copy-on-write, and each block of it is checked the first time it is used (see
 * {@link IndexFile} and {@link BlockChecks}).
 *
 * <h2>Reads</h2>
 * {@link #candidate} is the read of a get: the first entry on the key's probe path whose one-byte fingerprint is the
 * key's, taken without comparing the key held in the arena (a cache miss saved), since the record it points to holds
 * the key too and the store compares that one. Should the record not be the key's, the store asks {@link #get}, which
 * compares the keys here and tells another key's entry (probing goes on) from the key's own with a damaged record.
 *
 * <h2>Concurrency</h2>
 * Updates are made by one thread at a time (the store's writers hold its write lock; recovery runs before the store
 * is shared). Reads take no lock: a sequence lock ({@link #version()}) is odd while an update, or a whole
 * {@linkplain #applyAtomically batch} of them, is being made, and a reader that overlapped one reads again
 * ({@link #consistently}, the one read loop). So a reader never sees a torn slot, nor some of a batch's updates
 * without the others. Every reference a reader follows is bounds-checked against the arrays it holds, so what it
 * reads from the middle of an update is discarded by the version check, never thrown.
 *
 * <p>A rebuild (growth, shrinking, purging tombstones, compacting the arena) builds a new table beside the current
 * one and then publishes it; the old one is never written again, so readers go on reading it meanwhile and no reader
 * waits for a rebuild (except inside a batch; {@link #reserve} before one avoids that).
 *
 * <p>An entry may have expired: expiry is judged by the caller, against the store's clock.
 *
 * <h2>Order</h2>
 * Beside the table, {@link OrderedKeys} keeps the keys in unsigned byte order for {@link #scan}s, updated by the same
 * writes (a new key, a removed one, an entry moved in the arena) and rebuilt with the table; a replay leaves it to one
 * sort at the end ({@link #unordered}, {@link #orderKeys}).
 */
public final class KeyDirectory {

    /** The system property that turns the kept order off (see {@link #orderKeys}). */
    public static final String KEEP_ORDER_PROPERTY = "viperdb.orderedKeys";
    private static final boolean KEEP_ORDER = !"false".equals(System.getProperty(KEEP_ORDER_PROPERTY));

    static final double REBUILT_LOAD = 0.5;
    static final int MIN_CAPACITY = 16;
    /** Sixteen bytes per slot, and a buffer holds fewer than 2^31 bytes: some 100 million keys at most. */
    static final int MAX_CAPACITY = (1 << 27) - 16;

    /** Below this the arena's garbage is not worth a rebuild. */
    private static final long MIN_GARBAGE_TO_COMPACT = 4L << 20;
    /** How many keys {@link #putAll} touches ahead: their slots stay in the cache until they are updated. */
    private static final int TOUCH_GROUP = 256;

    /**
     * A table mapped from an index file moves to the heap at the first write after its writes have copied more than
     * one in this many of its pages (see {@link KeyTable}). By then the copies have cost a small part of what the move
     * does; and the move must come early: moved after a quarter of the pages instead (some 10,000 random writes at
     * 1,000,000 keys, in a fresh JVM), the reads that followed ran at a third to a half of their speed for about two
     * seconds, which they did not after 1/32.
     */
    static final int HEAP_AFTER = 32;
    /**
     * A replay moves the table once it has copied more than one in this many of its pages: one that touches most of
     * the table pays for one copy of it, not for a copy of each page and then of the table; a shorter one, as an open
     * after a crash replays past a recent checkpoint, copies only its pages, in a time that grows with the replay, not
     * with the table, and leaves the move, if its copies call for one, to the first write after it.
     */
    static final int REPLAY_HEAP_AFTER = 4;

    private static final VarHandle SEQUENCE;

    static {
        try {
            SEQUENCE = MethodHandles.lookup().findVarHandle(KeyDirectory.class, "sequence", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile long sequence;
    private volatile KeyTable table;
    private final OrderedKeys order;

    // The writer's state.
    private final SegmentHandles handles = new SegmentHandles();
    private int batchDepth;
    /** Keeps the reads of {@link #touch} in {@link #putAll} from being optimized away. */
    private long touched;

    /** An empty directory. */
    public KeyDirectory() {
        this(0);
    }

    /** An empty directory with room for {@code expectedKeys} before its first rebuild. */
    public KeyDirectory(long expectedKeys) {
        this(expectedKeys, true);
    }

    private KeyDirectory(long expectedKeys, boolean ordered) {
        // An estimate beyond what the table can hold is only an estimate: start at the largest, fail if it fills.
        this.table = new KeyTable(capacityFor(Math.min(expectedKeys, (long) (MAX_CAPACITY * 0.6) - 1), 0.6),
                new KeyArena(), handles.ids(), 0);
        this.order = new OrderedKeys(table.arena, ordered);
    }

    /**
     * An empty directory for a replay, with room for {@code expectedKeys}: it keeps no order until
     * {@link #orderKeys()} makes it with one sort, which costs less than keeping it through every replayed update.
     * Until then {@link #scan} must not be called.
     */
    public static KeyDirectory unordered(long expectedKeys) {
        return new KeyDirectory(expectedKeys, false);
    }

    /**
     * A directory of a table read from a file (see {@link IndexFile}), with the handles its slots use, and what gives
     * its keys in order when the order is first used, or null to sort them here.
     */
    KeyDirectory(KeyTable table, long[] handleIds, int[] handleCounts, Supplier<OrderedKeys.Run> ordered) {
        handles.restore(handleIds, handleCounts);
        table.segments = handles.ids();
        this.table = table;
        this.order = new OrderedKeys(table.arena, false);
        if (ordered != null && KEEP_ORDER) {
            order.loadLater(table.arena, ordered);
        } else {
            orderKeys();
        }
    }

    /** Every key in order, as one run, for {@link IndexFile}, or null if no order is kept; as for {@link #table()}. */
    OrderedKeys.Run orderedRun() {
        return order.maintained() ? order.compacted() : null;
    }

    /** The current table, for {@link IndexFile} to write while no update is made (the caller holds the write lock). */
    KeyTable table() {
        return table;
    }

    /** The handles' ids and counts, for {@link IndexFile}; as for {@link #table()}. */
    SegmentHandles handles() {
        return handles;
    }

    /**
     * Arrays for a {@link #snapshot}, as large as the table's are now: allocated (and so zeroed, page by page) before
     * the caller takes the write lock, so that the snapshot under the lock only copies bytes into them. A table that
     * grew meanwhile is copied into new arrays instead.
     */
    public static final class SnapshotRoom {
        final long[] slots;
        final int[] hashes;
        final ByteBuffer[] pages;

        private SnapshotRoom(KeyTable table) {
            slots = new long[2 * table.capacity];
            hashes = new int[table.capacity];
            // One page more than the arena has now, for the page it may start before the snapshot.
            pages = new ByteBuffer[table.arena.pageCount() + 1];
            for (int i = 0; i < pages.length; i++) {
                pages[i] = IndexBuffers.allocate(KeyArena.PAGE_SIZE);
            }
        }
    }

    /**
     * Checks every block of the index that it mapped from an index file and has not checked yet, and reads its order
     * if it has not (see {@link BlockChecks}): for a verify, which must find damage no read has met yet.
     *
     * @throws io.viperdb.CorruptStoreException if a block is damaged (the file is then deleted)
     */
    public void checkAll() {
        table.checkAll();
        order.view();
    }

    /** Room for a {@link #snapshot} of the table as large as it is now; called without the write lock. */
    public SnapshotRoom roomForSnapshot() {
        KeyTable t = table;
        // The checks of a table mapped from an index file, here rather than under the lock: the snapshot copies it.
        t.checkAll();
        return new SnapshotRoom(t);
    }

    /**
     * A copy of the directory as it is now, into {@code room}, for a checkpoint to write to the index file (see
     * {@link IndexFile}) while updates go on here. The caller holds the store's write lock, so that no update is under
     * way; the copy costs a copy of the table's arrays and arena pages, and no key is read or hashed.
     */
    public KeyDirectory snapshot(SnapshotRoom room) {
        KeyTable copy = table.snapshot(room);
        return new KeyDirectory(copy, handles.ids().clone(), handles.counts().clone(), order.copyOver(copy.arena));
    }

    /** A directory of {@code table} (a snapshot's), with its handles and {@code order} over its arena. */
    private KeyDirectory(KeyTable table, long[] handleIds, int[] handleCounts, OrderedKeys order) {
        handles.restore(handleIds, handleCounts);
        table.segments = handles.ids();
        this.table = table;
        this.order = order;
    }

    private static int capacityFor(long keys, double load) {
        long capacity = (long) Math.ceil(keys / load) + 1;
        if (capacity > MAX_CAPACITY) {
            throw new IllegalStateException("The key directory holds at most "
                    + (long) (MAX_CAPACITY * KeyTable.MAX_LOAD) + " keys; asked for " + keys);
        }
        return (int) Math.max(MIN_CAPACITY, capacity);
    }

    // ---------------------------------------------------------------------------------------------------- reads

    /**
     * Runs a read of the table under the sequence lock until it reads one moment whole: again while an update is
     * being made, if one began meanwhile, or if {@code read} found what it read torn ({@link KeyTable#RETRY} or
     * {@link KeyTable#RETRY_ENTRY}). The one read loop: every read of the directory goes through it.
     */
    private <T> T consistently(Supplier<T> read) {
        while (true) {
            long before = sequence;
            if ((before & 1) == 0) {
                T result = read.get();
                VarHandle.acquireFence();
                if (sequence == before && result != KeyTable.RETRY && result != KeyTable.RETRY_ENTRY) {
                    return result;
                }
            }
            Thread.onSpinWait();
        }
    }

    /**
     * The place of the first entry whose fingerprint is that of {@code key}: the key's own as a rule, but possibly
     * another key's that shares its fingerprint, which the caller tells by the key in the record; null if the key is
     * absent. An entry with an expiry is always the key's own (its key is compared, since the expiry is kept beside
     * it). The place is of one moment, never from the middle of an update.
     */
    public Place candidate(byte[] key) {
        long hash = KeyHash.of(key, 0, key.length);
        return consistently(() -> table.candidate(key, 0, key.length, hash));
    }

    /** The place of {@code key}, its key compared, or null if it is absent; of one moment, like {@link #candidate}. */
    public Place get(byte[] key) {
        long hash = KeyHash.of(key, 0, key.length);
        return consistently(() -> table.find(key, 0, key.length, hash));
    }

    /**
     * The keys of {@code range} in {@code direction}'s order, from the ordered index as it is now: every key present
     * now is in it, each once, and keys added or removed later may or may not be (see {@link KeyScan}, whose caller
     * judges liveness).
     *
     * <p>A directory that {@linkplain #keepsOrder keeps no order} sorts its keys for each scan, and its caller must
     * hold the writer's lock meanwhile.
     */
    public KeyScan scan(KeyRange range, Direction direction) {
        if (!order.maintained()) {
            return new KeyScan(this, OrderedKeys.sortedView(table), range, direction);
        }
        return new KeyScan(this, order.view(), range, direction);
    }

    /** Whether the table in use now keeps its keys in {@code arena}: references of that arena are current. */
    boolean arenaIs(KeyArena arena) {
        return table.arena == arena;
    }

    /**
     * Orders the keys with one sort, after a replay into an {@link #unordered} directory, and keeps them ordered;
     * unless the system property {@value #KEEP_ORDER_PROPERTY} is {@code false}, which leaves the directory unordered
     * for good: a measurement of what the order costs the writes, whose scans sort the keys each time.
     */
    public void orderKeys() {
        if (!order.maintained() && KEEP_ORDER) {
            order.rebuild(table);
        }
    }

    /** Whether {@link #scan} reads a kept order; if not, its caller must hold the writer's lock. */
    public boolean keepsOrder() {
        return order.maintained();
    }

    /** A version to read under: odd while an update or a batch is being applied, and changed by every one. */
    public long version() {
        return sequence;
    }

    /** The number of entries, expired ones included. */
    public int size() {
        return consistently(() -> table.live);
    }

    /** The number of entries that have not expired at {@code nowMillis}. */
    public long liveCount(long nowMillis) {
        KeyTable t = table;
        long count = consistently(() -> t.expiring == 0 ? (long) t.live : -1L);
        if (count >= 0) {
            return count;
        }
        count = 0;
        for (int i = 0; i < t.capacity; i++) {
            Place place = placeAt(t, i);
            if (place != null && !place.expiredAt(nowMillis)) {
                count++;
            }
        }
        return count;
    }

    /** The total length of the records of the entries that have not expired at {@code nowMillis}. */
    public long liveBytes(long nowMillis) {
        KeyTable t = table;
        long bytes = 0;
        for (int i = 0; i < t.capacity; i++) {
            Place place = placeAt(t, i);
            if (place != null && !place.expiredAt(nowMillis)) {
                bytes += place.length();
            }
        }
        return bytes;
    }

    /**
     * Every entry, expired or not, keys copied. Weakly consistent under concurrent updates, like the iterators of
     * {@code ConcurrentHashMap}: each entry is read whole, and an entry present throughout the iteration is returned
     * exactly once (with its place at some moment of the iteration); others may or may not be.
     */
    public Iterable<Entry> entries() {
        return () -> new EntryIterator(table);
    }

    /** Receives the places of a {@link #forEachPlace} pass. */
    @FunctionalInterface
    public interface PlaceVisitor {
        /** The entry in {@code slot}, which is at {@code place}. */
        void visit(Place place, int slot);
    }

    /**
     * The place of every entry, expired or not, in slot order, without its key: consistent like {@link #entries()},
     * and without the cost of copying each key, for a pass over millions of entries that only needs their places.
     *
     * @return the generation of the table walked, for {@link #moveAt}
     */
    public long forEachPlace(PlaceVisitor visitor) {
        KeyTable t = table;
        for (int i = 0; i < t.capacity; i++) {
            Place place = placeAt(t, i);
            if (place != null) {
                visitor.visit(place, i);
            }
        }
        return t.generation;
    }

    /** Slot {@code i} of {@code t}, read whole. A table that has been replaced is no longer written: it is whole. */
    private Place placeAt(KeyTable t, int i) {
        return consistently(() -> t.placeAt(i));
    }

    private final class EntryIterator implements Iterator<Entry> {
        private final KeyTable t;
        private int slot;
        private Entry next;

        EntryIterator(KeyTable t) {
            this.t = t;
            advance();
        }

        private void advance() {
            next = null;
            while (next == null && slot < t.capacity) {
                int i = slot++;
                next = consistently(() -> t.entryAt(i));
            }
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public Entry next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            Entry entry = next;
            advance();
            return entry;
        }
    }

    // --------------------------------------------------------------------------------------------------- updates

    /** Runs {@code updates}, made with this directory's update methods, so that readers see all of them or none. */
    public void applyAtomically(Runnable updates) {
        beginWrite();
        batchDepth++;
        try {
            updates.run();
        } finally {
            batchDepth--;
            endWrite();
        }
    }

    /**
     * Makes room for {@code additional} new keys without a rebuild, so that the updates of a batch that follows never
     * rebuild the table while readers wait for the batch.
     */
    public void reserve(int additional) {
        KeyTable t = table;
        if (t.live + t.tombstones + (long) additional > t.threshold) {
            rebuild(capacityFor(t.live + (long) additional, REBUILT_LOAD));
        }
    }

    /** Rebuilds the table smaller if it is less than a quarter full, as it may be after recovery over-estimated. */
    public void trim() {
        KeyTable t = table;
        if (t.capacity > MIN_CAPACITY && t.live < t.capacity / 4) {
            rebuild(capacityFor(t.live, 0.6));
        }
    }

    private void beginWrite() {
        if (batchDepth == 0) {
            SEQUENCE.setOpaque(this, sequence + 1);
            // No write below may become visible before the odd sequence does.
            VarHandle.storeStoreFence();
        }
    }

    private void endWrite() {
        if (batchDepth == 0) {
            SEQUENCE.setRelease(this, sequence + 1);
        }
    }

    /** Maps {@code key} to {@code place}; returns the place it replaces, or null. The key is copied. */
    public Place put(byte[] key, Place place) {
        return put(key, KeyHash.of(key, 0, key.length), place);
    }

    private Place put(byte[] key, long hash, Place place) {
        Place previous = null;
        beforeUpdate();
        makeRoom();
        beginWrite();
        try {
            KeyTable t = table;
            int slot = t.writerFind(key, 0, key.length, hash);
            if (slot >= 0) {
                previous = t.placeOf(slot);
                ordered(t.update(slot, place.segment(), place.offset(), place.length(), place.expiry(), handles),
                        key, 0, key.length);
            } else {
                order.add(t.insert(-slot - 1, hash, key, 0, key.length, place.segment(), place.offset(),
                        place.length(), place.expiry(), handles), key, 0, key.length);
            }
        } finally {
            endWrite();
        }
        return previous;
    }

    /**
     * Maps each key {@code keys[i]} to {@code places[i]}, or removes it where that is null, in order, and returns the
     * places they replace (null where none). For a batch: the home slots of a group of keys are read before any of
     * them is updated, so that their cache misses overlap rather than follow one another.
     */
    public Place[] putAll(byte[][] keys, Place[] places) {
        Place[] previous = new Place[keys.length];
        long[] hashes = new long[Math.min(keys.length, TOUCH_GROUP)];
        long sum = 0;
        for (int from = 0; from < keys.length; from += TOUCH_GROUP) {
            int to = Math.min(keys.length, from + TOUCH_GROUP);
            for (int i = from; i < to; i++) {
                hashes[i - from] = KeyHash.of(keys[i], 0, keys[i].length);
                sum += touch(hashes[i - from]);
            }
            // The slots are in the cache now: reach the arena entries of the keys already there (an overwrite).
            for (int i = from; i < to; i++) {
                sum += table.touchEntry(hashes[i - from]);
            }
            for (int i = from; i < to; i++) {
                previous[i] = places[i] != null ? put(keys[i], hashes[i - from], places[i])
                        : remove(keys[i], 0, keys[i].length, hashes[i - from], null);
            }
        }
        touched += sum;
        return previous;
    }

    /** Removes {@code key}; returns the place it had, or null. */
    public Place remove(byte[] key) {
        beforeUpdate();
        return remove(key, 0, key.length, KeyHash.of(key, 0, key.length), null);
    }

    /** Removes {@code key} if it is still at {@code expected}; returns whether it was. */
    public boolean remove(byte[] key, Place expected) {
        beforeUpdate();
        return remove(key, 0, key.length, KeyHash.of(key, 0, key.length), expected) != null;
    }

    /**
     * Removes the key {@code key[start, start + length)}, whose hash is {@code hash}, if it is at {@code expected} or
     * {@code expected} is null; returns the place it had, or null if it was not removed.
     */
    private Place remove(byte[] key, int start, int length, long hash, Place expected) {
        KeyTable t = table;
        int slot = t.writerFind(key, start, length, hash);
        if (slot < 0) {
            return null;
        }
        Place previous = t.placeOf(slot);
        if (expected != null && !expected.equals(previous)) {
            return null;
        }
        beginWrite();
        try {
            t.delete(slot, handles);
            order.died();
        } finally {
            endWrite();
        }
        return previous;
    }

    /** {@link #moveAt} result: the table was rebuilt since {@code slot} was read; move by key instead. */
    public static final int SLOT_UNKNOWN = -1;
    /** {@link #moveAt} result: the entry no longer points at the record, and was left as it is. */
    public static final int NOT_MOVED = 0;
    /** {@link #moveAt} result: the entry was moved. */
    public static final int MOVED = 1;

    /**
     * Moves the entry in {@code slot}, as {@link #forEachPlace} returning {@code generation} saw it, from the record of
     * {@code length} bytes at {@code fromOffset} in segment {@code from} to the same record copied to {@code toOffset}
     * in segment {@code to}, if it still points at the former; its key and expiry stay. Without a key to hash and
     * compare, and with the slots taken in order, a reclaim moves a million entries in a fraction of the time a lookup
     * of each would take, while it holds the write lock.
     *
     * @return {@link #MOVED}, {@link #NOT_MOVED}, or {@link #SLOT_UNKNOWN} when the table has been rebuilt since
     */
    public int moveAt(long generation, int slot, long from, long fromOffset, int length, long to, long toOffset) {
        KeyTable t = table;
        if (t.generation != generation) {
            return SLOT_UNKNOWN;
        }
        return moveSlot(t, slot, from, fromOffset, length, to, toOffset) ? MOVED : NOT_MOVED;
    }

    /**
     * Moves the key {@code key[start, start + keyLength)} as {@link #moveAt} does, found by its key.
     *
     * @return whether the key was there, at the record, and moved
     */
    public boolean move(byte[] key, int start, int keyLength, long from, long fromOffset, int length, long to,
            long toOffset) {
        KeyTable t = table;
        int slot = t.writerFind(key, start, keyLength, KeyHash.of(key, start, keyLength));
        return slot >= 0 && moveSlot(t, slot, from, fromOffset, length, to, toOffset);
    }

    private boolean moveSlot(KeyTable t, int slot, long from, long fromOffset, int length, long to, long toOffset) {
        if (!t.holds(slot, from, fromOffset, length)) {
            return false;
        }
        beforeUpdate();
        t = table;
        beginWrite();
        try {
            t.move(slot, to, toOffset, length, handles);
        } finally {
            endWrite();
        }
        return true;
    }

    /**
     * Replays a put (see {@link KeyReplay}): maps the key {@code key[start, start + keyLength)}, whose hash is
     * {@code hash}, to the record of {@code length} bytes at {@code offset} in segment {@code segment}, without making
     * a {@link Place} of it.
     */
    void putBytes(byte[] key, int start, int keyLength, long hash, long segment, long offset, int length,
            long expiry) {
        beforeUpdate(REPLAY_HEAP_AFTER);
        makeRoom();
        beginWrite();
        try {
            KeyTable t = table;
            int slot = t.writerFind(key, start, keyLength, hash);
            if (slot >= 0) {
                ordered(t.update(slot, segment, offset, length, expiry, handles), key, start, keyLength);
            } else {
                order.add(t.insert(-slot - 1, hash, key, start, keyLength, segment, offset, length, expiry, handles),
                        key, start, keyLength);
            }
        } finally {
            endWrite();
        }
    }

    /**
     * Tells the order of an {@link KeyTable#update}: when it moved the key's entry ({@code movedTo} is not -1), the
     * old one is garbage and the new one is the key's.
     */
    private void ordered(long movedTo, byte[] key, int start, int length) {
        if (movedTo >= 0) {
            order.died();
            order.add(movedTo, key, start, length);
        }
    }

    /** Replays a delete (see {@link KeyReplay}): removes the key {@code key[start, start + length)}. */
    void removeBytes(byte[] key, int start, int length, long hash) {
        beforeUpdate(REPLAY_HEAP_AFTER);
        remove(key, start, length, hash, null);
    }

    /**
     * Reads the first slot a key of hash {@code hash} probes, and returns it, for the writer to touch several slots
     * before it updates them, so that their cache misses overlap (see {@link KeyReplay}).
     */
    long touch(long hash) {
        return table.touch(hash);
    }

    /** Before every update but a replay's: see {@link #beforeUpdate(int)}. */
    private void beforeUpdate() {
        beforeUpdate(HEAP_AFTER);
    }

    /**
     * Moves a table mapped from an index file to the heap once its writes have copied more than one in {@code n} of
     * its pages ({@link #HEAP_AFTER}, {@link #REPLAY_HEAP_AFTER}); not inside a batch, whose readers wait meanwhile.
     */
    private void beforeUpdate(int n) {
        KeyTable t = table;
        if (t.mapped() && batchDepth == 0 && t.copiedMoreThan(n)) {
            moveToHeap();
        }
    }

    /**
     * Replaces a table mapped from an index file with a copy of it on the heap (see {@link KeyTable#onHeap}): same
     * slots, same generation, so that the slot numbers of a {@link #forEachPlace} pass stay good, and the same arena,
     * so that the order stays as it is. Readers go on reading the mapped table meanwhile, which is never written again.
     */
    private void moveToHeap() {
        table = table.onHeap();
    }

    /**
     * Before a write that may insert: rebuilds the table if one more entry would fill it past
     * {@link KeyTable#MAX_LOAD}, or if more than half of its arena is garbage. Outside a batch, readers go on
     * reading the old table meanwhile.
     */
    private void makeRoom() {
        KeyTable t = table;
        if (t.live + t.tombstones + 1 > t.threshold) {
            rebuild(capacityFor(t.live + 1L, REBUILT_LOAD));
        } else if (batchDepth == 0 && t.garbageBytes > MIN_GARBAGE_TO_COMPACT
                && t.garbageBytes > t.arena.usedBytes() / 2) {
            rebuild(t.capacity, true);
        }
    }

    /** Rebuilds the table with {@code capacity} slots, dropping its tombstones, and its arena's garbage if much. */
    private void rebuild(int capacity) {
        KeyTable t = table;
        rebuild(capacity, t.garbageBytes > MIN_GARBAGE_TO_COMPACT && t.garbageBytes > t.arena.usedBytes() / 4);
    }

    /**
     * Moves every entry into a new table of {@code capacity} slots, with a new arena, and publishes it. With
     * {@code compactKeys} the keys are copied one by one into the new arena, leaving its garbage behind; otherwise the
     * arena is copied whole, garbage and all, which is many times faster: no key is read.
     */
    private void rebuild(int capacity, boolean compactKeys) {
        KeyTable old = table;
        // A new arena even when it is a copy, never a shared one: an iterator that goes on reading the old table must
        // find it as it was, and expiries are rewritten in place.
        KeyTable fresh;
        if (compactKeys) {
            fresh = new KeyTable(capacity, new KeyArena(), old.segments, old.generation + 1);
            old.copyTo(fresh);
        } else {
            fresh = new KeyTable(capacity, old.arena.copy(), old.segments, old.generation + 1);
            old.rehashInto(fresh);
        }
        table = fresh;
        // A scan that took the old view goes on in the old arena, which is never written again.
        if (order.maintained()) {
            if (compactKeys) {
                order.rebuild(fresh);
            } else {
                order.rebase(fresh.arena);
            }
        }
    }

    /** Entries in the ordered index, stale ones included (for tests). */
    long orderEntries() {
        return order.entries();
    }

    /** Bytes of memory the ordered index holds (for tests and figures). */
    public long orderMemoryBytes() {
        return order.memoryBytes();
    }

    /** Bytes of memory the directory holds: its slots and its arena pages (for tests and figures). */
    long memoryBytes() {
        KeyTable t = table;
        return (long) t.capacity * (KeyTable.SLOT_BYTES + Integer.BYTES) + t.arena.capacityBytes();
    }

    int capacity() {
        return table.capacity;
    }
}
