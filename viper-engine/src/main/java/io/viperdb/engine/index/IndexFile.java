package io.viperdb.engine.index;

import io.viperdb.CorruptStoreException;
import io.viperdb.engine.format.FileHeader;
import io.viperdb.engine.io.FileAccess;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.zip.CRC32C;

/**
 * The index written to a file, so that opening a store need not replay its key logs: a cache of the logs, like
 * Bitcask's hint files. It is written while the store takes writes (a checkpoint) and when it closes, and read when
 * it opens; it is taken only if the logs still hold, unchanged, the bytes it covers (see FORMAT.md, "Index file", and
 * recovery rule 10), and what the logs hold past them is replayed. Anything else, or any damage, and the store
 * rebuilds the index from the logs as it always could.
 *
 * <pre>
 * index file := fileHeader(VIPI, id = manifest generation) metaLength:u32 meta metaCrc:u32 zero* section*
 * meta       := segmentCount:u32 extent{segmentCount} sectionCount:u32 sectionEntry{sectionCount}
 *   extent       := segment:u64 valueLogEnd:u64 keyLogEnd:u64 lastRecord:i64 lastRecordCrc:u32
 *   sectionEntry := kind:u32 offset:u64 length:u64 crc:u32         (offset a multiple of 8; crc CRC32C of the section)
 * sections, little-endian (the byte order of the arrays in memory on the usual machines, so they copy as they are):
 *   1 counts   capacity:u32 live:u32 tombstones:u32 arenaPages:u32 arenaTail:u32 handles:u32
 *              expiring:u64 garbageBytes:u64 arenaUsedBytes:u64
 *   2 slots    (word0:u64 word1:u64){capacity}                the table's slots, as {@link KeyTable} lays them out
 *   3 hashes   u32{capacity}                                  the low 32 bits of each slot's key hash
 *   4 arena    byte{(arenaPages - 1) * 262144 + arenaTail}    the key arena's pages (see {@link KeyArena}), the
 *                                                             last only as far as it is used
 *   5 handles  segment:i64{handles} count:u32{handles}        handle h names segment[h] (-1: none), used count[h]
 *                                                             times
 *   6 order    word:u64{live} low:u32{live}                   the keys in unsigned byte order, one entry per live
 *                                                             key (see {@link OrderedKeys}: word is the key's first
 *                                                             7 bytes and the top bits of its arena reference, low
 *                                                             the reference's low 32 bits); optional
 *   7 checks   crc:u32{blocks of 2, 3 and 4}                  the CRC32C of each 64 KiB block of the slots, hashes
 *                                                             and arena sections (see {@link BlockChecks})
 * </pre>
 * Meta is big-endian, as in the other files. A reader skips sections of kinds it does not know, so that a section can
 * be added without a new format version. The order section (the ordered index) is such an addition, with its own
 * checksum like every section; a file without one (written before it existed) is used all the same, and its keys
 * are ordered with one sort at open. The meta's checksum covers the extents and the
 * section table, and each section's checksum its bytes; section 7 has a checksum for each block of the table and
 * the arena, so that a writable open maps them and checks each block as it is first used, and opening takes a time
 * that does not grow with the keys. Every byte of the file is checked before it is used.
 */
public final class IndexFile {

    private static final int COUNTS = 1;
    private static final int SLOTS = 2;
    private static final int HASHES = 3;
    private static final int ARENA = 4;
    private static final int HANDLES = 5;
    private static final int ORDER = 6;
    private static final int CHECKS = 7;
    /** The sections every index file has. */
    private static final int[] KINDS = {COUNTS, SLOTS, HASHES, ARENA, HANDLES};
    /** The sections written: the required ones, and the order if one is kept. */
    private static final int[] WRITTEN = {COUNTS, SLOTS, HASHES, ARENA, HANDLES, ORDER, CHECKS};
    private static final int[] WRITTEN_UNORDERED = {COUNTS, SLOTS, HASHES, ARENA, HANDLES, CHECKS};
    /** The sections whose blocks section 7 holds checksums of, in this order, which is the order they are written in. */
    private static final boolean[] BLOCK_CHECKED = new boolean[CHECKS + 1];

