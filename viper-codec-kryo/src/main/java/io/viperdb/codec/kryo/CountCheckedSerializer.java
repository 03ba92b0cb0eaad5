package io.viperdb.codec.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers;
import com.esotericsoftware.kryo.serializers.MapSerializer;

/**
 * Wraps one of Kryo's collection, map or array serializers so that the element count it reads first is checked
 * against the bytes left before the serializer allocates for it.
 *
 * <p>These serializers read the element count (plus one; zero means null) before anything else, and size an array or
 * table by it before they read a single element, so a damaged or crafted count of two billion would end in an
 * {@link OutOfMemoryError}. The count is a var int, written with or without a flag bit depending on what Kryo knows
 * about the element type at that point, so only the serializer itself knows how to read it: this wrapper tells the
 * {@link BoundedInput} that the next var int read is a count, and the input checks it as it is read.
 *
 * @param <T> the type the wrapped serializer reads and writes
 */
final class CountCheckedSerializer<T> extends Serializer<T> {

    private final Serializer<T> serializer;

    private CountCheckedSerializer(Serializer<T> serializer) {
        super(serializer.getAcceptsNull(), serializer.isImmutable());
        this.serializer = serializer;
    }

    /**
     * Returns {@code serializer} wrapped if it is one that starts by reading an element count, else itself. (All of
     * Kryo 5.6's collection, map and array serializers do; the tests pin it.)
     */
    @SuppressWarnings({"rawtypes", "unchecked"}) // Kryo hands out raw serializers
    static Serializer around(Serializer serializer) {
        boolean countFirst = serializer instanceof CollectionSerializer || serializer instanceof MapSerializer
                || serializer.getClass().getEnclosingClass() == DefaultArraySerializers.class;
        return countFirst ? new CountCheckedSerializer(serializer) : serializer;
    }

    @Override
    public void write(Kryo kryo, Output output, T object) {
        serializer.write(kryo, output, object);
    }

    @Override
    public T read(Kryo kryo, Input input, Class<? extends T> type) {
        if (!(input instanceof BoundedInput bounded)) {
            return serializer.read(kryo, input, type);
        }
        bounded.expectCountOf(type);
        try {
            return serializer.read(kryo, input, type);
        } finally {
            bounded.expectCountOf(null);
        }
    }

    @Override
    public T copy(Kryo kryo, T original) {
        return serializer.copy(kryo, original);
    }

    @Override
    public void setAcceptsNull(boolean acceptsNull) {
        super.setAcceptsNull(acceptsNull);
        serializer.setAcceptsNull(acceptsNull);
    }

    @Override
    public void setImmutable(boolean immutable) {
        super.setImmutable(immutable);
        serializer.setImmutable(immutable);
    }
}
