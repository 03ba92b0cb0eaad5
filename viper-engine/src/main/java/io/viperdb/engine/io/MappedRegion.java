package io.viperdb.engine.io;

import java.nio.ByteBuffer;

/**
 * A read-only memory mapping of the first {@link #size()} bytes of a file, which its owner unmaps deterministically
 * with {@link #unmap()} rather than leaving it to the garbage collector.
 *
 * <p>Two implementations, chosen by the JDK that runs the engine (the engine jar is a multi-release jar): on JDK 17 to
 * 21 a {@link java.nio.MappedByteBuffer}, unmapped through {@code sun.misc.Unsafe.invokeCleaner} when the JDK offers
 * it (and otherwise left to the garbage collector, as before); on JDK 22 and later a {@code MemorySegment} of a shared
 * {@code Arena}, unmapped by closing the arena. {@link Mappings#implementation()} says which one is in use.
 *
 * <p>Unmapping is safe only once no thread reads the region any more: reading an unmapped {@code MappedByteBuffer}
 * crashes the JVM or reads another file's bytes. The region does not count its readers itself; its owner does (see
 * {@code io.viperdb.engine.log.Mapping}) and calls {@link #unmap()} when the last reader has left.
 */
public interface MappedRegion {

    /** The number of bytes mapped, from offset 0 of the file; at most {@link Integer#MAX_VALUE}. */
    long size();

    /**
     * A read-only view of the whole region, position 0 and limit {@link #size()}, to be read by absolute index. The
     * same buffer on every call: callers must not change its position or limit (they take slices).
     */
    ByteBuffer buffer();

    /**
     * Unmaps the region now, releasing its address space and, for a deleted file, its disk space. Idempotent. The
     * caller guarantees that no thread reads {@link #buffer()} or any view of it afterwards.
     */
    void unmap();
}
