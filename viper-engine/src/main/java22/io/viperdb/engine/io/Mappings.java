package io.viperdb.engine.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Maps files for reading: the JDK 22+ implementation, in {@code META-INF/versions/22} of the multi-release engine jar
 * (the JDK 17 one is in the base; keep the two in step).
 *
 * <p>Each mapping is a {@link MemorySegment} of its own shared {@link Arena}; closing the arena unmaps it at once,
 * with no {@code sun.misc.Unsafe}. The engine closes an arena only when no reader holds the mapping (see
 * {@code io.viperdb.engine.log.Mapping}); should a view of it be read afterwards all the same (a codec that kept the
 * buffer it was given), the read throws {@link IllegalStateException} rather than touching unmapped memory.
 */
final class Mappings {

    private Mappings() {
    }

    /** Maps {@code [0, size)} of the file read-only. */
    static MappedRegion map(FileChannel channel, long size) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            return new ArenaRegion(arena, channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena));
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Which implementation maps and releases, for a log line or a test. */
    static String implementation() {
        return "MemorySegment of a shared Arena, released by closing the arena";
    }

    /** A {@link MappedRegion} over a mapped {@link MemorySegment}. */
    private static final class ArenaRegion implements MappedRegion {
        private final Arena arena;
        private final long size;
        private final ByteBuffer view;
        private boolean unmapped;

        ArenaRegion(Arena arena, MemorySegment segment) {
            this.arena = arena;
            this.size = segment.byteSize();
            // A read-only segment gives a read-only buffer; the engine keeps every mapping under 2 GiB, so one fits.
            this.view = segment.asReadOnly().asByteBuffer();
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public ByteBuffer buffer() {
            return view;
        }

        @Override
        public synchronized void unmap() {
            if (!unmapped) {
                unmapped = true;
                arena.close();
            }
        }
    }
}
