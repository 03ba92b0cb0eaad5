package io.viperdb.engine.store;

import io.viperdb.spi.BytesCodec;
import io.viperdb.spi.ValueCodec;
import io.viperdb.spi.ValueCodecs;
import java.nio.ByteBuffer;

/**
 * Values as the bytes a store's codec wrote, under that codec's name, whatever codec it is and whether or not it is on
 * the module path (a codec built in code, such as {@code KryoCodec.registeredOnly(...)}, never is). It serves two
 * callers, neither of which makes new bytes: a store opened with {@link io.viperdb.StoreOptions.Builder#rawValues()},
 * which is read-only, and salvage, which copies bytes another store held under the same codec name.
 */
final class StoredBytesCodec implements ValueCodec<byte[]> {

    /** What this codec does to bytes is what {@code bytes} does; only the name differs. */
    private static final BytesCodec BYTES = new BytesCodec();

    private final String name;

    /** A codec that hands over bytes under {@code name}, which must be a valid codec name. */
    StoredBytesCodec(String name) {
        this.name = ValueCodecs.checkName(name);
    }

    @Override
    public String name() {
        return name;
    }

    /** The bytes as they are, as the {@code bytes} codec stores them. */
    @Override
    public byte[] encode(byte[] value) {
        return BYTES.encode(value);
    }

    /** A copy of the stored bytes, as the {@code bytes} codec reads them: the buffer is a view of a mapping. */
    @Override
    public byte[] decode(ByteBuffer bytes) {
        return BYTES.decode(bytes);
    }

    @Override
    public String toString() {
        return "StoredBytesCodec[" + name + "]";
    }
}
