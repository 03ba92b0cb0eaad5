package io.viperdb.engine.store;

import io.viperdb.spi.ValueCodec;
import io.viperdb.spi.ValueCodecs;
import java.nio.ByteBuffer;

/**
 * Takes {@code byte[]} values as the bytes to store, under the name of another codec: what salvage writes the new
 * store with, so that the values are copied byte for byte and the new store records the damaged store's codec,
 * which need not be on the module path (a codec built in code, such as {@code KryoCodec.registeredOnly(...)}, never
 * is).
 */
final class PassThroughCodec implements ValueCodec<byte[]> {

    private final String name;

    /** A codec that stores bytes under {@code name}, which must be a valid codec name. */
    PassThroughCodec(String name) {
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

    @Override
    public byte[] decode(ByteBuffer bytes) {
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(bytes.position(), copy);
        return copy;
    }

    @Override
    public String toString() {
        return "PassThroughCodec[" + name + "]";
    }
}