    static {
        BLOCK_CHECKED[SLOTS] = true;
        BLOCK_CHECKED[HASHES] = true;
        BLOCK_CHECKED[ARENA] = true;
    }
    /** Bytes of an order entry. */
    private static final int ORDER_ENTRY_SIZE = Long.BYTES + Integer.BYTES;

    private static final int COUNTS_SIZE = 6 * Integer.BYTES + 3 * Long.BYTES;
    private static final int EXTENT_SIZE = 4 * Long.BYTES + Integer.BYTES;
    private static final int SECTION_ENTRY_SIZE = Integer.BYTES + 2 * Long.BYTES + Integer.BYTES;
    private static final int META_START = FileHeader.SIZE + Integer.BYTES;
    /** More segments than any store has, for a bound on the meta a damaged length could ask to read. */
    private static final int MAX_SEGMENTS = 1 << 20;
    private static final int MAX_SECTIONS = 64;
    private static final int CHUNK = 1 << 20;
    private static final int READ_CHUNK = 64 << 10;
    /** Arena pages in one mapping: 1 GiB. */
    private static final int MAP_PAGES = 4096;

    static {
        if (KeyArena.PAGE_SIZE % BlockChecks.BLOCK_SIZE != 0) {
            throw new AssertionError("an arena page must be whole blocks, so that its checks are its blocks'");
        }
    }

    /**
     * How far the index file covers one segment: the lengths of its value log and key log, and the record the value
     * log ends with (where it starts, -1 if none, and its checksum field), for a segment that goes on taking appends.
     */
    public record Extent(long segment, long valueLogEnd, long keyLogEnd, long lastRecord, int lastRecordCrc) {
    }

    /**
     * An index file as read: the index, and what it covers.
     *
     * @param generation the manifest generation it was written for
     * @param extents each segment it covers, in the manifest's order
     * @param index the index, which the caller may use only if the extents are those of the files
     * @param current whether the file has every section this version writes: one that lacks some is worth writing
     *     again, even if the logs have not changed
     */
    public record Loaded(long generation, List<Extent> extents, KeyDirectory index, boolean current) {
    }

    private IndexFile() {
    }

