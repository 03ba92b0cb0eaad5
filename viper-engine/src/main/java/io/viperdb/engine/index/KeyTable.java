package io.viperdb.engine.index;

import io.viperdb.engine.format.Keys;
import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.log.Segment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.Arrays;
import java.util.Map;

/**
 * One generation of a {@link KeyDirectory}'s hash table: slots in a {@code long[]}, two words each, and the keys in a
 * {@link KeyArena}. Linear probing from the slot {@link #home} gives; a removed entry leaves a tombstone.
 * <pre>
 * word 0  fingerprint:8 | segment handle:18 | arena reference:38     0 = empty slot, 1 = tombstone
 * word 1  record offset:32 | expires:1 | record length:31
 * </pre>
 * {@code expires} is set when the key has an expiry (kept in the arena): a reader that finds it clear knows the key
 * never expires without reading the arena. Only the current generation is written, and only by the directory's writer;
 * a reader may be reading any generation. Reader methods ({@link #find}, {@link #readEntry}) check every reference against the arrays they hold and
 * return a sentinel rather than throw when what they read cannot be consistent; writer methods trust the table.
 */
final class KeyTable {

    static final double MAX_LOAD = 0.75;

    static final int REF_BITS = KeyArena.REF_BITS;
    static final long REF_MASK = (1L << REF_BITS) - 1;
    static final int HANDLE_SHIFT = REF_BITS;
    static final long HANDLE_MASK = (1L << SegmentHandles.BITS) - 1;
    static final int FINGERPRINT_SHIFT = REF_BITS + SegmentHandles.BITS;
    static final long EMPTY = 0;
    static final long TOMBSTONE = 1;
    /** Word 1's flag: the key has an expiry. A record is shorter than 2^31 bytes, so its length leaves the bit free. */
    static final long EXPIRES = 1L << 31;
    static final int LENGTH_MASK = (int) EXPIRES - 1;

    /** What a reader's probe ({@link #find}, {@link #read}) returns when what it read cannot be consistent. */
    static final Location RETRY = new Location(null, -1, -1, -1);

    static {
        if (FINGERPRINT_SHIFT + 8 != Long.SIZE) {
            throw new AssertionError("slot word 0 must be 64 bits");
        }
    }

    final long[] slots;
    /**
     * The low 32 bits of the hash of each slot's key, the bits its home slot comes from: kept by the writer so that
     * growing the table moves entries without reading and hashing their keys again (a cache miss each, in arena
     * order), and compared before a key whose fingerprint matches is read. Readers never look at it.
     */
    final int[] hashes;
    final int capacity;
    /** Entries and tombstones may take this many slots before a rebuild. */
    final int threshold;
    final KeyArena arena;
    /** One more than the table it was rebuilt from: a slot number means the same entry only in the same generation. */
    final long generation;
    /** The segment of each handle, as of the last write to this table (see {@link SegmentHandles}). */
    Segment[] segments;

    KeyTable(int capacity, KeyArena arena, Segment[] segments, long generation) {
        this.generation = generation;
        this.slots = new long[2 * capacity];
        this.hashes = new int[capacity];
        this.capacity = capacity;
        this.threshold = (int) (capacity * MAX_LOAD);
        this.arena = arena;
        this.segments = segments;
    }

    /** A reader's probe: the location, null if absent, or {@link #RETRY}. */
    Location find(String key, long hash) {
        byte[][] pages = arena.pages();
        long fingerprint = hash >>> FINGERPRINT_SHIFT;
        int i = home(hash, capacity);
        for (int probes = 0; probes < capacity; probes++) {
            long word = slots[2 * i];
            if (word == EMPTY) {
                return null;
            }
            if (word >>> FINGERPRINT_SHIFT == fingerprint && word != TOMBSTONE) {
                long ref = word & REF_MASK;
                int pageIndex = (int) (ref >>> KeyArena.PAGE_SHIFT);
                byte[] page = pageIndex < pages.length ? pages[pageIndex] : null;
                int offset = KeyArena.offset(ref);
                if (page == null || offset + KeyArena.HEADER > page.length) {
                    return RETRY;
                }
                int header = KeyArena.header(page, offset);
                if (!KeyArena.fits(page, offset, header)) {
                    return RETRY;
                }
                int keyLength = KeyArena.keyLength(header);
                if (matches(key, page, offset + KeyArena.HEADER, keyLength)) {
                    int handle = (int) ((word >>> HANDLE_SHIFT) & HANDLE_MASK);
                    Segment[] bySegment = segments; // read once: the writer may replace it meanwhile
                    Segment segment = handle < bySegment.length ? bySegment[handle] : null;
                    if (segment == null) {
                        return RETRY;
                    }
                    long where = slots[2 * i + 1];
                    long expiry = KeyArena.hasExpiryField(header) ? KeyArena.expiry(page, offset, keyLength)
                            : RecordHeader.NO_EXPIRY;
                    return new Location(segment, where >>> 32, length(where), expiry);
                }
            }
            i = next(i, capacity);
        }
        return RETRY;
    }

