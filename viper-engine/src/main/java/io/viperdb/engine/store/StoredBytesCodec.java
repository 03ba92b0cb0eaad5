package io.viperdb.engine.store;

import io.viperdb.spi.ValueCodec;
import java.nio.ByteBuffer;

/**
 * The values of a store as the bytes its codec wrote, under that codec's name: what a store opened with
 * {@link io.viperdb.StoreOptions.Builder#rawValues()} hands over, whatever codec wrote it. Only ever used read-only, so
 * {@link #encode} is never asked to make bytes the store's real codec could not read.
 */
final class StoredBytesCodec implements ValueCodec<byte[]> {

    private final String name;

    StoredBytesCodec(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public byte[] encode(byte[] value) {
        return value;
    }

    /** A copy of the stored bytes: the buffer is a view of a mapping that the caller may not keep. */
    @Override
    public byte[] decode(ByteBuffer bytes) {
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(bytes.position(), copy);
        return copy;
    }
}
