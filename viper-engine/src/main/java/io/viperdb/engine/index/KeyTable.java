package io.viperdb.engine.index;

import io.viperdb.engine.format.RecordHeader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One generation of a {@link KeyDirectory}'s hash table, and the one class that knows its slot layout: slots of two
 * words each, in arrays on the heap, or little-endian in a buffer mapped from an index file (see {@link IndexBuffers}),
 * and the keys in a {@link KeyArena}. Linear probing from the slot {@link #home} gives; a removed entry leaves a
 * tombstone.
 *
 * <p>A mapped table is never written: the first write to a page of {@value #SLOTS_PER_PAGE} slots (or
 * {@value #HASHES_PER_PAGE} hashes, a KiB either way) copies that page to the heap, and every later use of the page
 * reads the copy. So the first writes after an open from an index file, a crash's replay among them, cost a small
 * allocation per page they touch, rather than a copy of the whole table, or a fault of the operating system's
 * copy-on-write per 4 KiB page (10 to 30 µs on a virtual machine, where a fresh page also costs the host a fault).
 * Once they have copied {@link #copiedMoreThan enough} of the pages, the directory moves the table to the heap whole
 * ({@link #onHeap}): one copy, into arrays that the collector never moves again, rather than tens of thousands of
 * small ones that it copies from one young collection to the next, and one load per access instead of two.
 * <pre>
 * word 0  fingerprint:8 | segment handle:18 | arena reference:38     0 = empty slot, 1 = tombstone
 * word 1  record offset:32 | expires:1 | record length:31
 * </pre>
 * The fingerprint is the top byte of the key's {@link KeyHash hash}; the segment handle is a small number that
 * {@link SegmentHandles} gives a segment id; {@code expires} is set when the key has an expiry (kept in its arena
 * entry), so that a reader that finds it clear knows the key never expires without reading the arena.
 *
 * <p>Only the current generation is written, and only by the directory's writer, inside a write of its sequence
 * lock; a reader may be reading any generation. Reader methods ({@link #candidate}, {@link #find}, {@link #entryAt},
 * {@link #placeAt}) check every reference against the arrays they hold and return {@link #RETRY} (or
 * {@link #RETRY_ENTRY}) rather than throw when what they read cannot be consistent; the directory reads again. Writer
 * methods trust the table.
 */
final class KeyTable {

    static final double MAX_LOAD = 0.75;
    static final int SLOT_BYTES = 2 * Long.BYTES;
    /** The slots in a page that a mapped table copies to the heap at its first write. */
    static final int SLOTS_PER_PAGE = 1 << 6;
    /** The hashes in a page that a mapped table copies to the heap at its first write. */
    static final int HASHES_PER_PAGE = 1 << 8;
    private static final int SLOT_PAGE_SHIFT = Integer.numberOfTrailingZeros(SLOTS_PER_PAGE);
    private static final int HASH_PAGE_SHIFT = Integer.numberOfTrailingZeros(HASHES_PER_PAGE);

    /** What a reader's probe returns when what it read cannot be consistent: the directory reads again. */
    static final Place RETRY = new Place(SegmentHandles.FREE, -1, -1, -1);
    /** {@link #entryAt}'s {@link #RETRY}. */
    static final Entry RETRY_ENTRY = new Entry(null, RETRY);

    private static final int REF_BITS = KeyArena.REF_BITS;
    private static final long REF_MASK = (1L << REF_BITS) - 1;
    private static final int HANDLE_SHIFT = REF_BITS;
    private static final long HANDLE_MASK = (1L << SegmentHandles.BITS) - 1;
    private static final int FINGERPRINT_SHIFT = REF_BITS + SegmentHandles.BITS;
    private static final long EMPTY = 0;
    private static final long TOMBSTONE = 1;
    /** Word 1's flag: the key has an expiry. A record is shorter than 2^31 bytes, so its length leaves the bit free. */
    private static final long EXPIRES = 1L << 31;
    private static final int LENGTH_MASK = (int) EXPIRES - 1;
    private static final long NEVER = RecordHeader.NO_EXPIRY;

    static {
        if (FINGERPRINT_SHIFT + 8 != Long.SIZE) {
            throw new AssertionError("slot word 0 must be 64 bits");
        }
    }

    /**
     * The slots of a table made here, two words each (word 0, then word 1); null if the table is mapped. Plain arrays,
     * not heap buffers, for the writer's probes: an array element is one load, a buffer's several.
     */
    private final long[] words;
    /**
     * The low 32 bits of the hash of each slot's key, the bits its home slot comes from, for a table made here (null if
     * mapped): kept by the writer so that growing the table moves entries without reading and hashing their keys
     * again (a cache miss each, in arena order), and compared before a key whose fingerprint matches is read. Readers
     * never look at it.
     */
    private final int[] hashWords;
    /** The slots of a table mapped from an index file, {@value #SLOT_BYTES} bytes each, only read; null if made here. */
    private final ByteBuffer mappedSlots;
    /** The hashes of a table mapped from an index file, 4 bytes each, only read; null if made here. */
    private final ByteBuffer mappedHashes;
    /**
     * A mapped table's pages of slots that the writer has written, copied to the heap at the first write (two words a
     * slot, as in {@link #words}), null for a page still read from the mapping; null if the table was made here.
     */
    private final long[][] slotPages;
    /** A mapped table's pages of hashes that the writer has written, as {@link #slotPages}. */
    private final int[][] hashPages;
    /** How many pages of {@link #slotPages} and {@link #hashPages} the writer has copied. */
    private int pagesCopied;
    final int capacity;
    /** Entries and tombstones may take this many slots before a rebuild. */
    final int threshold;
    final KeyArena arena;
    /** One more than the table it was rebuilt from: a slot number means the same entry only in the same generation. */
    final long generation;
    /** The segment id of each handle, as of the last write to this table (see {@link SegmentHandles}). */
    long[] segments;
    /**
     * The checks of the slots and hashes of a table mapped from an index file, or copied from one to the heap (see
     * {@link BlockChecks}), each block checked before it is first used; null for a table made here, and once every
     * block is checked. Set by {@link IndexFile} before the table is used.
     */
    BlockChecks slotChecks;
    BlockChecks hashChecks;

    // The writer's counts, carried over by a rebuild; readers read live only, under the sequence lock.
    int live;
    int tombstones;
    long expiring;
    /** Bytes of arena entries no slot refers to any more. */
    long garbageBytes;

    /** An empty table of {@code capacity} slots, on the heap. */
    KeyTable(int capacity, KeyArena arena, long[] segments, long generation) {
        this(new long[2 * capacity], new int[capacity], null, null, arena, segments, generation);
    }

    private KeyTable(long[] words, int[] hashWords, ByteBuffer mappedSlots, ByteBuffer mappedHashes, KeyArena arena,
            long[] segments, long generation) {
        int capacity = hashWords != null ? hashWords.length : mappedHashes.capacity() / Integer.BYTES;
        long slotBytes = words != null ? (long) words.length * Long.BYTES : mappedSlots.capacity();
        if (slotBytes != (long) SLOT_BYTES * capacity) {
            throw new IllegalArgumentException(slotBytes + " bytes of slots for " + capacity + " hashes");
        }
        this.words = words;
        this.hashWords = hashWords;
        this.mappedSlots = mappedSlots;
        this.mappedHashes = mappedHashes;
        this.slotPages = words != null ? null : new long[(capacity + SLOTS_PER_PAGE - 1) >>> SLOT_PAGE_SHIFT][];
        this.hashPages = words != null ? null : new int[(capacity + HASHES_PER_PAGE - 1) >>> HASH_PAGE_SHIFT][];
        this.generation = generation;
        this.capacity = capacity;
        this.threshold = (int) (capacity * MAX_LOAD);
        this.arena = arena;
        this.segments = segments;
    }

    /**
     * A table over {@code slots} and {@code hashes} (of {@value #SLOT_BYTES} and 4 bytes a slot, little-endian) mapped
     * from an index file, which it reads in place and never writes: it copies a page to the heap at its first write.
     */
    static KeyTable mapped(ByteBuffer slots, ByteBuffer hashes, KeyArena arena, long[] segments) {
        return new KeyTable(null, null, slots, hashes, arena, segments, 0);
    }

    /** A table on the heap, its slots and hashes copied from {@code slots} and {@code hashes}, as {@link #mapped} takes. */
    static KeyTable copied(ByteBuffer slots, ByteBuffer hashes, KeyArena arena, long[] segments) {
        KeyTable table = new KeyTable(hashes.capacity() / Integer.BYTES, arena, segments, 0);
        IndexBuffers.copy(slots, table.words);
        IndexBuffers.copy(hashes, table.hashWords);
        return table;
    }

    /** Whether the table's slots are mapped from an index file, rather than on the heap. */
    boolean mapped() {
        return words == null;
    }

    // ---------------------------------------------------------------------------------------------------- reads

    /**
     * A reader's probe for the first entry on the key's probe path that may be the key's: its place, null if the key
     * is absent, or {@link #RETRY}. An entry whose fingerprint matches is taken without a look at the arena, unless
     * the key has an expiry (which the arena holds): the record holds the key too, and the store compares that one.
     */
    Place candidate(byte[] key, int start, int length, long hash) {
        KeyArena.Pages pages = arena.pages();
        long fingerprint = hash >>> FINGERPRINT_SHIFT;
        int i = home(hash, capacity);
        for (int probes = 0; probes < capacity; probes++, i = next(i, capacity)) {
            long word = word0(i);
            if (word == EMPTY) {
                return null;
            }
            if (word >>> FINGERPRINT_SHIFT != fingerprint || word == TOMBSTONE) {
                continue;
            }
            long where = word1(i);
            if ((where & EXPIRES) == 0) {
                return place(word, where, NEVER);
            }
            int owner = owner(word, pages, key, start, length);
            if (owner == TORN) {
                return RETRY;
            }
            if (owner == KEY) {
                return place(word, where, expiryOf(word, pages));
            }
        }
        return RETRY;
    }

    /** A reader's probe that compares the keys in the arena: the key's place, null if it is absent, or {@link #RETRY}. */
    Place find(byte[] key, int start, int length, long hash) {
        KeyArena.Pages pages = arena.pages();
        long fingerprint = hash >>> FINGERPRINT_SHIFT;
        int i = home(hash, capacity);
        for (int probes = 0; probes < capacity; probes++, i = next(i, capacity)) {
            long word = word0(i);
            if (word == EMPTY) {
                return null;
            }
            if (word >>> FINGERPRINT_SHIFT != fingerprint || word == TOMBSTONE) {
                continue;
            }
            int owner = owner(word, pages, key, start, length);
            if (owner == TORN) {
                return RETRY;
            }
            if (owner == KEY) {
                long where = word1(i);
                return place(word, where, (where & EXPIRES) != 0 ? expiryOf(word, pages) : NEVER);
            }
        }
        return RETRY;
    }

    /** A reader's look at slot {@code i}: its key and place, null if it holds no entry, or {@link #RETRY_ENTRY}. */
    Entry entryAt(int i) {
        long word = word0(i);
        if (word == EMPTY || word == TOMBSTONE) {
            return null;
        }
        KeyArena.Pages pages = arena.pages();
        if (!readable(word, pages)) {
            return RETRY_ENTRY;
        }
        ByteBuffer page = pageOf(word, pages);
        byte[] key = IndexBuffers.bytes(page, keyStartOf(word), keyLengthOf(word, page));
        long where = word1(i);
        Place place = place(word, where, (where & EXPIRES) != 0 ? expiryOf(word, pages) : NEVER);
        return place == RETRY ? RETRY_ENTRY : new Entry(key, place);
    }

    /**
     * A reader's look at slot {@code i} without its key: its place, null if it holds no entry, or {@link #RETRY}.
     * Only a key with an expiry needs its arena entry, which is in insertion order: a miss per entry in a pass in slot
     * order, which was most of a reclaim's pass over a million keys.
     */
    Place placeAt(int i) {
        long word = word0(i);
        if (word == EMPTY || word == TOMBSTONE) {
            return null;
        }
        long where = word1(i);
        if ((where & EXPIRES) == 0) {
            return place(word, where, NEVER);
        }
        KeyArena.Pages pages = arena.pages();
        return readable(word, pages) ? place(word, where, expiryOf(word, pages)) : RETRY;
    }

    /** The place slot words {@code word} and {@code where} name, or {@link #RETRY} if the handle is not a segment's. */
    private Place place(long word, long where, long expiry) {
        int handle = handle(word);
        long[] ids = segments; // read once: the writer may replace it meanwhile
        long segment = handle < ids.length ? ids[handle] : SegmentHandles.FREE;
        if (segment == SegmentHandles.FREE) {
            return RETRY;
        }
        return new Place(segment, where >>> 32, (int) where & LENGTH_MASK, expiry);
    }

    private static final int KEY = 1;
    private static final int OTHER = 0;
    private static final int TORN = -1;

    /**
     * Whether the arena entry of slot word {@code word} holds the key {@code key[start, start + length)} ({@link #KEY}),
     * another key ({@link #OTHER}), or cannot be read consistently ({@link #TORN}).
     */
    private static int owner(long word, KeyArena.Pages pages, byte[] key, int start, int length) {
        if (!readable(word, pages)) {
            return TORN;
        }
        ByteBuffer page = pageOf(word, pages);
        int keyStart = keyStartOf(word);
        return keyLengthOf(word, page) == length && IndexBuffers.equals(page, keyStart, key, start, length) ? KEY
                : OTHER;
    }

    /** The arena page that holds the entry of slot word {@code word}, which {@link #readable} has found whole. */
    private static ByteBuffer pageOf(long word, KeyArena.Pages pages) {
        return pages.get((int) ((word & REF_MASK) >>> KeyArena.PAGE_SHIFT));
    }

    /** Where the key of slot word {@code word} starts in its page. */
    private static int keyStartOf(long word) {
        return KeyArena.keyStart(word & REF_MASK);
    }

    /** The length of the key of slot word {@code word}, whose entry is in {@code page}. */
    private static int keyLengthOf(long word, ByteBuffer page) {
        return KeyArena.keyLength(KeyArena.header(page, KeyArena.offset(word & REF_MASK)));
    }

    /**
     * Whether the arena entry of slot word {@code word} lies whole within the arena pages a reader holds: if not, the
     * reader read the word in the middle of an update.
     */
    private static boolean readable(long word, KeyArena.Pages pages) {
        long ref = word & REF_MASK;
        int pageIndex = (int) (ref >>> KeyArena.PAGE_SHIFT);
        ByteBuffer page = pages.get(pageIndex);
        int offset = KeyArena.offset(ref);
        return page != null && offset + KeyArena.HEADER <= page.capacity()
                && KeyArena.fits(page, offset, KeyArena.header(page, offset));
    }

    /** The expiry in the arena entry of slot word {@code word}, which {@link #readable} has found whole. */
    private static long expiryOf(long word, KeyArena.Pages pages) {
        long ref = word & REF_MASK;
        ByteBuffer page = pages.get((int) (ref >>> KeyArena.PAGE_SHIFT));
        int offset = KeyArena.offset(ref);
        int header = KeyArena.header(page, offset);
        return KeyArena.hasExpiryField(header) ? KeyArena.expiry(page, offset, KeyArena.keyLength(header)) : NEVER;
    }

    // ---------------------------------------------------------------------------------------------------- writes

    /**
     * The writer's probe: the slot that holds the key {@code key[start, start + length)}, or {@code -1 - s} where
     * {@code s} is the slot to insert it in (the first tombstone on its probe path, else the empty slot that ends it).
     */
    int writerFind(byte[] key, int start, int length, long hash) {
        long fingerprint = hash >>> FINGERPRINT_SHIFT;
        int free = -1;
        int i = home(hash, capacity);
        while (true) {
            long word = word0(i);
            if (word == EMPTY) {
                return -1 - (free >= 0 ? free : i);
            }
            if (word == TOMBSTONE) {
                if (free < 0) {
                    free = i;
                }
            } else if (word >>> FINGERPRINT_SHIFT == fingerprint && hashAt(i) == (int) hash) {
                long ref = word & REF_MASK;
                ByteBuffer page = arena.page(ref);
                int offset = KeyArena.offset(ref);
                int keyStart = offset + KeyArena.HEADER;
                if (KeyArena.keyLength(KeyArena.header(page, offset)) == length
                        && IndexBuffers.equals(page, keyStart, key, start, length)) {
                    return i;
                }
            }
            i = next(i, capacity);
        }
    }

    /** The arena reference of the entry in slot {@code slot}, or -1 if it holds none; from the writer's side. */
    long refAt(int slot) {
        long word = word0(slot);
        return word == EMPTY || word == TOMBSTONE ? -1 : word & REF_MASK;
    }

    /** The place in slot {@code slot}, which holds an entry, from the writer's side. */
    Place placeOf(int slot) {
        long word = word0(slot);
        long where = word1(slot);
        long expiry = (where & EXPIRES) != 0 ? expiryOf(word, arena.pages()) : NEVER;
        return new Place(segments[handle(word)], where >>> 32, (int) where & LENGTH_MASK, expiry);
    }

    /**
     * Whether slot {@code slot} holds an entry at the record of {@code length} bytes at {@code offset} in segment
     * {@code segment}. A record is named by its segment and offset (with its length), since no two records share them.
     */
    boolean holds(int slot, long segment, long offset, int length) {
        long word = word0(slot);
        return word != EMPTY && word != TOMBSTONE
                && (word1(slot) & ~EXPIRES) == where(offset, length, NEVER)
                && segments[handle(word)] == segment;
    }

    /**
     * Points the entry in slot {@code slot} at the record of {@code length} bytes at {@code offset} in segment
     * {@code segment}, expiring at {@code expiry}. Inside a write.
     *
     * @return the key's new arena reference if its entry had to move (to make room for an expiry, or to leave a
     *     {@linkplain KeyArena#freeze frozen} one as it was), else -1
     */
    long update(int slot, long segment, long offset, int length, long expiry, SegmentHandles handles) {
        long word = word0(slot);
        long ref = word & REF_MASK;
        ByteBuffer page = arena.page(ref);
        int entryOffset = KeyArena.offset(ref);
        int header = KeyArena.header(page, entryOffset);
        int keyLength = KeyArena.keyLength(header);
        long oldExpiry = KeyArena.hasExpiryField(header) ? KeyArena.expiry(page, entryOffset, keyLength) : NEVER;
        long old = ref;
        if (KeyArena.hasExpiryField(header) && arena.rewritable(ref)) {
            arena.setExpiry(ref, keyLength, expiry);
        } else if (expiry != oldExpiry) {
            // No field for an expiry, or one a reader of an older table may read: a new entry with the new expiry;
            // the old one is garbage until the next rebuild.
            long moved = arena.allocate(keyLength, expiry != NEVER, expiry);
            arena.page(moved).put(KeyArena.keyStart(moved), page, entryOffset + KeyArena.HEADER, keyLength);
            garbageBytes += KeyArena.entrySize(keyLength, KeyArena.hasExpiryField(header));
            ref = moved;
        }
        int handle = handles.acquire(segment);
        handles.release(handle(word));
        segments = handles.ids();
        setWord1(slot, where(offset, length, expiry));
        setWord0(slot, word(word, handle, ref));
        expiring += (expiry != NEVER ? 1 : 0) - (oldExpiry != NEVER ? 1 : 0);
        if (ref == old) {
            return -1;
        }
        arena.markDead(old);
        return ref;
    }

    /**
     * Moves the entry in slot {@code slot} to the record of {@code length} bytes at {@code offset} in segment
     * {@code segment}, keeping its key and expiry. Inside a write.
     */
    void move(int slot, long segment, long offset, int length, SegmentHandles handles) {
        long word = word0(slot);
        int handle = handles.acquire(segment);
        handles.release(handle(word));
        segments = handles.ids();
        // The key and its expiry stay: so does the flag that says it has one.
        long expires = word1(slot) & EXPIRES;
        setWord1(slot, where(offset, length, NEVER) | expires);
        setWord0(slot, word(word, handle, word & REF_MASK));
    }

    /**
     * Puts a new entry for the key {@code key[start, start + keyLength)}, whose hash is {@code hash}, in the free slot
     * {@code slot}, at the record {@link #update} says. Inside a write, with room for it.
     *
     * @return the key's arena reference
     */
    long insert(int slot, long hash, byte[] key, int start, int keyLength, long segment, long offset, int length,
            long expiry, SegmentHandles handles) {
        boolean expires = expiry != NEVER;
        long ref = arena.allocate(keyLength, expires, expiry);
        arena.page(ref).put(KeyArena.keyStart(ref), key, start, keyLength);
        int handle = handles.acquire(segment);
        segments = handles.ids();
        if (word0(slot) == TOMBSTONE) {
            tombstones--;
        }
        setWord1(slot, where(offset, length, expiry));
        setWord0(slot, word(hash, handle, ref));
        setHash(slot, (int) hash);
        live++;
        if (expires) {
            expiring++;
        }
        return ref;
    }

    /** Turns the entry in slot {@code slot} into a tombstone. Inside a write. */
    void delete(int slot, SegmentHandles handles) {
        long word = word0(slot);
        long ref = word & REF_MASK;
        ByteBuffer page = arena.page(ref);
        int offset = KeyArena.offset(ref);
        int header = KeyArena.header(page, offset);
        int keyLength = KeyArena.keyLength(header);
        if (KeyArena.hasExpiryField(header) && KeyArena.expiry(page, offset, keyLength) != NEVER) {
            expiring--;
        }
        setWord0(slot, TOMBSTONE);
        setWord1(slot, 0);
        arena.markDead(ref);
        handles.release(handle(word));
        segments = handles.ids();
        garbageBytes += KeyArena.entrySize(keyLength, KeyArena.hasExpiryField(header));
        live--;
        tombstones++;
    }

    /**
     * Reads the first slot a key of hash {@code hash} probes, and returns it, for the writer to touch several slots
     * before it updates them, so that their cache misses overlap (see {@link KeyReplay}).
     */
    long touch(long hash) {
        int home = home(hash, capacity);
        return word0(home) + hashAt(home);
    }

    /** Reads the arena entry that the home slot of {@code hash} names, if its fingerprint is the key's. */
    int touchEntry(long hash) {
        long word = word0(home(hash, capacity));
        if (word == EMPTY || word == TOMBSTONE || word >>> FINGERPRINT_SHIFT != hash >>> FINGERPRINT_SHIFT) {
            return 0;
        }
        long ref = word & REF_MASK;
        return arena.page(ref).get(KeyArena.offset(ref));
    }

    /**
     * A copy of this table as it is now, on the heap, arena and counts included, that later writes to this one leave
     * as it is: for a checkpoint to write to the index file while the store goes on (see
     * {@link KeyDirectory#snapshot}). It copies into the arrays of {@code room} where they are of the right size, and
     * into new ones otherwise.
     */
    KeyTable snapshot(KeyDirectory.SnapshotRoom room) {
        checkAll();
        boolean fits = room.hashes.length == capacity;
        KeyTable copy = new KeyTable(fits ? room.slots : new long[2 * capacity], fits ? room.hashes : new int[capacity],
                null, null, arena.copy(room.pages), segments, generation);
        if (words != null) {
            System.arraycopy(words, 0, copy.words, 0, words.length);
            System.arraycopy(hashWords, 0, copy.hashWords, 0, capacity);
        } else {
            copyMappedInto(copy);
        }
        copy.live = live;
        copy.tombstones = tombstones;
        copy.expiring = expiring;
        copy.garbageBytes = garbageBytes;
        return copy;
    }

    /** Whether the writes to this mapped table have copied more than one in {@code n} of its pages. */
    boolean copiedMoreThan(int n) {
        return pagesCopied > pages() / n;
    }

    /** How many pages of slots and hashes the writes to this mapped table have copied to the heap. */
    int pagesCopied() {
        return pagesCopied;
    }

    /** The pages of slots and hashes of this mapped table. */
    int pages() {
        return slotPages.length + hashPages.length;
    }

    /**
     * A copy of this table, which is mapped from an index file, on the heap: its slots and hashes copied, each block
     * still checked at its first use; its arena shared and {@linkplain KeyArena#freeze frozen}, so that this table,
     * which the writer no longer writes, reads on as it was. Of the same generation: its slot numbers are this table's.
     */
    KeyTable onHeap() {
        KeyTable copy = new KeyTable(capacity, arena, segments, generation);
        copyMappedInto(copy);
        // The blocks not checked yet are copied unchecked, and checked at their first use, against the mapping, which
        // nothing writes: the pages copied before were checked before they were copied.
        copy.slotChecks = slotChecks;
        copy.hashChecks = hashChecks;
        arena.freeze();
        copy.live = live;
        copy.tombstones = tombstones;
        copy.expiring = expiring;
        copy.garbageBytes = garbageBytes;
        return copy;
    }

    /** Copies the slots and hashes of this mapped table, the mapping's and its pages', into those of {@code copy}. */
    private void copyMappedInto(KeyTable copy) {
        IndexBuffers.copy(mappedSlots, copy.words);
        IndexBuffers.copy(mappedHashes, copy.hashWords);
        for (int p = 0; p < slotPages.length; p++) {
            if (slotPages[p] != null) {
                System.arraycopy(slotPages[p], 0, copy.words, 2 * (p << SLOT_PAGE_SHIFT), slotPages[p].length);
            }
        }
        for (int p = 0; p < hashPages.length; p++) {
            if (hashPages[p] != null) {
                System.arraycopy(hashPages[p], 0, copy.hashWords, p << HASH_PAGE_SHIFT, hashPages[p].length);
            }
        }
    }

    /**
     * Puts {@code n} words of the slots, from word {@code from} (word 0 of slot {@code s} is word {@code 2s}), at the
     * position of {@code bytes}, little-endian as the index file holds them; the position stays.
     */
    void putSlotWords(ByteBuffer bytes, int from, int n) {
        if (words != null) {
            bytes.asLongBuffer().put(words, from, n);
            return;
        }
        int pageWords = 2 * SLOTS_PER_PAGE;
        for (int w = from, end; w < from + n; w = end) {
            int page = w / pageWords;
            end = Math.min(from + n, (page + 1) * pageWords);
            int at = bytes.position() + (w - from) * Long.BYTES;
            if (slotPages[page] != null) {
                bytes.slice(at, (end - w) * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer()
                        .put(slotPages[page], w - page * pageWords, end - w);
            } else {
                bytes.put(at, mappedSlots, w * Long.BYTES, (end - w) * Long.BYTES);
            }
        }
    }

    /** Puts {@code n} hashes, from slot {@code from}, at the position of {@code bytes}, as {@link #putSlotWords}. */
    void putHashes(ByteBuffer bytes, int from, int n) {
        if (hashWords != null) {
            bytes.asIntBuffer().put(hashWords, from, n);
            return;
        }
        for (int h = from, end; h < from + n; h = end) {
            int page = h >>> HASH_PAGE_SHIFT;
            end = Math.min(from + n, (page + 1) << HASH_PAGE_SHIFT);
            int at = bytes.position() + (h - from) * Integer.BYTES;
            if (hashPages[page] != null) {
                bytes.slice(at, (end - h) * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer()
                        .put(hashPages[page], h - (page << HASH_PAGE_SHIFT), end - h);
            } else {
                bytes.put(at, mappedHashes, h * Integer.BYTES, (end - h) * Integer.BYTES);
            }
        }
    }

    /**
     * Copies every entry of this table into {@code fresh}, an empty table with an arena of its own; keys are copied
     * into that arena, without the garbage of this one.
     */
    void copyTo(KeyTable fresh) {
        for (int i = 0; i < capacity; i++) {
            long word = word0(i);
            if (word == EMPTY || word == TOMBSTONE) {
                continue;
            }
            long ref = word & REF_MASK;
            ByteBuffer page = arena.page(ref);
            int offset = KeyArena.offset(ref);
            int header = KeyArena.header(page, offset);
            int keyLength = KeyArena.keyLength(header);
            boolean expiryField = KeyArena.hasExpiryField(header);
            long expiry = expiryField ? KeyArena.expiry(page, offset, keyLength) : NEVER;
            // An entry whose key no longer expires drops its expiry field.
            boolean keepField = expiryField && expiry != NEVER;
            long copy = fresh.arena.allocate(keyLength, keepField, expiry);
            fresh.arena.page(copy).put(KeyArena.keyStart(copy), page, offset + KeyArena.HEADER, keyLength);
            fresh.place((word & ~REF_MASK) | copy, word1(i), hashAt(i));
        }
        fresh.live = live;
        fresh.expiring = expiring;
    }

    /**
     * Moves every entry of this table into {@code fresh}, whose arena is a {@link KeyArena#copy copy} of this one, so
     * that every reference stays valid: a pass over the slots in order, which never reads a key.
     */
    void rehashInto(KeyTable fresh) {
        for (int i = 0; i < capacity; i++) {
            long word = word0(i);
            if (word != EMPTY && word != TOMBSTONE) {
                fresh.place(word, word1(i), hashAt(i));
            }
        }
        fresh.live = live;
        fresh.expiring = expiring;
        fresh.garbageBytes = garbageBytes;
    }

    /** Puts an entry in the first free slot from its home, in a table being filled by a rebuild. */
    private void place(long word, long where, int hash) {
        int j = home(hash, capacity);
        while (word0(j) != EMPTY) {
            j = next(j, capacity);
        }
        setWord0(j, word);
        setWord1(j, where);
        setHash(j, hash);
    }

    /**
     * Word 0 of a slot: the fingerprint, the top byte of {@code hashOrWord} (a key's hash, or the word being
     * updated), then {@code handle} and {@code ref}.
     */
    private static long word(long hashOrWord, int handle, long ref) {
        return (hashOrWord >>> FINGERPRINT_SHIFT) << FINGERPRINT_SHIFT | (long) handle << HANDLE_SHIFT | ref;
    }

    private static int handle(long word) {
        return (int) ((word >>> HANDLE_SHIFT) & HANDLE_MASK);
    }

    /** Word 1 of a slot. */
    private static long where(long offset, int length, long expiry) {
        if (offset < 0 || offset > 0xFFFFFFFFL || length < 0) {
            throw new IllegalArgumentException("A record at offset " + offset + " of length " + length
                    + " does not fit the key directory");
        }
        return offset << 32 | (expiry != NEVER ? EXPIRES : 0) | length;
    }

    // Every use of a slot or a hash goes through these. A table is on the heap or mapped, never both: each accessor
    // tries the arrays first, a branch the processor predicts, and which the compiler drops in a store that never
    // opened from an index file; a mapped table reads a page's heap copy if it has one, else the mapping. Every use of
    // a slot reads its word 0 first, which checks the slot's block if the table came from an index file and the block
    // is unchecked; a slot's two words are in one block and one page (blocks are a multiple of a page), so the others
    // need not check again. A reader may find a page's copy before its words: it is reading during a write, and the
    // sequence lock has it read again.

    private long word0(int slot) {
        checkSlot(slot);
        long[] w = words;
        return w != null ? w[2 * slot] : mappedWord(slot, 0);
    }

    private long word1(int slot) {
        long[] w = words;
        return w != null ? w[2 * slot + 1] : mappedWord(slot, 1);
    }

    /**
     * Word {@code which} of slot {@code slot} of a mapped table: from its page's copy if it has one, else from the
     * mapping. Apart from the accessors, so that they stay as small as the arrays' path needs.
     */
    private long mappedWord(int slot, int which) {
        long[] page = slotPages[slot >>> SLOT_PAGE_SHIFT];
        if (page != null) {
            return page[2 * (slot & (SLOTS_PER_PAGE - 1)) + which];
        }
        return (long) IndexBuffers.LONGS.get(mappedSlots, slot * SLOT_BYTES + which * Long.BYTES);
    }

    private void setWord0(int slot, long word) {
        long[] w = words;
        if (w != null) {
            w[2 * slot] = word;
        } else {
            slotPage(slot)[2 * (slot & (SLOTS_PER_PAGE - 1))] = word;
        }
    }

    private void setWord1(int slot, long where) {
        long[] w = words;
        if (w != null) {
            w[2 * slot + 1] = where;
        } else {
            slotPage(slot)[2 * (slot & (SLOTS_PER_PAGE - 1)) + 1] = where;
        }
    }

    /** The heap copy of the page of slot {@code slot} of a mapped table, copied now if this is its first write. */
    private long[] slotPage(int slot) {
        int p = slot >>> SLOT_PAGE_SHIFT;
        long[] page = slotPages[p];
        if (page == null) {
            checkSlot(slot);
            int first = p << SLOT_PAGE_SHIFT;
            page = IndexBuffers.longs(mappedSlots, 2 * first, 2 * Math.min(SLOTS_PER_PAGE, capacity - first));
            slotPages[p] = page;
            pagesCopied++;
        }
        return page;
    }

    private int hashAt(int slot) {
        checkHash(slot);
        int[] h = hashWords;
        return h != null ? h[slot] : mappedHash(slot);
    }

    /** The hash of slot {@code slot} of a mapped table, as {@link #mappedWord} reads a word. */
    private int mappedHash(int slot) {
        int[] page = hashPages[slot >>> HASH_PAGE_SHIFT];
        if (page != null) {
            return page[slot & (HASHES_PER_PAGE - 1)];
        }
        return (int) IndexBuffers.INTS.get(mappedHashes, slot * Integer.BYTES);
    }

    private void setHash(int slot, int hash) {
        checkHash(slot);
        int[] h = hashWords;
        if (h != null) {
            h[slot] = hash;
        } else {
            hashPage(slot)[slot & (HASHES_PER_PAGE - 1)] = hash;
        }
    }

    /** The heap copy of the page of hash {@code slot} of a mapped table, as {@link #slotPage}. */
    private int[] hashPage(int slot) {
        int p = slot >>> HASH_PAGE_SHIFT;
        int[] page = hashPages[p];
        if (page == null) {
            int first = p << HASH_PAGE_SHIFT;
            page = IndexBuffers.ints(mappedHashes, first, Math.min(HASHES_PER_PAGE, capacity - first));
            hashPages[p] = page;
            pagesCopied++;
        }
        return page;
    }

    private void checkSlot(int slot) {
        BlockChecks checks = slotChecks;
        if (checks != null) {
            checks.check(slot * SLOT_BYTES);
        }
    }

    private void checkHash(int slot) {
        BlockChecks checks = hashChecks;
        if (checks != null) {
            checks.check(slot * Integer.BYTES);
        }
    }

    /**
     * Checks every block of the table and its arena that is mapped from an index file and not checked yet, so that
     * no damaged byte is copied: before the table is copied whole or written to a file.
     */
    void checkAll() {
        if (slotChecks != null) {
            slotChecks.checkAll();
        }
        if (hashChecks != null) {
            hashChecks.checkAll();
        }
        arena.pages().checkAll();
        // All checked: no use of a slot needs to look any more.
        slotChecks = null;
        hashChecks = null;
    }

    static int home(long hash, int capacity) {
        // Lemire's multiply-shift: a slot in [0, capacity) from the low 32 bits, for any capacity.
        return (int) (((hash & 0xFFFFFFFFL) * capacity) >>> 32);
    }

    private static int next(int i, int capacity) {
        return i + 1 == capacity ? 0 : i + 1;
    }
}
