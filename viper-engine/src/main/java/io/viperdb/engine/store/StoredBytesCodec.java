package io.viperdb.engine.store;

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

    private final String name;

    /** A codec that hands over bytes under {@code name}, which must be a valid codec name. */
    StoredBytesCodec(String name) {
        this.name = ValueCodecs.checkName(name);
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

    @Override
    public String toString() {
        return "StoredBytesCodec[" + name + "]";
    }
}
