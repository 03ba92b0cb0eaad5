package io.viperdb.codec.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.RecordSerializer;
import com.esotericsoftware.kryo.util.ObjectMap;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Collectors;

/**
 * Stores a record with Kryo's {@link RecordSerializer}, and refuses to read one whose components have changed since.
 *
 * <p>Kryo writes a record's components by position, in the order of their names, without the names, and leaves out
 * the class of a component whose type is final. A record that gained, lost, renamed or retyped a component would
 * read the stored values into the wrong components, silently where their types agree. So the first record of its
 * class in a stored value also writes a fingerprint of the components, and reading compares it with the record's
 * components now:
 * <pre>
 * record      := fingerprint? component*                           Kryo's RecordSerializer, components by name
 * fingerprint := RECORD_BY_POSITION:byte first-8-bytes-of-SHA-256:long  the first record of the class in a value only
 * </pre>
 * The fingerprint is taken over one line {@code name type} per component, in the order of their names, each type the
 * erased {@link Class#getName() binary name}. Declaring the components in another order changes nothing; any other
 * change to their names or types fails the read of values written before it, with a message that says so.
 *
 * <p>Why not read records by name, like classes? A record can only be created through its canonical constructor, and
 * the user's module opens its packages to Kryo, not to this module: Kryo's serializer can call the constructor, and
 * it reads by position.
 *
 * @param <T> the record class
 */
final class CheckedRecordSerializer<T> extends Serializer<T> {

    private final RecordSerializer<T> byPosition;
    private final String components;
    private final long fingerprint;

    CheckedRecordSerializer(Class<T> type) {
        super(false, true);
        byPosition = new RecordSerializer<>(type);
        components = Arrays.stream(type.getRecordComponents())
                .sorted(Comparator.comparing(RecordComponent::getName))
                .map(component -> component.getName() + " " + component.getType().getName())
                .collect(Collectors.joining("\n"));
        fingerprint = fingerprint(components);
    }

    @Override
    public void write(Kryo kryo, Output output, T record) {
        @SuppressWarnings("unchecked") // Kryo's raw map
        ObjectMap<Object, Object> written = kryo.getGraphContext();
        if (!written.containsKey(this)) {
            written.put(this, null);
            output.writeByte(StoredLayout.RECORD_BY_POSITION);
            output.writeLong(fingerprint);
        }
        byPosition.write(kryo, output, record);
    }

    @Override
    public T read(Kryo kryo, Input input, Class<? extends T> type) {
        @SuppressWarnings("unchecked") // Kryo's raw map
        ObjectMap<Object, Object> read = kryo.getGraphContext();
        if (!read.containsKey(this)) {
            StoredLayout.expect(input, StoredLayout.RECORD_BY_POSITION, type);
            long stored = input.readLong();
            if (stored != fingerprint) {
                throw new KryoException("The bytes hold a " + type.getName() + " written when its components were "
                        + "different (fingerprint " + Long.toHexString(stored) + "; now " + Long.toHexString(fingerprint)
                        + " for components " + components.replace("\n", ", ") + "). A record is stored by position, so "
                        + "one whose components were added, removed, renamed or retyped since cannot read values "
                        + "written before: migrate them, or store a class, whose fields are matched by name");
            }
            read.put(this, null);
        }
        return byPosition.read(kryo, input, type);
    }

    private static long fingerprint(String components) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(components.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }
}
