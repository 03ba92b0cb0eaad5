package io.viperdb.engine.io;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Maps files for reading: the JDK 17 implementation, with {@link MappedByteBuffer}.
 *
 * <p>The engine jar is a multi-release jar: on JDK 22 and later, {@code META-INF/versions/22} holds another
 * {@code Mappings} with the same methods, which maps into a {@code MemorySegment} of a shared {@code Arena} and so
 * touches no {@code sun.misc.Unsafe} (whose {@code invokeCleaner} warns from JDK 24 on). Keep the two in step.
 *
 * <p>Here a mapping is released through {@code sun.misc.Unsafe.invokeCleaner(ByteBuffer)}, the one supported way on
 * JDK 17 to unmap a {@code MappedByteBuffer} before the garbage collector finds it unreachable. It is internal API of
 * the {@code jdk.unsupported} module (which the engine's module-info requires for this use alone): it is looked up
 * reflectively once, and if it is missing or refused, mappings are left to the garbage collector, as they were before
 * the engine released them itself: correct, only later (a deleted file's disk space comes back when the collector
 * runs). {@link #implementation()} says which.
 */
final class Mappings {

    private static final System.Logger LOG = System.getLogger("io.viperdb");
    private static final MethodHandle INVOKE_CLEANER = findInvokeCleaner();

    private Mappings() {
    }

    /** Maps {@code [0, size)} of the file read-only. */
    static MappedRegion map(FileChannel channel, long size) throws IOException {
        return new BufferRegion(channel.map(FileChannel.MapMode.READ_ONLY, 0, size));
    }

    /** Which implementation maps and releases, for a log line or a test. */
    static String implementation() {
        return INVOKE_CLEANER != null ? "MappedByteBuffer, released with sun.misc.Unsafe.invokeCleaner"
                : "MappedByteBuffer, released by the garbage collector";
    }

    private static MethodHandle findInvokeCleaner() {
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field field = unsafeClass.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            Object unsafe = field.get(null);
            return MethodHandles.lookup()
                    .findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
                    .bindTo(unsafe);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(System.Logger.Level.INFO, "sun.misc.Unsafe.invokeCleaner is not available (" + e
                    + "); memory mappings of the store's files are released by the garbage collector");
            return null;
        }
    }

    /** A {@link MappedRegion} over a {@link MappedByteBuffer}. */
    private static final class BufferRegion implements MappedRegion {
        private final MappedByteBuffer mapped;
        private boolean unmapped;

        BufferRegion(MappedByteBuffer mapped) {
            this.mapped = mapped;
        }

        @Override
        public long size() {
            return mapped.capacity();
        }

        @Override
        public ByteBuffer buffer() {
            return mapped; // read-only already: mapped with MapMode.READ_ONLY
        }

        @Override
        public synchronized void unmap() {
            if (unmapped || INVOKE_CLEANER == null) {
                return;
            }
            unmapped = true;
            try {
                INVOKE_CLEANER.invokeExact((ByteBuffer) mapped);
            } catch (Throwable e) {
                // The buffer stays mapped until the garbage collector frees it: later, but still correct.
                LOG.log(System.Logger.Level.WARNING, "Could not release a memory mapping; the garbage collector will",
                        e);
            }
        }
    }
}
