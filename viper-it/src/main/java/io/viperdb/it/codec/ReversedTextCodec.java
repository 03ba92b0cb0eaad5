package io.viperdb.it.codec;

import io.viperdb.spi.ValueCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A codec that a user's module provides: strings stored as their UTF-8 bytes in reverse order, so a test can tell
 * from the file that this codec, and not another, wrote them.
 */
public final class ReversedTextCodec implements ValueCodec<String> {

    public static final String NAME = "reversed-text";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public byte[] encode(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        reverse(bytes);
        return bytes;
    }

    @Override
    public String decode(ByteBuffer bytes) {
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(bytes.position(), copy);
        reverse(copy);
        return new String(copy, StandardCharsets.UTF_8);
    }

    private static void reverse(byte[] bytes) {
        for (int i = 0, j = bytes.length - 1; i < j; i++, j--) {
            byte b = bytes[i];
            bytes[i] = bytes[j];
            bytes[j] = b;
        }
    }
}
