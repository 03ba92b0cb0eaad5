package io.viperdb.engine.format;

import io.viperdb.spi.KeyText;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Keys on disk: the UTF-8 bytes of the key string, at most {@link KeyValueStore#MAX_KEY_BYTES}.
 *
 * <p>A string with an unpaired surrogate has no UTF-8 encoding ({@link String#getBytes} would silently replace it
 * with {@code '?'}, so two different keys would share one record); such keys are refused.
 */
public final class Keys {

    private static final VarHandle BIG_ENDIAN_LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.BIG_ENDIAN);

    private Keys() {
    }

    /** Returns the UTF-8 bytes of {@code key}, checked as {@link KeyText#encode} says. */
    public static byte[] encode(String key) {
        return KeyText.encode(key);
    }

    /** Copies key bytes read from a record whose checksum has been verified. */
    public static byte[] copy(ByteBuffer bytes, int offset, int length) {
        byte[] copy = new byte[length];
        bytes.get(offset, copy);
        return copy;
    }

    /** Shows key bytes read from a record in a message, as {@link KeyText#describe} does. */
    public static String describe(ByteBuffer bytes, int offset, int length) {
        return KeyText.describe(copy(bytes, offset, length));
    }

    /**
     * Returns true if {@code bytes[offset, offset + length)} is exactly {@code key} (this runs on every read): eight
     * bytes at a time where the buffer's order allows, since on a direct buffer every single-byte get has its own
     * index and scope checks.
     */
    public static boolean matches(byte[] key, ByteBuffer bytes, int offset, int length) {
        if (length != key.length) {
            return false;
        }
        int i = 0;
        if (bytes.order() == ByteOrder.BIG_ENDIAN) {
            for (; i + Long.BYTES <= length; i += Long.BYTES) {
                if (bytes.getLong(offset + i) != (long) BIG_ENDIAN_LONGS.get(key, i)) {
                    return false;
                }
            }
        }
        for (; i < length; i++) {
            if (bytes.get(offset + i) != key[i]) {
                return false;
            }
        }
        return true;
    }
}
