package io.viperdb.engine.format;

import io.viperdb.KeyValueStore;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

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

    /**
     * Checks that {@code key} can be stored.
     *
     * @return the length of its UTF-8 encoding
     * @throws NullPointerException if it is null
     * @throws IllegalArgumentException if it has an unpaired surrogate or is longer than the maximum
     */
    public static int check(String key) {
        Objects.requireNonNull(key, "key");
        int bytes = 0;
        for (int i = 0, n = key.length(); i < n; i++) {
            char c = key.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (!Character.isSurrogate(c)) {
                bytes += 3;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(key.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                throw new IllegalArgumentException("Key has an unpaired surrogate at index " + i
                        + ", so it is not Unicode text and has no UTF-8 encoding");
            }
        }
        if (bytes > KeyValueStore.MAX_KEY_BYTES) {
            throw new IllegalArgumentException("Key is " + bytes + " bytes in UTF-8; the maximum is "
                    + KeyValueStore.MAX_KEY_BYTES + " (key starts with \"" + key.substring(0, 40) + "\")");
        }
        return bytes;
    }

    /** Returns the UTF-8 bytes of {@code key} after {@link #check checking} it. */
    public static byte[] encode(String key) {
        check(key);
        return key.getBytes(StandardCharsets.UTF_8);
    }

    /** Decodes key bytes read from a record whose checksum has been verified. */
    public static String decode(ByteBuffer bytes, int offset, int length) {
        byte[] copy = new byte[length];
        bytes.get(offset, copy);
        return new String(copy, StandardCharsets.UTF_8);
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