    /**
     * Writes {@code index}, which covers {@code extents} of the segments of manifest {@code generation}, to
     * {@code file}, atomically: to a temporary file renamed over it. With {@code durable}, the temporary file is synced
     * before the rename and the directory after it, so that after a power loss at any point the file is the old one or
     * the new one, whole; without, a power loss may leave it short or damaged, and its checksums then fail. No update
     * of {@code index} may be made meanwhile: the caller holds the store's write lock, or writes a
     * {@link KeyDirectory#snapshot() snapshot}.
     *
     * @throws IOException if it cannot be written (the caller logs it: the store opens without it)
     */
    public static void write(FileAccess access, Path file, long generation, List<Extent> extents, KeyDirectory index,
            boolean durable) throws IOException {
        KeyTable table = index.table();
        // A table mapped from an index file is checked before any of it is written to another.
        table.checkAll();
        SegmentHandles handles = index.handles();
        OrderedKeys.Run order = index.orderedRun();
        int[] written = order != null ? WRITTEN : WRITTEN_UNORDERED;
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = access.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            int metaLength = Integer.BYTES + extents.size() * EXTENT_SIZE + Integer.BYTES
                    + written.length * SECTION_ENTRY_SIZE;
            long position = align(META_START + metaLength + Integer.BYTES);
            ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            long[] offsets = new long[written.length];
            long[] lengths = new long[written.length];
            int[] crcs = new int[written.length];
            SectionWriter writer = new SectionWriter(channel, chunk);
            for (int s = 0; s < written.length; s++) {
                offsets[s] = position;
                writer.start(position, BLOCK_CHECKED[written[s]]);
                writeSection(written[s], table, handles, order, writer);
                lengths[s] = writer.finish();
                crcs[s] = writer.crc();
                position = align(position + lengths[s]);
            }
            ByteBuffer head = ByteBuffer.allocate(META_START + metaLength + Integer.BYTES);
            head.put(FileHeader.encode(FileHeader.Kind.INDEX, generation));
            head.putInt(metaLength);
            head.putInt(extents.size());
            for (Extent extent : extents) {
                head.putLong(extent.segment()).putLong(extent.valueLogEnd()).putLong(extent.keyLogEnd())
                        .putLong(extent.lastRecord()).putInt(extent.lastRecordCrc());
            }
            head.putInt(written.length);
            for (int s = 0; s < written.length; s++) {
                head.putInt(written[s]).putLong(offsets[s]).putLong(lengths[s]).putInt(crcs[s]);
            }
            head.putInt(crc(head, META_START, META_START + metaLength));
            head.flip();
            while (head.hasRemaining()) {
                channel.write(head, head.position());
            }
            if (durable) {
                channel.force(true);
            }
        }
        access.replace(temp, file);
        if (durable) {
            access.syncDirectory(file.getParent());
        }
    }

    private static void writeSection(int kind, KeyTable table, SegmentHandles handles, OrderedKeys.Run order,
            SectionWriter out) throws IOException {
        switch (kind) {
            case COUNTS -> {
                long[] ids = handles.ids();
                out.room(COUNTS_SIZE).putInt(table.capacity).putInt(table.live).putInt(table.tombstones)
                        .putInt(table.arena.pageCount()).putInt(table.arena.tail()).putInt(ids.length)
                        .putLong(table.expiring).putLong(table.garbageBytes).putLong(table.arena.usedBytes());
            }
            case SLOTS -> out.array(2 * table.capacity, Long.BYTES, table::putSlotWords);
            case HASHES -> out.array(table.capacity, Integer.BYTES, table::putHashes);
            case ARENA -> {
                KeyArena.Pages pages = table.arena.pages();
                int count = table.arena.pageCount();
                for (int p = 0; p < count; p++) {
                    out.buffer(pages.get(p), p == count - 1 ? table.arena.tail() : KeyArena.PAGE_SIZE);
                }
            }
            case HANDLES -> {
                long[] ids = handles.ids();
                int[] counts = handles.counts();
                out.array(ids.length, Long.BYTES, (bytes, from, n) -> bytes.asLongBuffer().put(ids, from, n));
                out.array(ids.length, Integer.BYTES, (bytes, from, n) -> bytes.asIntBuffer().put(counts, from, n));
            }
            case ORDER -> {
                out.array(order.size(), Long.BYTES,
                        (bytes, from, n) -> bytes.asLongBuffer().put(order.words(), from, n));
                out.array(order.size(), Integer.BYTES,
                        (bytes, from, n) -> bytes.asIntBuffer().put(order.lows(), from, n));
            }
            case CHECKS -> {
                int[] blocks = out.blockChecksums();
                out.array(blocks.length, Integer.BYTES, (bytes, from, n) -> bytes.asIntBuffer().put(blocks, from, n));
            }
            default -> throw new AssertionError(kind);
        }
    }

    /** The length of the arena section of {@code pageCount} pages, the last used up to {@code tail}. */
    private static long arenaLength(int pageCount, int tail) {
        return pageCount == 0 ? 0 : (pageCount - 1L) * KeyArena.PAGE_SIZE + tail;
    }

    /**
     * Reads the index file {@code file}, checking every byte against its checksums. Its table and arena are mapped,
     * not read, if {@code writable}: the table read-only (a write copies the page it changes, see {@link KeyTable}),
     * the arena copy-on-write (the channel is then opened for writing, which a private mapping needs, but the file is
     * never written: the index's changes stay in memory); else both are copied, for a store opened read-only, which
     * may lack the right to write. The mappings outlive the channel, and the file's
     * name: a checkpoint that replaces the file leaves them as they were.
     *
     * @return what it holds, or null if there is no such file
     * @throws CorruptStoreException if it is damaged: too short, a checksum that fails, a section missing or of the
     *     wrong length, counts out of bounds
     * @throws io.viperdb.UnsupportedFormatException if it is written in another format version
     * @throws IOException if it cannot be read
     */
    public static Loaded read(FileAccess access, Path file, boolean writable) throws IOException {
        FileChannel channel;
        try {
            channel = writable ? access.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : access.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return null;
        }
        try (channel) {
            return new Reader(access, file, channel, writable).read();
        }
    }

    /** Reads one index file: the header and meta, then each section it knows, checked before it is used. */
    private static final class Reader {
        private final Path file;
        private final FileChannel channel;
        private final long size;
        /** For the small sections read into arrays; on the heap, as a direct one costs more to make than to use. */
        private final ByteBuffer chunk = ByteBuffer.allocate(READ_CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        private final long[] offsets = new long[CHECKS + 1];
        private final long[] lengths = new long[CHECKS + 1];
        private final int[] crcs = new int[CHECKS + 1];
        private final boolean[] present = new boolean[CHECKS + 1];
        private final boolean writable;
        private final FileAccess access;

        Reader(FileAccess access, Path file, FileChannel channel, boolean writable) throws IOException {
            this.access = access;
            this.file = file;
            this.channel = channel;
            this.size = channel.size();
            this.writable = writable;
        }

        Loaded read() throws IOException {
            ByteBuffer header = readAt(0, META_START);
            long generation = FileHeader.decode(header, FileHeader.Kind.INDEX, file);
            long metaLength = Integer.toUnsignedLong(header.getInt(FileHeader.SIZE));
            long metaMax = 2L * Integer.BYTES + (long) MAX_SEGMENTS * EXTENT_SIZE + MAX_SECTIONS * SECTION_ENTRY_SIZE;
            if (metaLength > metaMax || META_START + metaLength + Integer.BYTES > size) {
                throw damaged(FileHeader.SIZE, "a meta of " + metaLength + " bytes does not fit a file of " + size);
            }
            ByteBuffer meta = readAt(META_START, (int) metaLength + Integer.BYTES);
            int stored = meta.getInt((int) metaLength);
            int computed = crc(meta, 0, (int) metaLength);
            if (stored != computed) {
                throw damaged(META_START, String.format("meta checksum mismatch (stored 0x%08x, computed 0x%08x)",
                        stored, computed));
            }
            List<Extent> extents = extents(meta, (int) metaLength);
            KeyDirectory index = index();
            return new Loaded(generation, extents, index, present[ORDER] == index.keepsOrder() && present[CHECKS]);
        }

        /** The extents, and the section table noted in {@link #offsets}, {@link #lengths} and {@link #crcs}. */
        private List<Extent> extents(ByteBuffer meta, int metaLength) {
            int count = meta.getInt(0);
            if (count < 0 || count > MAX_SEGMENTS || Integer.BYTES + (long) count * EXTENT_SIZE + Integer.BYTES
                    > metaLength) {
                throw damaged(META_START, "the meta names " + count + " segments");
            }
            List<Extent> extents = new ArrayList<>(count);
            meta.position(Integer.BYTES);
            for (int i = 0; i < count; i++) {
                extents.add(new Extent(meta.getLong(), meta.getLong(), meta.getLong(), meta.getLong(),
                        meta.getInt()));
            }
            int sections = meta.getInt();
            if (sections < 0 || sections > MAX_SECTIONS
                    || meta.position() + (long) sections * SECTION_ENTRY_SIZE != metaLength) {
                throw damaged(META_START, "the meta names " + sections + " sections");
            }
            for (int i = 0; i < sections; i++) {
                int kind = meta.getInt();
                long offset = meta.getLong();
                long length = meta.getLong();
                int crc = meta.getInt();
                if (offset < META_START || offset % Long.BYTES != 0 || length < 0 || offset + length > size) {
                    throw damaged(META_START, "section " + kind + " at " + offset + " of " + length
                            + " bytes does not fit a file of " + size);
                }
                if (kind >= 1 && kind <= CHECKS) {
                    offsets[kind] = offset;
                    lengths[kind] = length;
                    crcs[kind] = crc;
                    present[kind] = true;
                }
            }
            for (int kind : KINDS) {
                if (!present[kind]) {
                    throw damaged(META_START, "section " + kind + " is missing");
                }
            }
            return extents;
        }

        private KeyDirectory index() throws IOException {
            if (lengths[COUNTS] != COUNTS_SIZE) {
                throw damaged(offsets[COUNTS], "a counts section of " + lengths[COUNTS] + " bytes");
            }
            ByteBuffer counts = readAt(offsets[COUNTS], COUNTS_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            check(COUNTS, counts);
            int capacity = counts.getInt(0);
            int live = counts.getInt(4);
            int tombstones = counts.getInt(8);
            int pageCount = counts.getInt(12);
            int tail = counts.getInt(16);
            int handleCount = counts.getInt(20);
            if (capacity < 1 || capacity > KeyDirectory.MAX_CAPACITY || live < 0 || tombstones < 0
                    || (long) live + tombstones > capacity || pageCount < 0 || pageCount > KeyArena.MAX_PAGES
                    || tail < 0 || tail > KeyArena.PAGE_SIZE || handleCount < 1
                    || handleCount > SegmentHandles.MAX + 1) {
                throw damaged(offsets[COUNTS], "counts out of bounds: capacity " + capacity + ", live " + live
                        + ", tombstones " + tombstones + ", arena pages " + pageCount + ", handles " + handleCount);
            }
            expectLength(SLOTS, 2L * capacity * Long.BYTES);
            expectLength(HASHES, (long) capacity * Integer.BYTES);
            expectLength(ARENA, arenaLength(pageCount, tail));
            expectLength(HANDLES, (long) handleCount * (Long.BYTES + Integer.BYTES));

            int[] blockCrcs = lazilyChecked() ? blockChecksums(capacity, pageCount, tail) : null;
            KeyArena arena = arena(pageCount, tail, counts.getLong(40), blockCrcs);
            long[] ids = new long[handleCount];
            int[] handleCounts = new int[handleCount];
            CRC32C crc = new CRC32C();
            readArray(offsets[HANDLES], handleCount, Long.BYTES, crc,
                    (bytes, from, n) -> bytes.asLongBuffer().get(ids, from, n));
            readArray(offsets[HANDLES] + (long) handleCount * Long.BYTES, handleCount, Integer.BYTES, crc,
                    (bytes, from, n) -> bytes.asIntBuffer().get(handleCounts, from, n));
            check(HANDLES, crc);
            // Mapped read-only: a writable table copies a page to the heap at its first write (see KeyTable), and a
            // read-only one is copied to the heap now.
            ByteBuffer slots = channel.map(FileChannel.MapMode.READ_ONLY, offsets[SLOTS], lengths[SLOTS])
                    .order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer hashes = channel.map(FileChannel.MapMode.READ_ONLY, offsets[HASHES], lengths[HASHES])
                    .order(ByteOrder.LITTLE_ENDIAN);
            KeyTable table;
            if (blockCrcs != null) {
                table = KeyTable.mapped(slots, hashes, arena, ids);
                int slotBlocks = BlockChecks.blocks(lengths[SLOTS]);
                int hashBlocks = BlockChecks.blocks(lengths[HASHES]);
                table.slotChecks = new BlockChecks(access, file, offsets[SLOTS], slots,
                        Arrays.copyOfRange(blockCrcs, 0, slotBlocks));
                table.hashChecks = new BlockChecks(access, file, offsets[HASHES], hashes,
                        Arrays.copyOfRange(blockCrcs, slotBlocks, slotBlocks + hashBlocks));
            } else {
                check(SLOTS, slots);
                check(HASHES, hashes);
                table = writable ? KeyTable.mapped(slots, hashes, arena, ids)
                        : KeyTable.copied(slots, hashes, arena, ids);
            }
            table.live = live;
            table.tombstones = tombstones;
            table.expiring = counts.getLong(24);
            table.garbageBytes = counts.getLong(32);
            long used = 0;
            for (int count : handleCounts) {
                used += count;
            }
            if (used != live) {
                throw damaged(offsets[HANDLES], "the handles are used " + used + " times, by " + live + " entries");
            }
            return new KeyDirectory(table, ids, handleCounts, present[ORDER] ? order(live, arena) : null);
        }

        /**
         * The arena's pages: the full ones mapped (slices of mappings of at most {@link #MAP_PAGES} pages, as a buffer
         * holds less than 2 GiB), the last one mapped as far as it is used, and checked now.
         */
        private KeyArena arena(int pageCount, int tail, long usedBytes, int[] blockCrcs) throws IOException {
            ByteBuffer[] pages = new ByteBuffer[Math.max(4, Integer.highestOneBit(Math.max(1, pageCount)) * 2)];
            int mapped = Math.max(0, pageCount - 1);
            BlockChecks[] checks = new BlockChecks[blockCrcs != null ? mapped : 0];
            // The arena's checksums follow those of the slots and the hashes; each page has the same number.
            int arenaCrcs = blockCrcs == null ? 0
                    : BlockChecks.blocks(lengths[SLOTS]) + BlockChecks.blocks(lengths[HASHES]);
            int perPage = KeyArena.PAGE_SIZE / BlockChecks.BLOCK_SIZE;
            CRC32C crc = new CRC32C();
            for (int first = 0; first < mapped; first += MAP_PAGES) {
                int n = Math.min(MAP_PAGES, mapped - first);
                ByteBuffer chunk = map(offsets[ARENA] + (long) first * KeyArena.PAGE_SIZE,
                        (long) n * KeyArena.PAGE_SIZE);
                if (blockCrcs == null) {
                    crc.update(chunk.duplicate());
                }
                for (int p = 0; p < n; p++) {
                    int page = first + p;
                    pages[page] = chunk.slice(p * KeyArena.PAGE_SIZE, KeyArena.PAGE_SIZE)
                            .order(ByteOrder.LITTLE_ENDIAN);
                    if (blockCrcs != null) {
                        int from = arenaCrcs + page * perPage;
                        checks[page] = new BlockChecks(access, file, offsets[ARENA] + (long) page * KeyArena.PAGE_SIZE,
                                pages[page], Arrays.copyOfRange(blockCrcs, from, from + perPage));
                    }
                }
            }
            if (pageCount > 0) {
                // The last page, as long as its entries and checked now: the arena makes it a whole page of its own
                // when it first appends to it.
                long at = offsets[ARENA] + (long) mapped * KeyArena.PAGE_SIZE;
                ByteBuffer last = map(at, tail);
                if (blockCrcs == null) {
                    crc.update(last.duplicate());
                } else {
                    int from = arenaCrcs + mapped * perPage;
                    new BlockChecks(access, file, at, last, Arrays.copyOfRange(blockCrcs, from, blockCrcs.length))
                            .checkAll();
                }
                pages[mapped] = last;
            }
            if (blockCrcs == null) {
                check(ARENA, crc);
            }
            return new KeyArena(pages, checks, pageCount, pageCount == 0 ? KeyArena.PAGE_SIZE : tail, usedBytes);
        }

        /**
         * Whether the table and the arena are checked block by block as they are used (the file has their blocks'
         * checksums, and they are mapped, not copied), rather than whole now.
         */
        private boolean lazilyChecked() {
            return present[CHECKS] && writable;
        }

        /** The blocks' checksums (section 7), itself checked whole. */
        private int[] blockChecksums(int capacity, int pageCount, int tail) throws IOException {
            int count = BlockChecks.blocks((long) KeyTable.SLOT_BYTES * capacity)
                    + BlockChecks.blocks((long) Integer.BYTES * capacity)
                    + BlockChecks.blocks(arenaLength(pageCount, tail));
            expectLength(CHECKS, (long) count * Integer.BYTES);
            ByteBuffer bytes = readAt(offsets[CHECKS], count * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            check(CHECKS, bytes);
            int[] crcs = new int[count];
            bytes.asIntBuffer().get(crcs);
            return crcs;
        }

        /**
         * {@code length} bytes of the arena at {@code position}, as {@link IndexFile#read} says: mapped copy-on-write
         * if the store is writable (an expiry is rewritten in place); else copied to the heap.
         */
        private ByteBuffer map(long position, long length) throws IOException {
            if (writable) {
                return channel.map(FileChannel.MapMode.PRIVATE, position, length).order(ByteOrder.LITTLE_ENDIAN);
            }
            ByteBuffer copy = IndexBuffers.allocate(length);
            copy.put(0, channel.map(FileChannel.MapMode.READ_ONLY, position, length), 0, (int) length);
            return copy;
        }

        /**
         * The order section, one entry per live key: mapped now, and read and checked when the order is first used;
         * or read now, for a store opened read-only (which may not delete the file if it is damaged).
         */
        private Supplier<OrderedKeys.Run> order(int live, KeyArena arena) throws IOException {
            expectLength(ORDER, (long) live * ORDER_ENTRY_SIZE);
            ByteBuffer section = channel.map(FileChannel.MapMode.READ_ONLY, offsets[ORDER], lengths[ORDER]);
            long arenaEnd = arena.capacityBytes() - KeyArena.PAGE_SIZE + arena.tail();
            SavedOrder saved = new SavedOrder(writable ? access : null, file, offsets[ORDER], crcs[ORDER], live,
                    arenaEnd, section);
            if (writable) {
                return saved;
            }
            OrderedKeys.Run run = saved.get();
            return () -> run;
        }

        private void expectLength(int kind, long length) {
            if (lengths[kind] != length) {
                throw damaged(offsets[kind], "section " + kind + " is " + lengths[kind] + " bytes, not " + length);
            }
        }

        private void check(int kind, ByteBuffer bytes) {
            CRC32C crc = new CRC32C();
            crc.update(bytes.duplicate().clear());
            check(kind, crc);
        }

        private void check(int kind, CRC32C crc) {
            int computed = (int) crc.getValue();
            if (computed != crcs[kind]) {
                throw damaged(offsets[kind], String.format(
                        "section %d checksum mismatch (stored 0x%08x, computed 0x%08x)", kind, crcs[kind], computed));
            }
        }

        /**
         * Reads {@code count} elements of {@code width} bytes from {@code position}, a chunk at a time, into the
         * checksum and through {@code copy} into an array.
         */
        private void readArray(long position, int count, int width, CRC32C crc, ArrayCopy copy) throws IOException {
            for (int done = 0; done < count; ) {
                int n = Math.min(count - done, CHUNK / width);
                ByteBuffer bytes = chunk.clear().limit(n * width);
                readFully(bytes, position + (long) done * width);
                crc.update(bytes.flip());
                copy.copy(bytes.flip(), done, n);
                done += n;
            }
        }

        private ByteBuffer readAt(long position, int length) throws IOException {
            if (position + length > size) {
                throw damaged(position, "the file is " + size + " bytes long; " + length + " bytes at " + position
                        + " run past its end");
            }
            ByteBuffer bytes = ByteBuffer.allocate(length);
            readFully(bytes, position);
            return bytes.clear();
        }

        private void readFully(ByteBuffer into, long position) throws IOException {
            long at = position;
            while (into.hasRemaining()) {
                int read = channel.read(into, at);
                if (read < 0) {
                    throw damaged(at, "the file ends at " + at);
                }
                at += read;
            }
        }

        private CorruptStoreException damaged(long offset, String what) {
            return new CorruptStoreException(file, offset, what);
        }
    }

    /**
     * An index file's order section (6), mapped, read into a run when it is asked for: checked against its checksum,
     * and every entry's reference against the arena's end. Damage fails the read with a
     * {@link CorruptStoreException}; if it was found after the open, the file is deleted, as {@link BlockChecks} does.
     */
    private static final class SavedOrder implements Supplier<OrderedKeys.Run> {
        private final FileAccess deleteWith;
        private final Path file;
        private final long offset;
        private final int crc;
        private final int live;
        private final long arenaEnd;
        private final ByteBuffer section;

        /** With {@code deleteWith} null, the file is left as it is when it is found damaged. */
        SavedOrder(FileAccess deleteWith, Path file, long offset, int crc, int live, long arenaEnd,
                ByteBuffer section) {
            this.deleteWith = deleteWith;
            this.file = file;
            this.offset = offset;
            this.crc = crc;
            this.live = live;
            this.arenaEnd = arenaEnd;
            this.section = section;
        }

        @Override
        public OrderedKeys.Run get() {
            CRC32C computed = new CRC32C();
            computed.update(section.duplicate().clear());
            if ((int) computed.getValue() != crc) {
                throw damaged(offset, String.format("section %d checksum mismatch (stored 0x%08x, computed 0x%08x)",
                        ORDER, crc, (int) computed.getValue()));
            }
            long[] words = new long[live];
            int[] lows = new int[live];
            section.slice(0, live * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(words);
            section.slice(live * Long.BYTES, live * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer()
                    .get(lows);
            for (int i = 0; i < live; i++) {
                if (OrderedKeys.ref(words[i], lows[i]) + KeyArena.HEADER > arenaEnd) {
                    throw damaged(offset + (long) i * Long.BYTES, "order entry " + i + " refers past the arena");
                }
            }
            return new OrderedKeys.Run(words, lows);
        }

        private CorruptStoreException damaged(long at, String what) {
            return deleteWith == null ? new CorruptStoreException(file, at, what)
                    : BlockChecks.foundAfterTheOpen(deleteWith, file, at, what);
        }
    }

    /** Copies {@code n} elements from index {@code from} of an array to {@code bytes} at its position, or back. */
    @FunctionalInterface
    private interface ArrayCopy {
        void copy(ByteBuffer bytes, int from, int n);
    }

    /**
     * Writes a section through a chunk, keeping its checksum and length, and the checksums of its blocks (see
     * {@link BlockChecks}) if it is one section 7 covers. A chunk is a whole number of blocks, and a section starts
     * with an empty chunk, so each chunk written holds whole blocks but the section's last.
     */
    private static final class SectionWriter {
        private final FileChannel channel;
        private final ByteBuffer chunk;
        private CRC32C crc;
        private long start;
        private long position;
        private boolean blocks;
        private int[] blockCrcs = new int[64];
        private int blockCount;

        SectionWriter(FileChannel channel, ByteBuffer chunk) {
            if (chunk.capacity() % BlockChecks.BLOCK_SIZE != 0) {
                throw new IllegalArgumentException("a chunk must hold whole blocks: " + chunk.capacity());
            }
            this.channel = channel;
            this.chunk = chunk;
        }

        /** Starts a section at {@code at}; its blocks' checksums are kept if {@code blocks}. */
        void start(long at, boolean blocks) {
            crc = new CRC32C();
            start = at;
            position = at;
            this.blocks = blocks;
            chunk.clear();
        }

        /** The checksums of the blocks of every section written so far that kept them, in order. */
        int[] blockChecksums() {
            return Arrays.copyOf(blockCrcs, blockCount);
        }

        /** The chunk, with at least {@code bytes} free. */
        ByteBuffer room(int bytes) throws IOException {
            if (chunk.remaining() < bytes) {
                drain();
            }
            return chunk;
        }

        /** Writes {@code count} elements of {@code width} bytes, a chunk at a time, put by {@code copy}. */
        void array(int count, int width, ArrayCopy copy) throws IOException {
            for (int done = 0; done < count; ) {
                int n = Math.min(count - done, room(width).remaining() / width);
                copy.copy(chunk, done, n);
                chunk.position(chunk.position() + n * width);
                done += n;
            }
        }

        /**
         * Writes {@code [0, length)} of {@code values}, a slice of at most a chunk at a time: a buffer on the heap is
         * copied by the channel into a direct one of its size, which it keeps for the thread.
         */
        void buffer(ByteBuffer values, int length) throws IOException {
            drain();
            for (int done = 0; done < length; ) {
                int n = Math.min(length - done, CHUNK);
                ByteBuffer slice = values.slice(done, n);
                checksum(slice);
                write(slice);
                done += n;
            }
        }

        long finish() throws IOException {
            drain();
            return position - start;
        }

        int crc() {
            return (int) crc.getValue();
        }

        private void drain() throws IOException {
            chunk.flip();
            checksum(chunk);
            write(chunk);
            chunk.clear();
        }

        /** Adds {@code bytes}, the next of the section, to its checksum and to its blocks'; their position stays. */
        private void checksum(ByteBuffer bytes) {
            crc.update(bytes.duplicate());
            if (!blocks || !bytes.hasRemaining()) {
                return;
            }
            if ((position - start) % BlockChecks.BLOCK_SIZE != 0) {
                throw new IllegalStateException("a block checksum must start at a block: " + (position - start));
            }
            ByteBuffer written = bytes.slice();
            for (int block = 0; block < BlockChecks.blocks(written.capacity()); block++) {
                if (blockCount == blockCrcs.length) {
                    blockCrcs = Arrays.copyOf(blockCrcs, blockCount * 2);
                }
                blockCrcs[blockCount++] = BlockChecks.checksum(written, block, written.capacity());
            }
        }

        private void write(ByteBuffer bytes) throws IOException {
            while (bytes.hasRemaining()) {
                position += channel.write(bytes, position);
            }
        }
    }

    private static long align(long position) {
        return (position + Long.BYTES - 1) & -Long.BYTES;
    }

    private static int crc(ByteBuffer bytes, int from, int to) {
        CRC32C crc = new CRC32C();
        crc.update(bytes.duplicate().limit(to).position(from));
        return (int) crc.getValue();
    }
}
