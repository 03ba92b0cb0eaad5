package io.viperdb.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.testkit.ValueCodecContract;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** The {@code bytes} codec: the shared contract, plus what it promises beyond it. */
class BytesCodecTest extends ValueCodecContract<byte[]> {

    private final BytesCodec codec = new BytesCodec();

    @Override
    protected ValueCodec<byte[]> codec() {
        return codec;
    }

    /** Every byte[] is a value, the empty one included. */
    @Override
    protected Gen<byte[]> values() {
        return Generate.byteArrays(Generate.range(0, 2048), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0));
    }

    @Test
    void isFoundByNameThroughTheServiceLoader() {
        assertTrue(ValueCodecs.available().contains(BytesCodec.NAME), "available: " + ValueCodecs.available());
        assertInstanceOf(BytesCodec.class, ValueCodecs.named(BytesCodec.NAME));
    }

    @Test
    void storesTheArrayItselfWithNothingAdded() {
        byte[] value = {1, 2, 3};
        assertSame(value, codec.encode(value));
        assertEquals(0, codec.encode(new byte[0]).length);
    }

    @Test
    void decodesFromPositionToLimitIntoANewArrayAndLeavesThePositionAlone() {
        byte[] backing = {9, 8, 7, 6, 5, 4};
        ByteBuffer buffer = ByteBuffer.wrap(backing).position(1).limit(4);

        byte[] decoded = codec.decode(buffer);

        assertArrayEquals(new byte[] {8, 7, 6}, decoded);
        assertEquals(1, buffer.position());
        assertEquals(4, buffer.limit());
        decoded[0] = 0;
        assertEquals(8, backing[1], "the decoded array is a copy");
    }

    @Test
    void decodeNeverReturnsTheBufferArray() {
        byte[] backing = {1, 2};
        assertNotSame(backing, codec.decode(ByteBuffer.wrap(backing)));
    }
}