    /**
     * A reader's probe that hands {@code reader} the record of each entry that may be {@code key}'s (see
     * {@link RecordReader}), with every slot read under {@code directory}'s {@code version}: what the reader returns,
     * null if the key is absent, or {@link #RETRY} if the version moved or what was read cannot be consistent.
     *
     * <p>An entry whose fingerprint matches goes to the reader without a look at the arena, unless the key has an
     * expiry (which the arena holds). Should its record not be the key's, the arena tells whether the entry is
     * another key's (probing goes on) or the key's own, with a damaged record (the reader reports it). Every decision
     * rests on slots read while the version did not move, as in {@link #find}: the probe goes on after a reader
     * returns only if no update was made meanwhile, so the entries it passes over are those of one moment.
     */
    <C> Object read(String key, long hash, C context, RecordReader<C> reader, KeyDirectory directory,
            long version) {
        byte[][] pages = arena.pages();
        long fingerprint = hash >>> FINGERPRINT_SHIFT;
        int i = home(hash, capacity);
        for (int probes = 0; probes < capacity; probes++, i = next(i, capacity)) {
            long word = slots[2 * i];
            if (word == EMPTY) {
                return directory.unchangedSince(version) ? null : RETRY;
            }
            if (word >>> FINGERPRINT_SHIFT != fingerprint || word == TOMBSTONE) {
                continue;
            }
            long where = slots[2 * i + 1];
            int handle = (int) ((word >>> HANDLE_SHIFT) & HANDLE_MASK);
            Segment[] bySegment = segments; // read once: the writer may replace it meanwhile
            Segment segment = handle < bySegment.length ? bySegment[handle] : null;
            if (segment == null) {
                return RETRY;
            }
            boolean keyChecked = (where & EXPIRES) != 0;
            long expiry = RecordHeader.NO_EXPIRY;
            if (keyChecked) {
                int owner = owner(key, word, pages);
                if (owner == OTHER) {
                    continue;
                }
                if (owner == TORN) {
                    return RETRY;
                }
                expiry = expiryOf(word, pages);
            }
            if (!directory.unchangedSince(version)) {
                return RETRY;
            }
            Object result = reader.read(key, context, segment, where >>> 32, length(where), expiry, keyChecked);
            if (result != RecordReader.OTHER_KEY) {
                return result;
            }
            int owner = owner(key, word, pages);
            if (owner == TORN || !directory.unchangedSince(version)) {
                return RETRY;
            }
            if (owner == KEY) {
                return reader.read(key, context, segment, where >>> 32, length(where), expiry, true);
            }
        }
        return RETRY;
    }

    private static final int KEY = 1;
    private static final int OTHER = 0;
    private static final int TORN = -1;

    /**
     * Whether the arena entry of slot word {@code word} holds {@code key} ({@link #KEY}), another key
     * ({@link #OTHER}), or cannot be read consistently ({@link #TORN}).
     */
    private static int owner(String key, long word, byte[][] pages) {
        if (!readable(word, pages)) {
            return TORN;
        }
        long ref = word & REF_MASK;
        byte[] page = pages[(int) (ref >>> KeyArena.PAGE_SHIFT)];
        int offset = KeyArena.offset(ref);
        return matches(key, page, offset + KeyArena.HEADER, KeyArena.keyLength(KeyArena.header(page, offset)))
                ? KEY : OTHER;
    }

    /**
     * Whether the arena entry of slot word {@code word} lies whole within the arena pages a reader holds: if not, the
     * reader read the word in the middle of an update.
     */
    private static boolean readable(long word, byte[][] pages) {
        long ref = word & REF_MASK;
        int pageIndex = (int) (ref >>> KeyArena.PAGE_SHIFT);
        byte[] page = pageIndex < pages.length ? pages[pageIndex] : null;
        int offset = KeyArena.offset(ref);
        return page != null && offset + KeyArena.HEADER <= page.length
                && KeyArena.fits(page, offset, KeyArena.header(page, offset));
    }

    /** The expiry in the arena entry of slot word {@code word}, which {@link #readable} has found whole. */
    private static long expiryOf(long word, byte[][] pages) {
        long ref = word & REF_MASK;
        byte[] page = pages[(int) (ref >>> KeyArena.PAGE_SHIFT)];
        int offset = KeyArena.offset(ref);
        int header = KeyArena.header(page, offset);
        return KeyArena.hasExpiryField(header) ? KeyArena.expiry(page, offset, KeyArena.keyLength(header))
                : RecordHeader.NO_EXPIRY;
    }

