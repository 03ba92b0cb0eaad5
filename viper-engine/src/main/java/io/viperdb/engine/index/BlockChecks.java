package io.viperdb.engine.index;

import io.viperdb.CorruptStoreException;
import io.viperdb.engine.io.FileAccess;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The checksums of the blocks of an index file's mapped sections, each checked the first time a reader or the writer
 * uses its block, rather than all at open: so that opening a store maps its index in a time that does not grow with
 * its keys (see FORMAT.md, "Index file", section 7). A block is {@value #BLOCK_SIZE} bytes of a section, the last one
 * possibly shorter.
 *
 * <p>A block is checked before its bytes are used: a reader before it follows a slot or reads a key, the writer
 * before it copies a page of the table to the heap (see {@link KeyTable}) or changes a key's entry in the arena (so
 * a block the writer has changed is always one that was checked). Two threads may check the same block at once; each
 * finds the same bytes, unless the writer has meanwhile checked an arena block and begun to change it, which the
 * check tells by reading the block's bit again after a mismatch. The mapped slots and hashes are never changed: a
 * table the writer has copied from the mapping to the heap (see {@link KeyTable#onHeap}) keeps these checks, and a
 * block of the copy is checked against the mapped block it was copied from.
 *
 * <p>A block that fails its check means the file was damaged after it was written. The index is a cache of the logs,
 * so nothing is lost: the file is deleted, so that the next open rebuilds the index from the logs, and the operation
 * that found it fails with a {@link CorruptStoreException} naming the file and the block's offset. (Rebuilding the
 * index of an open store in place is left for later: until it is reopened, operations on keys in that block fail the
 * same way.)
 */
final class BlockChecks {

    static final int BLOCK_SHIFT = 16;
    static final int BLOCK_SIZE = 1 << BLOCK_SHIFT;

    static {
        if (BLOCK_SIZE % (KeyTable.SLOTS_PER_PAGE * KeyTable.SLOT_BYTES) != 0
                || BLOCK_SIZE % (KeyTable.HASHES_PER_PAGE * Integer.BYTES) != 0) {
            throw new AssertionError("a slot, or a page the table copies to the heap, must never span two blocks: "
                    + "KeyTable checks a slot's block once, and a page's before it copies it");
        }
    }

    private static final System.Logger LOG = System.getLogger("io.viperdb");
    private static final VarHandle BITS = MethodHandles.arrayElementVarHandle(long[].class);

    private final FileAccess access;
    private final Path file;
    /** Where the section starts in the file, for messages. */
    private final long fileOffset;
    private final ByteBuffer section;
    private final int[] crcs;
    /** Bit {@code b} is set once block {@code b} has been checked. */
    private final long[] checked;

    /**
     * Checks for {@code section}, mapped from {@code file} at {@code fileOffset}, whose blocks have the checksums
     * {@code crcs}, one per block.
     */
    BlockChecks(FileAccess access, Path file, long fileOffset, ByteBuffer section, int[] crcs) {
        if (crcs.length != blocks(section.capacity())) {
            throw new IllegalArgumentException(crcs.length + " checksums for " + section.capacity() + " bytes");
        }
        this.access = access;
        this.file = file;
        this.fileOffset = fileOffset;
        this.section = section;
        this.crcs = crcs;
        this.checked = new long[(crcs.length + Long.SIZE - 1) / Long.SIZE];
    }

    /** How many blocks {@code length} bytes take. */
    static int blocks(long length) {
        return (int) ((length + BLOCK_SIZE - 1) >>> BLOCK_SHIFT);
    }

    /**
     * The checksum, as the index file holds it, of block {@code block} of {@code bytes[0, length)}, which starts at
     * its byte 0 and ends at {@code length} or {@value #BLOCK_SIZE} bytes further, whichever comes first; the buffer's
     * position and limit stay.
     */
    static int checksum(ByteBuffer bytes, int block, long length) {
        int start = block << BLOCK_SHIFT;
        CRC32C crc = new CRC32C();
        crc.update(bytes.slice(start, (int) Math.min(BLOCK_SIZE, length - start)));
        return (int) crc.getValue();
    }

    /** Checks the block that holds byte {@code offset} of the section, unless it has been. */
    void check(int offset) {
        int block = offset >>> BLOCK_SHIFT;
        if (((long) BITS.getOpaque(checked, block >>> 6) & 1L << block) == 0) {
            checkBlock(block);
        }
    }

    /** Checks the blocks that hold bytes {@code [offset, offset + length)} of the section, unless they have been. */
    void check(int offset, int length) {
        for (int block = offset >>> BLOCK_SHIFT; block <= (offset + length - 1) >>> BLOCK_SHIFT; block++) {
            check(block << BLOCK_SHIFT);
        }
    }

    /** Checks every block not checked yet: before the section is copied whole. */
    void checkAll() {
        check(0, section.capacity());
    }

    private void checkBlock(int block) {
        int computed = checksum(section, block, section.capacity());
        if (computed == crcs[block]) {
            BITS.getAndBitwiseOr(checked, block >>> 6, 1L << block);
            return;
        }
        // The writer may have checked the block and begun to change it while this thread read it.
        VarHandle.acquireFence();
        if (((long) BITS.getVolatile(checked, block >>> 6) & 1L << block) != 0) {
            return;
        }
        throw damaged(block, computed);
    }

    private CorruptStoreException damaged(int block, int computed) {
        return foundAfterTheOpen(access, file, fileOffset + ((long) block << BLOCK_SHIFT), String.format(
                "block %d of an index file section fails its checksum (stored 0x%08x, computed 0x%08x)", block,
                crcs[block], computed));
    }

    /**
     * Damage to the index file {@code file} at {@code offset}, found after the store opened from it: deletes the file,
     * so that the next open rebuilds the index from the logs, and returns the exception that says so.
     */
    static CorruptStoreException foundAfterTheOpen(FileAccess access, Path file, long offset, String what) {
        try {
            access.deleteIfExists(file);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not delete the damaged index file " + file
                    + "; delete it before the store is opened again", e);
        }
        return new CorruptStoreException(file, offset, what + ". The index file is a cache of the logs: nothing is "
                + "lost. It has been deleted; reopen the store to rebuild its index from the logs");
    }

}
