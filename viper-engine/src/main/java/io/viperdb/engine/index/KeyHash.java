package io.viperdb.engine.index;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The 64-bit hash of a key's bytes. The bytes are taken eight at a time as little-endian words; the last, partial
 * word is zero-padded and the length is mixed in at the end.
 */
final class KeyHash {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long SEED = 0x243F6A8885A308D3L;

    private KeyHash() {
    }

    /** The hash of {@code bytes[offset, offset + length)}. */
    static long of(byte[] bytes, int offset, int length) {
        long h = SEED;
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES) {
            h = step(h, (long) LONGS.get(bytes, offset + i));
        }
        long word = 0;
        for (int shift = 0; i < length; i++, shift += 8) {
            word |= (bytes[offset + i] & 0xFFL) << shift;
        }
        return finish(h, word, length);
    }

    private static long step(long h, long word) {
        h ^= word * 0x9E3779B97F4A7C15L;
        return Long.rotateLeft(h, 29) * 0xBF58476D1CE4E5B9L;
    }

    private static long finish(long h, long word, int length) {
        h = step(h, word) ^ length;
        // The finalizer of MurmurHash3: every input bit reaches every output bit.
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        return h ^ (h >>> 33);
    }
}