    /**
     * Word 0 of a slot: the fingerprint, the top byte of {@code hashOrWord} (a key's hash, or the word being
     * updated), then {@code handle} and {@code ref}.
     */
    static long word(long hashOrWord, int handle, long ref) {
        return (hashOrWord >>> FINGERPRINT_SHIFT) << FINGERPRINT_SHIFT | (long) handle << HANDLE_SHIFT | ref;
    }

    static int home(long hash, int capacity) {
        // Lemire's multiply-shift: a slot in [0, capacity) from the low 32 bits, for any capacity.
        return (int) (((hash & 0xFFFFFFFFL) * capacity) >>> 32);
    }

    static int next(int i, int capacity) {
        return i + 1 == capacity ? 0 : i + 1;
    }

    /** Whether {@code page[start, start + length)} is the UTF-8 encoding of {@code key}. */
    static boolean matches(String key, byte[] page, int start, int length) {
        int n = key.length();
        if (length < n) {
            return false; // UTF-8 takes at least one byte per char
        }
        if (length == n) {
            int i = 0;
            while (i < n) {
                char c = key.charAt(i);
                if (c >= 0x80 || page[start + i] != (byte) c) {
                    break;
                }
                i++;
            }
            if (i == n) {
                return true;
            }
            if (key.charAt(i) < 0x80) {
                return false;
            }
        }
        return Keys.matches(key, ByteBuffer.wrap(page), start, length);
    }

    static final Map.Entry<String, Location> RETRY_ENTRY = new AbstractMap.SimpleImmutableEntry<>(null, RETRY);

    Map.Entry<String, Location> readEntry(int i, boolean withKey) {
        long word = slots[2 * i];
        if (word == EMPTY || word == TOMBSTONE) {
            return null;
        }
        long ref = word & REF_MASK;
        byte[][] pages = arena.pages();
        int pageIndex = (int) (ref >>> KeyArena.PAGE_SHIFT);
        byte[] page = pageIndex < pages.length ? pages[pageIndex] : null;
        int offset = KeyArena.offset(ref);
        if (page == null || offset + KeyArena.HEADER > page.length) {
            return RETRY_ENTRY;
        }
        int header = KeyArena.header(page, offset);
        int handle = (int) ((word >>> HANDLE_SHIFT) & HANDLE_MASK);
        Segment[] bySegment = segments; // read once: the writer may replace it meanwhile
        Segment segment = handle < bySegment.length ? bySegment[handle] : null;
        if (segment == null || !KeyArena.fits(page, offset, header)) {
            return RETRY_ENTRY;
        }
        int keyLength = KeyArena.keyLength(header);
        String key = withKey ? new String(page, offset + KeyArena.HEADER, keyLength, StandardCharsets.UTF_8) : null;
        long where = slots[2 * i + 1];
        long expiry = KeyArena.hasExpiryField(header) ? KeyArena.expiry(page, offset, keyLength)
                : RecordHeader.NO_EXPIRY;
        return new AbstractMap.SimpleImmutableEntry<>(key, new Location(segment, where >>> 32, length(where), expiry));
    }

    /** {@link #readPlace} results. */
    static final int NO_ENTRY = 0;
    static final int ENTRY = 1;
    static final int RETRY_PLACE = -1;

    /**
     * A reader's look at slot {@code i} without its key: {@link #ENTRY} with the segment in {@code segmentOut[0]},
     * the record's offset and length (as {@link #where}, without the expiry flag) in {@code placeOut[0]} and the
     * expiry in {@code placeOut[1]}; {@link #NO_ENTRY}; or {@link #RETRY_PLACE} when what it read cannot be consistent.
     */
    int readPlace(int i, Segment[] segmentOut, long[] placeOut) {
        long word = slots[2 * i];
        if (word == EMPTY || word == TOMBSTONE) {
            return NO_ENTRY;
        }
        int handle = (int) ((word >>> HANDLE_SHIFT) & HANDLE_MASK);
        Segment[] bySegment = segments; // read once: the writer may replace it meanwhile
        Segment segment = handle < bySegment.length ? bySegment[handle] : null;
        if (segment == null) {
            return RETRY_PLACE;
        }
        long where = slots[2 * i + 1];
        long expiry = RecordHeader.NO_EXPIRY;
        // Only a key with an expiry needs its arena entry, which is in insertion order: a miss per entry in a pass
        // in slot order, which was most of a reclaim's pass over a million keys.
        if ((where & EXPIRES) != 0) {
            byte[][] pages = arena.pages();
            if (!readable(word, pages)) {
                return RETRY_PLACE;
            }
            expiry = expiryOf(word, pages);
        }
        segmentOut[0] = segment;
        placeOut[0] = where & ~EXPIRES;
        placeOut[1] = expiry;
        return ENTRY;
    }

