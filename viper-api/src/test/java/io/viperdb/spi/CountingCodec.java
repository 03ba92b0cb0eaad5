package io.viperdb.spi;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A codec that counts how often it is made, for {@link ValueCodecsTest}, which loads it into a class loader of its own
 * (so each loader's copy has its own count) and offers it there as a service.
 */
public final class CountingCodec implements ValueCodec<byte[]> {

    /** What it stores values as: their bytes. */
    private static final BytesCodec BYTES = new BytesCodec();

    /** How many instances of this copy of the class were made. */
    public static final AtomicInteger MADE = new AtomicInteger();

    /** Counts the instance; {@link java.util.ServiceLoader} calls this. */
    public CountingCodec() {
        MADE.incrementAndGet();
    }

    @Override
    public String name() {
        return "counting";
    }

    @Override
    public byte[] encode(byte[] value) {
        return BYTES.encode(value);
    }

    @Override
    public byte[] decode(ByteBuffer bytes) {
        return BYTES.decode(bytes);
    }
}
