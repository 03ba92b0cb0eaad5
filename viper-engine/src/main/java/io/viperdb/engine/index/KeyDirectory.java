package io.viperdb.engine.index;

import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.log.Segment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The in-memory index: every key that has a value, with the {@link Location} of its latest record.
 *
 * <h2>Layout</h2>
 * An open-addressing hash table ({@link KeyTable}) with linear probing over one {@code long[]}, two words per slot,
 * and the keys' UTF-8 bytes in a {@link KeyArena}:
 * <pre>
 * word 0  fingerprint:8 | segment handle:18 | arena reference:38     0 = empty slot, 1 = tombstone
 * word 1  record offset:32 | expires:1 | record length:31
 * </pre>
 * The fingerprint is the top byte of the key's {@link KeyHash hash}, so that most probes that do not match never
 * touch the arena; the segment handle is a small number given by {@link SegmentHandles}; the expiry of a key that
 * has one is kept in its arena entry, and {@code expires} says there is one. A {@link #read} goes to the arena only
 * for those: other keys are compared in their records instead (see {@link RecordReader}). Beside the slots, an
 * {@code int[]} keeps the low 32 bits of each key's hash for the writer, so that a rebuild that grows the table need
 * not read every key again. A slot is 16 + 4 bytes and the table is rebuilt to half full whenever entries and
 * tombstones would fill three quarters of it, so with 16-byte keys a key takes 27 to 40 bytes of slots plus 18 of
 * arena. A removed key leaves a tombstone (entries are never moved within a table, which keeps iteration simple);
 * tombstones and arena garbage go when the table is rebuilt, which happens when it fills up or when more than half
 * of the arena is garbage.
 *
 * <h2>Concurrency</h2>
 * Updates are made by one thread at a time (the store's writers hold its write lock; recovery runs before the store
 * is shared). Reads take no lock: a sequence lock ({@link #version()}) is odd while an update, or a whole
 * {@linkplain #applyAtomically batch} of them, is being made, and a reader that overlapped one reads again. So a
 * reader never sees a torn slot, nor some of a batch's updates without the others. Every reference a reader follows
 * is bounds-checked against the arrays it holds, so what it reads from the middle of an update is discarded by the
 * version check, never thrown.
 *
 * <p>A rebuild (growth, shrinking, purging tombstones, compacting the arena) builds a new table beside the current
 * one and then publishes it; the old one is never written again, so readers go on reading it meanwhile and no reader
 * waits for a rebuild (except inside a batch; {@link #reserve} before one avoids that).
 *
 * <p>An entry may have expired: expiry is judged when the entry is read, against the store's clock.
 */
public final class KeyDirectory {

    static final double REBUILT_LOAD = 0.5;
    static final int MIN_CAPACITY = 16;
    /** Two words per slot, and a Java array holds fewer than 2^31 elements. */
    static final int MAX_CAPACITY = (1 << 30) - 16;

    /** Below this the arena's garbage is not worth a rebuild. */
    private static final long MIN_GARBAGE_TO_COMPACT = 4L << 20;
    private static final long NEVER = RecordHeader.NO_EXPIRY;
    /** How many keys {@link #putAll} touches ahead: their slots stay in the cache until they are updated. */
    private static final int TOUCH_GROUP = 256;

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

    // The writer's state: read by readers only under the sequence lock.
    private final SegmentHandles handles = new SegmentHandles();
    private int batchDepth;
    private int live;
    private int tombstones;
    private long expiring;
    private long garbageBytes;
    private byte[] scratch;
    /** Keeps the reads of {@link #touch} in {@link #putAll} from being optimized away. */
    private long touched;

    /** An empty directory. */
    public KeyDirectory() {
        this(0);
    }

    /** An empty directory with room for {@code expectedKeys} before its first rebuild. */
    public KeyDirectory(long expectedKeys) {
        // An estimate beyond what the table can hold is only an estimate: start at the largest, fail if it fills.
        this.table = new KeyTable(capacityFor(Math.min(expectedKeys, (long) (MAX_CAPACITY * 0.6) - 1), 0.6),
                new KeyArena(), handles.segments(), 0);
    }

    private static int capacityFor(long keys, double load) {
        long capacity = (long) Math.ceil(keys / load) + 1;
        if (capacity > MAX_CAPACITY) {
            throw new IllegalStateException("The key directory holds at most "
                    + (long) (MAX_CAPACITY * KeyTable.MAX_LOAD)
                    + " keys; asked for " + keys);
        }
        return (int) Math.max(MIN_CAPACITY, capacity);
    }

    // ---------------------------------------------------------------------------------------------------- reads

    /** The location of {@code key} (which must have passed {@code Keys.check}), never from the middle of an update. */
    public Location get(String key) {
        long hash = KeyHash.of(key);
        while (true) {
            long before = sequence;
            if ((before & 1) == 0) {
                Location location = table.find(key, hash);
                VarHandle.acquireFence();
                if (sequence == before && location != KeyTable.RETRY) {
                    return location;
                }
            }
            Thread.onSpinWait();
        }
    }

    /**
     * Reads {@code key}: hands {@code reader} the record of each entry that may be the key's, and returns what the
     * reader returns for the key's own, or null if the key is absent. See {@link RecordReader} for how the reader is
     * told which entry is the key's; every entry it is given was read whole, never from the middle of an update, and
     * the key was absent at some moment of the call if this returns null.
     *
     * @throws IllegalStateException if the reader finds a segment released while the directory, unchanged since,
     *     still points into it (a bug: a reclaim changes the directory before it releases what it moved out of)
     */
    public <C> Object read(String key, C context, RecordReader<C> reader) {
        long hash = KeyHash.of(key);
        while (true) {
            long before = sequence;
            if ((before & 1) == 0) {
                Object result = table.read(key, hash, context, reader, this, before);
                if (result == RecordReader.RELEASED) {
                    if (sequence == before) {
                        throw new IllegalStateException("The key directory still points key \"" + key
                                + "\" into a released segment");
                    }
                } else if (result != KeyTable.RETRY) {
                    return result;
                }
            }
            Thread.onSpinWait();
        }
    }

    /** Whether no update has begun since {@code version} was read: the reads made since then are of one moment. */
    boolean unchangedSince(long version) {
        VarHandle.acquireFence();
        return sequence == version;
    }

    /** A version to read under: odd while an update or a batch is being applied, and changed by every one. */
    public long version() {
        return sequence;
    }

    /** The number of entries, expired ones included. */
    public int size() {
        while (true) {
            long before = sequence;
            int count = live;
            VarHandle.acquireFence();
            if ((before & 1) == 0 && sequence == before) {
                return count;
            }
            Thread.onSpinWait();
        }
    }

    /** The number of entries that have not expired at {@code nowMillis}. */
    public long liveCount(long nowMillis) {
        while (true) {
            long before = sequence;
            long expiringNow = expiring;
            int count = live;
            VarHandle.acquireFence();
            if ((before & 1) == 0 && sequence == before) {
                if (expiringNow == 0) {
                    return count;
                }
                break;
            }
            Thread.onSpinWait();
        }
        long[] totals = new long[1];
        forEach(nowMillis, (key, location) -> totals[0]++, false);
        return totals[0];
    }

    /** The total length of the records of the entries that have not expired at {@code nowMillis}. */
    public long liveBytes(long nowMillis) {
        long[] total = new long[1];
        forEach(nowMillis, (key, location) -> total[0] += location.length(), false);
        return total[0];
    }

    /** The keys that have not expired at {@code nowMillis}, copied. */
    public Set<String> liveKeys(long nowMillis) {
        Set<String> keys = new HashSet<>(Math.max(16, (int) (size() / 0.75f) + 1));
        forEach(nowMillis, (key, location) -> keys.add(key), true);
        return keys;
    }

    /**
     * Every entry, expired or not. Weakly consistent under concurrent updates, like the iterators of
     * {@code ConcurrentHashMap}: each entry is read whole, and an entry present throughout the iteration is returned
     * exactly once (with its location at some moment of the iteration); others may or may not be.
     */
    public Iterable<Map.Entry<String, Location>> entries() {
        return () -> new EntryIterator(table);
    }

    /** Receives the places of a {@link #forEachPlace} pass. */
    @FunctionalInterface
    public interface PlaceVisitor {
        /** An entry in {@code slot}, whose record is {@code length} bytes at {@code offset} in {@code segment}. */
        void visit(Segment segment, long offset, int length, long expiry, int slot);
    }

    /**
     * The place of every entry, expired or not, in slot order, without its key: consistent like {@link #entries()},
     * and without the cost of decoding each key and allocating, for a pass over millions of entries that only needs
     * their places.
     *
     * @return the generation of the table walked, for {@link #moveAt}
     */
    public long forEachPlace(PlaceVisitor visitor) {
        KeyTable t = table;
        Segment[] segment = new Segment[1];
        long[] place = new long[2];
        for (int i = 0; i < t.capacity; i++) {
            while (true) {
                long before = sequence;
                if ((before & 1) == 0) {
                    int read = t.readPlace(i, segment, place);
                    VarHandle.acquireFence();
                    if (sequence == before && read != KeyTable.RETRY_PLACE) {
                        if (read == KeyTable.ENTRY) {
                            visitor.visit(segment[0], place[0] >>> 32, (int) place[0], place[1], i);
                        }
                        break;
                    }
                }
                Thread.onSpinWait();
            }
        }
        return t.generation;
    }

    private interface EntryVisitor {
        void visit(String key, Location location);
    }

    /** Visits the entries not expired at {@code nowMillis}, with their keys only if {@code withKeys}. */
    private void forEach(long nowMillis, EntryVisitor visitor, boolean withKeys) {
        KeyTable t = table;
        for (int i = 0; i < t.capacity; i++) {
            Map.Entry<String, Location> entry = readSlot(t, i, withKeys);
            if (entry != null && !entry.getValue().expiredAt(nowMillis)) {
                visitor.visit(entry.getKey(), entry.getValue());
            }
        }
    }

    /**
     * Slot {@code i} of {@code t} read whole under the sequence lock, or null if it holds no entry. A table that has
     * been replaced is no longer written, so whatever it holds is whole.
     */
    private Map.Entry<String, Location> readSlot(KeyTable t, int i, boolean withKey) {
        while (true) {
            long before = sequence;
            if ((before & 1) == 0) {
                Map.Entry<String, Location> entry = t.readEntry(i, withKey);
                VarHandle.acquireFence();
                if (sequence == before && entry != KeyTable.RETRY_ENTRY) {
                    return entry;
                }
            }
            Thread.onSpinWait();
        }
    }

    private final class EntryIterator implements Iterator<Map.Entry<String, Location>> {
        private final KeyTable t;
        private int slot;
        private Map.Entry<String, Location> next;

        EntryIterator(KeyTable t) {
            this.t = t;
            advance();
        }

        private void advance() {
            next = null;
            while (next == null && slot < t.capacity) {
                next = readSlot(t, slot++, true);
            }
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public Map.Entry<String, Location> next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            Map.Entry<String, Location> entry = next;
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
        if (live + tombstones + (long) additional > table.threshold) {
            rebuild(capacityFor(live + (long) additional, REBUILT_LOAD));
        }
    }

    /** Rebuilds the table smaller if it is less than a quarter full, as it may be after recovery over-estimated. */
    public void trim() {
        KeyTable t = table;
        if (t.capacity > MIN_CAPACITY && live < t.capacity / 4) {
            rebuild(capacityFor(live, 0.6));
        }
    }

    private void beginWrite() {
        if (batchDepth == 0) {
            SEQUENCE.setOpaque(this, sequence + 1);
            VarHandle.storeStoreFence();
        }
    }

    private void endWrite() {
        if (batchDepth == 0) {
            SEQUENCE.setRelease(this, sequence + 1);
        }
    }

    /** Maps {@code key} to {@code location}; returns the location it replaces, or null. */
    public Location put(String key, Location location) {
        return put(key.getBytes(StandardCharsets.UTF_8), location);
    }

    /**
     * Maps the key whose UTF-8 encoding is {@code keyBytes} (which the writer has already made, and which is not
     * kept) to {@code location}; returns the location it replaces, or null.
     */
    public Location put(byte[] keyBytes, Location location) {
        return put(keyBytes, KeyHash.of(keyBytes, 0, keyBytes.length), location);
    }

    private Location put(byte[] keyBytes, long hash, Location location) {
        makeRoom();
        beginWrite();
        try {
            KeyTable t = table;
            int slot = t.writerFind(null, keyBytes, 0, keyBytes.length, hash);
            if (slot >= 0) {
                Location previous = t.locationAt(slot);
                update(t, slot, location);
                return previous;
            }
            insert(t, -slot - 1, hash, keyBytes, 0, keyBytes.length, location.segment(), location.offset(),
                    location.length(), location.expiry());
            return null;
        } finally {
            endWrite();
        }
    }

    /**
     * Maps each key {@code keys[i]} (UTF-8, as for {@link #put(byte[], Location)}) to {@code locations[i]}, or removes
     * it where that is null, in order, and returns the locations they replace (null where none). For a batch: the
     * home slots of a group of keys are read before any of them is updated, so that their cache misses overlap
     * rather than follow one another.
     */
    public Location[] putAll(byte[][] keys, Location[] locations) {
        Location[] previous = new Location[keys.length];
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
                sum += touchEntry(hashes[i - from]);
            }
            for (int i = from; i < to; i++) {
                previous[i] = locations[i] != null ? put(keys[i], hashes[i - from], locations[i])
                        : remove(keys[i], hashes[i - from]);
            }
        }
        touched += sum;
        return previous;
    }

    /** Reads the arena entry that the home slot of {@code hash} names, if its fingerprint is the key's. */
    private int touchEntry(long hash) {
        KeyTable t = table;
        long word = t.slots[2 * KeyTable.home(hash, t.capacity)];
        if (word == KeyTable.EMPTY || word == KeyTable.TOMBSTONE
                || word >>> KeyTable.FINGERPRINT_SHIFT != hash >>> KeyTable.FINGERPRINT_SHIFT) {
            return 0;
        }
        long ref = word & KeyTable.REF_MASK;
        return t.arena.page(ref)[KeyArena.offset(ref)];
    }

    /** Removes the key {@code keyBytes}, whose hash is {@code hash}; returns the location it had, or null. */
    private Location remove(byte[] keyBytes, long hash) {
        KeyTable t = table;
        int slot = t.writerFind(null, keyBytes, 0, keyBytes.length, hash);
        if (slot < 0) {
            return null;
        }
        Location previous = t.locationAt(slot);
        beginWrite();
        try {
            delete(t, slot);
        } finally {
            endWrite();
        }
        return previous;
    }

    /**
     * Replays a put: maps the key whose UTF-8 bytes are {@code bytes[keyStart, keyStart + keyLength)} to the given
     * record, without making a {@code String} or a {@link Location} of it.
     */
    public void put(ByteBuffer bytes, int keyStart, int keyLength, Segment segment, long offset, int length,
            long expiry) {
        byte[] array = arrayOf(bytes, keyStart, keyLength);
        int start = array == scratch ? 0 : bytes.arrayOffset() + keyStart;
        putBytes(array, start, keyLength, KeyHash.of(array, start, keyLength), segment, offset, length, expiry);
    }

    /** Replays a delete: removes the key whose UTF-8 bytes are {@code bytes[keyStart, keyStart + keyLength)}. */
    public void remove(ByteBuffer bytes, int keyStart, int keyLength) {
        byte[] array = arrayOf(bytes, keyStart, keyLength);
        int start = array == scratch ? 0 : bytes.arrayOffset() + keyStart;
        removeBytes(array, start, keyLength, KeyHash.of(array, start, keyLength));
    }

    /** The array behind {@code bytes}, or the key copied into the scratch array if there is none. */
    private byte[] arrayOf(ByteBuffer bytes, int keyStart, int keyLength) {
        if (bytes.hasArray()) {
            return bytes.array();
        }
        byte[] copy = scratch(keyLength);
        bytes.get(keyStart, copy, 0, keyLength);
        return copy;
    }

    /** Maps the key {@code array[start, start + keyLength)}, whose hash is {@code hash}, to the given record. */
    void putBytes(byte[] array, int start, int keyLength, long hash, Segment segment, long offset, int length,
            long expiry) {
        makeRoom();
        beginWrite();
        try {
            KeyTable t = table;
            int slot = t.writerFind(null, array, start, keyLength, hash);
            if (slot >= 0) {
                update(t, slot, segment, offset, length, expiry);
            } else {
                insert(t, -slot - 1, hash, array, start, keyLength, segment, offset, length, expiry);
            }
        } finally {
            endWrite();
        }
    }

    /** Removes the key {@code array[start, start + keyLength)}, whose hash is {@code hash}. */
    void removeBytes(byte[] array, int start, int keyLength, long hash) {
        KeyTable t = table;
        int slot = t.writerFind(null, array, start, keyLength, hash);
        if (slot >= 0) {
            beginWrite();
            try {
                delete(t, slot);
            } finally {
                endWrite();
            }
        }
    }

    /**
     * Reads the first slot a key of hash {@code hash} probes, and returns it, for the writer to touch several slots
     * before it updates them, so that their cache misses overlap (see {@link KeyReplay}).
     */
    long touch(long hash) {
        KeyTable t = table;
        int home = KeyTable.home(hash, t.capacity);
        return t.slots[2 * home] + t.hashes[home];
    }

    private byte[] scratch(int length) {
        if (scratch == null || scratch.length < length) {
            scratch = new byte[Math.max(length, 64)];
        }
        return scratch;
    }

    /** Removes {@code key}; returns the location it had, or null. */
    public Location remove(String key) {
        KeyTable t = table;
        int slot = t.writerFind(key, null, 0, 0, KeyHash.of(key));
        if (slot < 0) {
            return null;
        }
        Location previous = t.locationAt(slot);
        beginWrite();
        try {
            delete(t, slot);
        } finally {
            endWrite();
        }
        return previous;
    }

    /** Moves {@code key} from {@code expected} to {@code update} if it is still at {@code expected}. */
    public boolean replace(String key, Location expected, Location update) {
        KeyTable t = table;
        int slot = t.writerFind(key, null, 0, 0, KeyHash.of(key));
        if (slot < 0 || !expected.equals(t.locationAt(slot))) {
            return false;
        }
        beginWrite();
        try {
            update(t, slot, update);
        } finally {
            endWrite();
        }
        return true;
    }

    /** {@link #moveAt} result: the table was rebuilt since {@code slot} was read; move by key instead. */
    public static final int SLOT_UNKNOWN = -1;
    /** {@link #moveAt} result: the entry no longer points at the record, and was left as it is. */
    public static final int NOT_MOVED = 0;
    /** {@link #moveAt} result: the entry was moved. */
    public static final int MOVED = 1;

    /**
     * Moves the entry in {@code slot}, as {@link #forEachPlace} returning {@code generation} saw it, from the record of
     * {@code length} bytes at {@code fromOffset} in {@code from} to the same record copied to {@code toOffset} in
     * {@code to}, if it still points at the former; its key and expiry stay. Without a key to hash and compare, and
     * with the slots taken in order, a reclaim moves a million entries in a fraction of the time a lookup of each
     * would take, while it holds the write lock.
     *
     * @return {@link #MOVED}, {@link #NOT_MOVED}, or {@link #SLOT_UNKNOWN} when the table has been rebuilt since
     */
    public int moveAt(long generation, int slot, Segment from, long fromOffset, int length, Segment to,
            long toOffset) {
        KeyTable t = table;
        if (t.generation != generation) {
            return SLOT_UNKNOWN;
        }
        return moveSlot(t, slot, from, fromOffset, length, to, toOffset) ? MOVED : NOT_MOVED;
    }

    /**
     * Moves the key whose UTF-8 bytes are {@code array[start, start + keyLength)} as {@link #moveAt} does, found by
     * its key.
     *
     * @return whether the key was there, at the record, and moved
     */
    public boolean move(byte[] array, int start, int keyLength, Segment from, long fromOffset, int length,
            Segment to, long toOffset) {
        KeyTable t = table;
        int slot = t.writerFind(null, array, start, keyLength, KeyHash.of(array, start, keyLength));
        return slot >= 0 && moveSlot(t, slot, from, fromOffset, length, to, toOffset);
    }

    /** A record is named by its segment and offset (with its length), since no two records share them. */
    private boolean moveSlot(KeyTable t, int slot, Segment from, long fromOffset, int length, Segment to,
            long toOffset) {
        long word = t.slots[2 * slot];
        if (word == KeyTable.EMPTY || word == KeyTable.TOMBSTONE
                || (t.slots[2 * slot + 1] & ~KeyTable.EXPIRES) != KeyTable.where(fromOffset, length, NEVER)) {
            return false;
        }
        int oldHandle = (int) ((word >>> KeyTable.HANDLE_SHIFT) & KeyTable.HANDLE_MASK);
        if (t.segments[oldHandle] != from) {
            return false;
        }
        beginWrite();
        try {
            int handle = handles.acquire(to);
            handles.release(oldHandle);
            t.segments = handles.segments();
            // The key and its expiry stay: so does the flag that says it has one.
            long expires = t.slots[2 * slot + 1] & KeyTable.EXPIRES;
            t.slots[2 * slot + 1] = KeyTable.where(toOffset, length, NEVER) | expires;
            t.slots[2 * slot] = KeyTable.word(word, handle, word & KeyTable.REF_MASK);
        } finally {
            endWrite();
        }
        return true;
    }

    /** Removes {@code key} if it is still at {@code expected}. */
    public boolean remove(String key, Location expected) {
        KeyTable t = table;
        int slot = t.writerFind(key, null, 0, 0, KeyHash.of(key));
        if (slot < 0 || !expected.equals(t.locationAt(slot))) {
            return false;
        }
        beginWrite();
        try {
            delete(t, slot);
        } finally {
            endWrite();
        }
        return true;
    }

    private void update(KeyTable t, int slot, Location location) {
        update(t, slot, location.segment(), location.offset(), location.length(), location.expiry());
    }

    /** Points the entry in {@code slot} at another record. Inside a write. */
    private void update(KeyTable t, int slot, Segment segment, long offset, int length, long expiry) {
        long word = t.slots[2 * slot];
        long ref = word & KeyTable.REF_MASK;
        KeyArena arena = t.arena;
        byte[] page = arena.page(ref);
        int entryOffset = KeyArena.offset(ref);
        int header = KeyArena.header(page, entryOffset);
        int keyLength = KeyArena.keyLength(header);
        long oldExpiry = KeyArena.hasExpiryField(header) ? KeyArena.expiry(page, entryOffset, keyLength)
                : RecordHeader.NO_EXPIRY;
        if (KeyArena.hasExpiryField(header)) {
            arena.setExpiry(ref, keyLength, expiry);
        } else if (expiry != RecordHeader.NO_EXPIRY) {
            // No field for an expiry: a new entry that has one; the old one is garbage until the next rebuild.
            long moved = arena.allocate(keyLength, true, expiry);
            System.arraycopy(page, entryOffset + KeyArena.HEADER, arena.page(moved), KeyArena.keyStart(moved),
                    keyLength);
            garbageBytes += KeyArena.entrySize(keyLength, false);
            ref = moved;
        }
        int oldHandle = (int) ((word >>> KeyTable.HANDLE_SHIFT) & KeyTable.HANDLE_MASK);
        int handle = handles.acquire(segment);
        handles.release(oldHandle);
        t.segments = handles.segments();
        t.slots[2 * slot + 1] = KeyTable.where(offset, length, expiry);
        t.slots[2 * slot] = KeyTable.word(word, handle, ref);
        expiring += (expiry != RecordHeader.NO_EXPIRY ? 1 : 0) - (oldExpiry != RecordHeader.NO_EXPIRY ? 1 : 0);
    }

    /** Puts a new entry in the free slot {@code slot}. Inside a write; {@link #makeRoom()} was called before it. */
    private void insert(KeyTable t, int slot, long hash, byte[] key, int start, int keyLength, Segment segment,
            long offset, int length, long expiry) {
        boolean expires = expiry != RecordHeader.NO_EXPIRY;
        long ref = t.arena.allocate(keyLength, expires, expiry);
        System.arraycopy(key, start, t.arena.page(ref), KeyArena.keyStart(ref), keyLength);
        int handle = handles.acquire(segment);
        t.segments = handles.segments();
        if (t.slots[2 * slot] == KeyTable.TOMBSTONE) {
            tombstones--;
        }
        t.slots[2 * slot + 1] = KeyTable.where(offset, length, expiry);
        t.slots[2 * slot] = KeyTable.word(hash, handle, ref);
        t.hashes[slot] = (int) hash;
        live++;
        if (expires) {
            expiring++;
        }
    }

    /** Turns the entry in {@code slot} into a tombstone. Inside a write. */
    private void delete(KeyTable t, int slot) {
        long word = t.slots[2 * slot];
        long ref = word & KeyTable.REF_MASK;
        byte[] page = t.arena.page(ref);
        int offset = KeyArena.offset(ref);
        int header = KeyArena.header(page, offset);
        int keyLength = KeyArena.keyLength(header);
        if (KeyArena.hasExpiryField(header)
                && KeyArena.expiry(page, offset, keyLength) != RecordHeader.NO_EXPIRY) {
            expiring--;
        }
        t.slots[2 * slot] = KeyTable.TOMBSTONE;
        t.slots[2 * slot + 1] = 0;
        handles.release((int) ((word >>> KeyTable.HANDLE_SHIFT) & KeyTable.HANDLE_MASK));
        t.segments = handles.segments();
        garbageBytes += KeyArena.entrySize(keyLength, KeyArena.hasExpiryField(header));
        live--;
        tombstones++;
    }

    /**
     * Before a write that may insert: rebuilds the table if one more entry would fill it past
     * {@link KeyTable#MAX_LOAD}, or if more than half of its arena is garbage. Outside a batch, readers go on
     * reading the old table meanwhile.
     */
    private void makeRoom() {
        KeyTable t = table;
        if (live + tombstones + 1 > t.threshold) {
            rebuild(capacityFor(live + 1L, REBUILT_LOAD));
        } else if (batchDepth == 0 && garbageBytes > MIN_GARBAGE_TO_COMPACT
                && garbageBytes > t.arena.usedBytes() / 2) {
            rebuild(t.capacity, true);
        }
    }

    /** Rebuilds the table with {@code capacity} slots, dropping its tombstones, and its arena's garbage if much. */
    private void rebuild(int capacity) {
        KeyTable t = table;
        rebuild(capacity, garbageBytes > MIN_GARBAGE_TO_COMPACT && garbageBytes > t.arena.usedBytes() / 4);
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
        if (compactKeys) {
            KeyTable fresh = new KeyTable(capacity, new KeyArena(), old.segments, old.generation + 1);
            old.copyTo(fresh);
            garbageBytes = 0;
            table = fresh;
        } else {
            KeyTable fresh = new KeyTable(capacity, old.arena.copy(), old.segments, old.generation + 1);
            old.rehashInto(fresh);
            table = fresh;
        }
        tombstones = 0;
    }

    /** Bytes of memory the directory holds: its slots and its arena pages (for tests and figures). */
    long memoryBytes() {
        KeyTable t = table;
        return (long) t.slots.length * Long.BYTES + (long) t.hashes.length * Integer.BYTES + t.arena.capacityBytes();
    }

    int capacity() {
        return table.capacity;
    }
}
