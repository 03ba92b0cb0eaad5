package io.viperdb.engine.index;

import io.viperdb.KeyValueStore;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The keys of a {@link KeyDirectory} table, as bytes appended to pages of 256 KiB (see {@link IndexBuffers}: made on
 * the heap, or slices of an index file's mapping), and the expiry of the keys that have one. (Pages are small enough
 * that G1 never takes one for a humongous object.) An entry never spans two pages, and is addressed by a reference:
 * its page number times the page size plus its offset in the page.
 *
 * <pre>
 * entry  := header:u16le key expiry:i64le?
 *   header  bits 0-12 the key's length in bytes (at most 4096); bit 14 set once the entry is garbage (no slot
 *           refers to it: {@link OrderedKeys} tells its stale references by it); bit 15 set when an expiry field
 *           follows the key
 *   expiry  when the key expires, epoch milliseconds (Long.MAX_VALUE for never); rewritten in place when the entry's
 *           key is put again with another expiry
 * </pre>
 *
 * Entries are never moved: one that is no longer used (its key removed, or put again with an expiry where it had no
 * field for one) is garbage until the table is rebuilt into a new arena. Readers reach this arena only through a
 * table whose slots they read under the directory's sequence lock, and check every reference against the pages they
 * see before following it: a reference from a torn read must fail that check or the sequence check, never throw.
 */
final class KeyArena {

    static final int PAGE_SHIFT = 18;
    static final int PAGE_SIZE = 1 << PAGE_SHIFT;
    /** References are {@value #REF_BITS} bits. */
    static final int REF_BITS = 38;
    static final int MAX_PAGES = 1 << (REF_BITS - PAGE_SHIFT);
    static final int HEADER = Short.BYTES;
    static final int EXPIRY_FLAG = 0x8000;
    static final int DEAD_FLAG = 0x4000;
    static final int LENGTH_MASK = 0x1FFF;

    static {
        if (KeyValueStore.MAX_KEY_BYTES > LENGTH_MASK) {
            throw new AssertionError("the arena header holds key lengths up to " + LENGTH_MASK);
        }
    }

    /**
     * The pages as readers see them at one moment, with the checks of the pages mapped from an index file: the
     * pages' array is replaced by a longer copy when a page is added, so a reader's never changes length.
     */
    static final class Pages {
        private final ByteBuffer[] buffers;
        /** For each page mapped from an index file and not yet checked whole, its checks; shared by every copy. */
        private final BlockChecks[] checks;

        Pages(ByteBuffer[] buffers, BlockChecks[] checks) {
            this.buffers = buffers;
            this.checks = checks;
        }

        /** Page {@code index}, checked against the index file if it is mapped from one; null if there is none. */
        ByteBuffer get(int index) {
            if (index >= buffers.length) {
                return null;
            }
            if (index < checks.length) {
                BlockChecks unchecked = checks[index];
                if (unchecked != null) {
                    unchecked.checkAll();
                    // Checked for good: a race with another thread that checks it too only costs a second check.
                    checks[index] = null;
                }
            }
            return buffers[index];
        }

        int length() {
            return buffers.length;
        }

        /** Checks every mapped page not checked yet: before the pages are copied whole. */
        void checkAll() {
            for (int i = 0; i < checks.length; i++) {
                get(i);
            }
        }
    }

    private static final BlockChecks[] NONE = new BlockChecks[0];

    private Pages pages = new Pages(new ByteBuffer[4], NONE);
    private int pageCount;
    private int tail = PAGE_SIZE;
    private long usedBytes;
    /**
     * Entries below this reference are shared with a table the writer no longer writes (see {@link #freeze}): their
     * expiry is never rewritten in place, so that a reader of that table reads each of them as it was.
     */
    private long frozenEnd;
    /** Whether the last page is shorter than {@link #PAGE_SIZE}, as read from an index file (see {@link #allocate}). */
    private boolean lastPageShort;

    /** An empty arena. */
    KeyArena() {
    }

    /**
     * The arena of a table read from a file: {@code pageCount} pages of {@link #PAGE_SIZE} bytes, the last used up to
     * {@code tail}, and possibly only that long.
     */
    KeyArena(ByteBuffer[] pages, BlockChecks[] checks, int pageCount, int tail, long usedBytes) {
        this.pages = new Pages(pages, checks);
        this.pageCount = pageCount;
        this.tail = tail;
        this.usedBytes = usedBytes;
        this.lastPageShort = pageCount > 0 && pages[pageCount - 1].capacity() < PAGE_SIZE;
    }

    int pageCount() {
        return pageCount;
    }

    int tail() {
        return tail;
    }

    /**
     * A copy of this arena, garbage and all, in which every reference of this one names the same entry: for a table
     * that grows, so that its entries move without their keys being copied one by one, while readers of the old
     * table go on finding the old arena as it was.
     */
    KeyArena copy() {
        return copy(new ByteBuffer[0]);
    }

    /**
     * A {@link #copy()} whose pages are copied into those of {@code spare} as far as it has pages (allocated by the
     * caller beforehand, so that the copy itself only copies bytes), and into new ones after that.
     */
    KeyArena copy(ByteBuffer[] spare) {
        KeyArena copy = new KeyArena();
        ByteBuffer[] copied = new ByteBuffer[pages.length()];
        for (int i = 0; i < pageCount; i++) {
            ByteBuffer page = pages.get(i);
            if (i < spare.length) {
                spare[i].put(0, page, 0, page.capacity());
                copied[i] = spare[i];
            } else {
                copied[i] = IndexBuffers.copy(page);
            }
        }
        copy.pages = new Pages(copied, NONE);
        copy.pageCount = pageCount;
        copy.tail = tail;
        copy.usedBytes = usedBytes;
        copy.lastPageShort = pageCount > 0 && copied[pageCount - 1].capacity() < PAGE_SIZE;
        return copy;
    }

