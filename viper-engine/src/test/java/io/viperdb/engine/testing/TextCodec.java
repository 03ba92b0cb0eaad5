package io.viperdb.engine.testing;

import io.viperdb.spi.ValueCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** A codec for engine tests: strings as UTF-8, so a test can read what it wrote in a hex dump. */
public final class TextCodec implements ValueCodec<String> {

    public static final String NAME = "test-text";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public byte[] encode(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String decode(ByteBuffer bytes) {
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(bytes.position(), copy);
        return new String(copy, StandardCharsets.UTF_8);
    }
}