    /**
     * The writer's probe, for a key given as a string or as bytes: the slot that holds it, or {@code -1 - s} where
     * {@code s} is the slot to insert it in (the first tombstone on its probe path, else the empty slot that ends it).
     */
    int writerFind(String key, byte[] bytes, int start, int length, long hash) {
        long fingerprint = hash >>> FINGERPRINT_SHIFT;
        int free = -1;
        int i = home(hash, capacity);
        while (true) {
            long word = slots[2 * i];
            if (word == EMPTY) {
                return -1 - (free >= 0 ? free : i);
            }
            if (word == TOMBSTONE) {
                if (free < 0) {
                    free = i;
                }
            } else if (word >>> FINGERPRINT_SHIFT == fingerprint && hashes[i] == (int) hash) {
                long ref = word & REF_MASK;
                byte[] page = arena.page(ref);
                int offset = KeyArena.offset(ref);
                int keyLength = KeyArena.keyLength(KeyArena.header(page, offset));
                int keyStart = offset + KeyArena.HEADER;
                if (key != null ? matches(key, page, keyStart, keyLength)
                        : keyLength == length
                                && Arrays.equals(page, keyStart, keyStart + length, bytes, start, start + length)) {
                    return i;
                }
            }
            i = next(i, capacity);
        }
    }

    /** The location in slot {@code slot}, from the writer's side. */
    Location locationAt(int slot) {
        long word = slots[2 * slot];
        long where = slots[2 * slot + 1];
        long ref = word & REF_MASK;
        byte[] page = arena.page(ref);
        int offset = KeyArena.offset(ref);
        int header = KeyArena.header(page, offset);
        long expiry = KeyArena.hasExpiryField(header)
                ? KeyArena.expiry(page, offset, KeyArena.keyLength(header)) : RecordHeader.NO_EXPIRY;
        return new Location(segments[(int) ((word >>> HANDLE_SHIFT) & HANDLE_MASK)], where >>> 32, length(where),
                expiry);
    }

    /** Word 1 of a slot. */
    static long where(long offset, int length, long expiry) {
        if (offset < 0 || offset > 0xFFFFFFFFL || length < 0) {
            throw new IllegalArgumentException("A record at offset " + offset + " of length " + length
                    + " does not fit the key directory");
        }
        return offset << 32 | (expiry != RecordHeader.NO_EXPIRY ? EXPIRES : 0) | length;
    }

    static int length(long where) {
        return (int) where & LENGTH_MASK;
    }

    /**
     * Copies every entry of this table into {@code fresh}, an empty table with an arena of its own; keys are copied
     * into that arena, without the garbage of this one.
     */
    void copyTo(KeyTable fresh) {
        for (int i = 0; i < capacity; i++) {
            long word = slots[2 * i];
            if (word == EMPTY || word == TOMBSTONE) {
                continue;
            }
            long ref = word & REF_MASK;
            byte[] page = arena.page(ref);
            int offset = KeyArena.offset(ref);
            int header = KeyArena.header(page, offset);
            int keyLength = KeyArena.keyLength(header);
            boolean expiryField = KeyArena.hasExpiryField(header);
            long expiry = expiryField ? KeyArena.expiry(page, offset, keyLength) : RecordHeader.NO_EXPIRY;
            // An entry whose key no longer expires drops its expiry field.
            boolean keepField = expiryField && expiry != RecordHeader.NO_EXPIRY;
            long copy = fresh.arena.allocate(keyLength, keepField, expiry);
            System.arraycopy(page, offset + KeyArena.HEADER, fresh.arena.page(copy), KeyArena.keyStart(copy),
                    keyLength);
            fresh.place((word & ~REF_MASK) | copy, slots[2 * i + 1], hashes[i]);
        }
    }

    /**
     * Moves every entry of this table into {@code fresh}, whose arena is a {@link KeyArena#copy copy} of this one, so
     * that every reference stays valid: a pass over the slots in order, which never reads a key.
     */
    void rehashInto(KeyTable fresh) {
        for (int i = 0; i < capacity; i++) {
            long word = slots[2 * i];
            if (word != EMPTY && word != TOMBSTONE) {
                fresh.place(word, slots[2 * i + 1], hashes[i]);
            }
        }
    }

    /** Puts an entry in the first free slot from its home, in a table being filled by a rebuild. */
    private void place(long word, long where, int hash) {
        int j = home(hash, capacity);
        while (slots[2 * j] != EMPTY) {
            j = next(j, capacity);
        }
        slots[2 * j] = word;
        slots[2 * j + 1] = where;
        hashes[j] = hash;
    }
}
