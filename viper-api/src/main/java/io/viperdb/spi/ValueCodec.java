package io.viperdb.spi;

import java.nio.ByteBuffer;

/**
 * Turns values into bytes and back. A store records the {@link #name()} of the codec it was created with and
 * refuses to open with another, so a codec's name is a promise about its bytes: a codec that changes its encoding
 * takes a new name.
 *
 * <p>Codecs are found with {@link java.util.ServiceLoader}. A module provides one with
 * {@code provides io.viperdb.spi.ValueCodec with com.example.MyCodec;} (and, for class-path users, a line in
 * {@code META-INF/services/io.viperdb.spi.ValueCodec}); the class needs a public no-argument constructor. A codec can
 * also be handed to a store directly with {@link io.viperdb.StoreOptions.Builder#codec(ValueCodec)}.
 *
 * <p>Implementations must be thread-safe: a store calls them from every thread that uses it.
 *
 * @param <T> the type of the values
 */
public interface ValueCodec<T> {

    /**
     * The codec's name: 1 to 64 characters of lower-case ASCII letters, digits, {@code .}, {@code _} and {@code -},
     * starting with a letter or digit. Two codecs on the module path must not share a name.
     *
     * @return the name, the same on every call
     */
    String name();

    /**
     * Encodes a value. The store never passes null.
     *
     * @param value the value to encode
     * @return the bytes to store; the store does not modify the array and keeps no reference to it
     * @throws RuntimeException of any kind if the value cannot be encoded; the store reports it as a
     *     {@link io.viperdb.CodecException} naming this codec, and writes nothing
     */
    byte[] encode(T value);

    /**
     * Decodes the bytes that {@link #encode} returned.
     *
     * @param bytes a read-only view of exactly the stored bytes, from position 0 to its limit; possibly a slice of a
     *     memory-mapped file, valid only until this method returns: the store may unmap the file then (after a
     *     reclaim deleted it, or at close), and reading a view kept past that throws {@link IllegalStateException} on
     *     JDK 22 and later and can crash the JVM on JDK 17. Copy whatever the value keeps.
     * @return the value
     * @throws RuntimeException of any kind if the bytes cannot be decoded; the store reports it as a
     *     {@link io.viperdb.CodecException}
     */
    T decode(ByteBuffer bytes);
}