    /**
     * Freezes the entries there are now: this arena goes on taking entries for a new table while readers of the old
     * one read it too, and {@link #rewritable} tells the writer which entries it may no longer rewrite.
     */
    void freeze() {
        frozenEnd = pageCount == 0 ? 0 : ((long) (pageCount - 1) << PAGE_SHIFT) | tail;
    }

    /** Whether the entry {@code ref}'s expiry may be rewritten in place: it is not {@linkplain #freeze frozen}. */
    boolean rewritable(long ref) {
        return ref >= frozenEnd;
    }

    /** The pages as they are now, for a reader to check references against. */
    Pages pages() {
        return pages;
    }

    /** The size of an entry with a key of {@code keyLength} bytes, with or without an expiry field. */
    static int entrySize(int keyLength, boolean expiryField) {
        return HEADER + keyLength + (expiryField ? Long.BYTES : 0);
    }

    /** Bytes taken by entries, garbage included. */
    long usedBytes() {
        return usedBytes;
    }

    /** Bytes held in pages. */
    long capacityBytes() {
        return (long) pageCount * PAGE_SIZE;
    }

    /**
     * Appends an entry with room for a key of {@code keyLength} bytes, to be copied to {@link #keyStart} of
     * {@link #page} by the caller, and an expiry field if {@code expiryField} (set to {@code expiry}).
     *
     * @return its reference
     */
    long allocate(int keyLength, boolean expiryField, long expiry) {
        int size = entrySize(keyLength, expiryField);
        if (lastPageShort) {
            wholeLastPage();
        }
        if (tail + size > PAGE_SIZE) {
            addPage();
        }
        ByteBuffer page = pages.buffers[pageCount - 1];
        int offset = tail;
        IndexBuffers.SHORTS.set(page, offset, (short) (keyLength | (expiryField ? EXPIRY_FLAG : 0)));
        if (expiryField) {
            IndexBuffers.LONGS.set(page, offset + HEADER + keyLength, expiry);
        }
        tail += size;
        usedBytes += size;
        return ((long) (pageCount - 1) << PAGE_SHIFT) | offset;
    }

    /**
     * Makes the last page, read from an index file only as long as its entries, a whole page of its own: before the
     * first append to it, or before a page follows it. Readers holding the short one find in it every entry it had.
     */
    private void wholeLastPage() {
        ByteBuffer part = pages.buffers[pageCount - 1];
        ByteBuffer whole = IndexBuffers.allocate(PAGE_SIZE);
        whole.put(0, part, 0, part.capacity());
        pages.buffers[pageCount - 1] = whole;
        lastPageShort = false;
    }

    private void addPage() {
        if (pageCount == MAX_PAGES) {
            throw new IllegalStateException("The key directory holds at most " + ((long) MAX_PAGES << PAGE_SHIFT)
                    + " bytes of keys");
        }
        if (pageCount == pages.length()) {
            pages = new Pages(Arrays.copyOf(pages.buffers, pages.length() * 2), pages.checks);
        }
        pages.buffers[pageCount++] = IndexBuffers.allocate(PAGE_SIZE);
        tail = 0;
    }

    /** The page of the entry {@code ref}, from the writer's side (readers use {@link #pages()} and check). */
    ByteBuffer page(long ref) {
        return pages.get((int) (ref >>> PAGE_SHIFT));
    }

    static int offset(long ref) {
        return (int) ref & (PAGE_SIZE - 1);
    }

    static int keyStart(long ref) {
        return offset(ref) + HEADER;
    }

    /** The header of the entry at {@code offset} of {@code page}. */
    static int header(ByteBuffer page, int offset) {
        return (short) IndexBuffers.SHORTS.get(page, offset) & 0xFFFF;
    }

    static int keyLength(int header) {
        return header & LENGTH_MASK;
    }

    static boolean hasExpiryField(int header) {
        return (header & EXPIRY_FLAG) != 0;
    }

    static boolean isDead(int header) {
        return (header & DEAD_FLAG) != 0;
    }

    /**
     * Marks the entry {@code ref} as garbage: no slot refers to it any more. Set once and never cleared, since an
     * entry is never used again; a reader may see it late, and only uses it as a hint (see {@link OrderedKeys}).
     */
    void markDead(long ref) {
        ByteBuffer page = page(ref);
        int offset = offset(ref);
        IndexBuffers.SHORTS.set(page, offset, (short) (header(page, offset) | DEAD_FLAG));
    }

    /** The expiry field of an entry that has one. */
    static long expiry(ByteBuffer page, int offset, int keyLength) {
        return (long) IndexBuffers.LONGS.get(page, offset + HEADER + keyLength);
    }

    /** Rewrites the expiry field of the entry {@code ref}, which has one. */
    void setExpiry(long ref, int keyLength, long expiry) {
        IndexBuffers.LONGS.set(page(ref), offset(ref) + HEADER + keyLength, expiry);
    }

    /**
     * Whether a reader may read the entry at {@code offset} of {@code page} with the key length of {@code header}:
     * false only for references and headers from a torn read.
     */
    static boolean fits(ByteBuffer page, int offset, int header) {
        return offset + entrySize(keyLength(header), hasExpiryField(header)) <= page.capacity();
    }
}
