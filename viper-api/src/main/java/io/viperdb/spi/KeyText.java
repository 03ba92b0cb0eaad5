package io.viperdb.spi;

import io.viperdb.KeyValueStore;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Objects;

/**
 * How a {@code String} key and its bytes relate. A store's keys are byte sequences; a {@code String} key is the key
 * made of its UTF-8 bytes, so {@code store.get("a")} and {@code store.byteKeys().get(new byte[] {'a'})} read the same
 * key. The engine and the API use these methods, so a key is checked and shown the same way everywhere.
 */
public final class KeyText {

    private static final int SHOWN_BYTES = 64;

    private KeyText() {
    }

    /**
     * Returns the UTF-8 bytes of {@code key}.
     *
     * @param key the key
     * @return its bytes, a new array
     * @throws NullPointerException if it is null
     * @throws IllegalArgumentException if it has an unpaired surrogate (it is not Unicode text and has no UTF-8
     *     encoding that would give it back) or its bytes are more than {@link KeyValueStore#MAX_KEY_BYTES}
     */
    public static byte[] encode(String key) {
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
        return key.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Checks that {@code key} can be a key.
     *
     * @param key the key's bytes
     * @return {@code key}
     * @throws NullPointerException if it is null
     * @throws IllegalArgumentException if it is longer than {@link KeyValueStore#MAX_KEY_BYTES}
     */
    public static byte[] check(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length > KeyValueStore.MAX_KEY_BYTES) {
            throw new IllegalArgumentException("Key is " + key.length + " bytes; the maximum is "
                    + KeyValueStore.MAX_KEY_BYTES + " (key starts with " + describe(key) + ")");
        }
        return key;
    }

    /**
     * Returns the key whose UTF-8 bytes {@code key} is, or null if they are not well-formed UTF-8 (such a key can be
     * reached only through {@link KeyValueStore#byteKeys()}).
     *
     * @param key the key's bytes
     * @return the key as text, or null
     */
    public static String decode(byte[] key) {
        boolean ascii = true;
        for (byte b : key) {
            if (b < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(key, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(key))
                    .toString();
        } catch (CharacterCodingException notText) {
            return null;
        }
    }

    /**
     * Shows a key in a message: as quoted text when its bytes are UTF-8 text without control characters, otherwise
     * as hexadecimal ({@code 0x00ff...}); a long key is shown by its first 64 bytes and its length.
     *
     * @param key the key's bytes
     * @return how to show it
     */
    public static String describe(byte[] key) {
        byte[] shown = key.length <= SHOWN_BYTES ? key : java.util.Arrays.copyOf(key, SHOWN_BYTES);
        String text = decode(shown);
        String more = shown == key ? "" : "... (" + key.length + " bytes)";
        if (text != null && text.chars().noneMatch(Character::isISOControl)) {
            return "\"" + text + "\"" + more;
        }
        return "0x" + HexFormat.of().formatHex(shown) + more;
    }
}
