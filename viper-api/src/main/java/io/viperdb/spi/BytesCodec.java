package io.viperdb.spi;

import java.nio.ByteBuffer;

/**
 * The {@code bytes} codec: a {@code byte[]} value is stored exactly as it is, with no marker, length or header of its
 * own, and read back as a new array with the same bytes. Use it when your values already are bytes (your own
 * serialization, compressed blobs, images) and you want neither a codec library nor a byte of overhead.
 *
 * <pre>{@code
 * StoreOptions options = StoreOptions.builder().codec(BytesCodec.NAME).build();
 * try (KeyValueStore<byte[]> store = KeyValueStore.open(dir, options)) {
 *     store.put("thumbnail", pngBytes);
 *     byte[] stored = store.get("thumbnail");
 * }
 * }</pre>
 *
 * <p>The stored bytes are:
 * <pre>
 * value := bytes      the array, every byte of it, nothing before or after
 * </pre>
 * Every array can be stored, the empty one included, and every sequence of bytes decodes, so this codec never
 * refuses a value and never fails to read one.
 *
 * <p>{@link #encode} returns the caller's array itself, not a copy: the store copies it into its write buffer before
 * {@code put} returns and keeps no reference to it (see {@link ValueCodec#encode}), so the caller may change or reuse
 * the array once {@code put} has returned. {@link #decode} always returns a new array that the caller owns.
 *
 * <p>The codec ships with the API module ({@code provides io.viperdb.spi.ValueCodec with io.viperdb.spi.BytesCodec}),
 * so it is always available by name. Instances are stateless and thread-safe.
 */
public final class BytesCodec implements ValueCodec<byte[]> {

    /** The codec's name, written into every store that uses it. */
    public static final String NAME = "bytes";

    /** Creates the codec; {@link java.util.ServiceLoader} calls this. */
    public BytesCodec() {
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Returns {@code value} itself: its bytes are the stored bytes. */
    @Override
    public byte[] encode(byte[] value) {
        return value;
    }

    /**
     * Copies the bytes from position to limit into a new array. Reads by absolute position, so it works on any
     * buffer (read-only, direct, memory-mapped or a slice) and leaves the buffer's position unchanged.
     */
    @Override
    public byte[] decode(ByteBuffer bytes) {
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(bytes.position(), copy);
        return copy;
    }

    @Override
    public String toString() {
        return "BytesCodec[" + NAME + "]";
    }
}
