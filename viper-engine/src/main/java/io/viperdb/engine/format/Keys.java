package io.viperdb.engine.format;

import io.viperdb.KeyValueStore;
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
     * Returns true if {@code bytes[offset, offset + length)} is exactly the UTF-8 encoding of {@code key}, without
     * encoding the key into a new array (this runs on every read). The key must have passed {@link #check}.
     */
    public static boolean matches(String key, ByteBuffer bytes, int offset, int length) {
        int n = key.length();
        if (length < n) {
            return false; // UTF-8 takes at least one byte per char
        }
        int i = 0;
        if (bytes.order() == ByteOrder.BIG_ENDIAN) {
            // Eight ASCII chars at a time against one word of the bytes rather than byte by byte: most keys are
            // ASCII, and on a direct buffer every single-byte get has its own index and scope checks.
            words:
            for (; i + Long.BYTES <= n; i += Long.BYTES) {
                long word = 0;
                for (int j = 0; j < Long.BYTES; j++) {
                    char c = key.charAt(i + j);
                    if (c >= 0x80) {
                        break words;
                    }
                    word = word << 8 | c;
                }
                if (bytes.getLong(offset + i) != word) {
                    return false;
                }
            }
        }
        int p = offset + i;
        int end = offset + length;
        for (; i < n; i++) {
            int c = key.charAt(i);
            if (c < 0x80) {
                if (p >= end || bytes.get(p++) != (byte) c) {
                    return false;
                }
                continue;
            }
            int width;
            if (c < 0x800) {
                width = 2;
            } else if (Character.isHighSurrogate((char) c)) {
                c = Character.toCodePoint((char) c, key.charAt(++i));
                width = 4;
            } else {
                width = 3;
            }
            if (end - p < width) {
                return false;
            }
            int lead = switch (width) {
                case 2 -> 0xC0 | (c >>> 6);
                case 3 -> 0xE0 | (c >>> 12);
                default -> 0xF0 | (c >>> 18);
            };
            if (bytes.get(p++) != (byte) lead) {
                return false;
            }
            for (int shift = 6 * (width - 2); shift >= 0; shift -= 6) {
                if (bytes.get(p++) != (byte) (0x80 | ((c >>> shift) & 0x3F))) {
                    return false;
                }
            }
        }
        return p == end;
    }
}
