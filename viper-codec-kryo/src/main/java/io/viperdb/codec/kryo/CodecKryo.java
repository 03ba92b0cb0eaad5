package io.viperdb.codec.kryo;

import com.esotericsoftware.kryo.ClassResolver;
import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.SerializerFactory;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.serializers.EnumNameSerializer;
import java.net.URI;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * A Kryo instance set up the way the kryo codecs store values. These settings are part of the stored format: a
 * codec that changes them takes a new name.
 *
 * <ul>
 *   <li>the user's own classes (every class Kryo has no serializer of its own for) are stored with their fields
 *       matched by name when read ({@link FieldsByNameSerializer}): a later version of a class that added, removed or
 *       reordered fields reads values written before; a field whose type changed fails the read;</li>
 *   <li>records are stored by Kryo, by position, with a fingerprint of their components
 *       ({@link CheckedRecordSerializer}): a record whose components changed in any way but their order fails the
 *       read of values written before;</li>
 *   <li>enums are stored by the names of their constants, so that adding or reordering constants keeps stored values
 *       right; a constant that no longer exists fails the read;</li>
 *   <li>Kryo's generics optimization is off: the bytes of a collection or map do not depend on the declared type of
 *       the field that holds it, which a later version of the class may change or remove;</li>
 *   <li>references on, so that shared objects stay shared and cycles survive; a cycle through an object that cannot
 *       be created before its contents (a record) fails the read rather than come back with null
 *       ({@link CheckedReferenceResolver});</li>
 *   <li>objects are created with their no-argument constructor (of any visibility) where there is one, otherwise
 *       without calling any constructor (Objenesis), so that classes without one can be stored
 *       ({@link ConstructorFirstStrategy});</li>
 *   <li>Kryo's serializers for {@link UUID}, {@link URI}, {@link Pattern} and the atomics, which Kryo has but does
 *       not use by default: without them it would reflect into {@code java.base}, which the JDK refuses;</li>
 *   <li>objects nest at most {@value #MAX_DEPTH} deep: Kryo recurses once per level, and a limit fails the same way
 *       on every thread, where running out of stack would depend on the thread's stack size;</li>
 *   <li>counts and lengths are checked against the bytes left before anything is allocated for them
 *       ({@link CountCheckedSerializer}, {@link BoundedInput}).</li>
 * </ul>
 */
final class CodecKryo extends Kryo {

    /** How deeply stored objects may nest. */
    static final int MAX_DEPTH = 500;

    private final String codecName;

    CodecKryo(String codecName, ClassResolver classResolver, boolean registrationRequired) {
        super(classResolver, new CheckedReferenceResolver());
        this.codecName = codecName;
        setRegistrationRequired(registrationRequired);
        setReferences(true);
        setOptimizedGenerics(false);
        setInstantiatorStrategy(new ConstructorFirstStrategy());
        setMaxDepth(MAX_DEPTH);
        // A factory rather than the serializer's class, which Kryo would create reflectively: it is not public.
        addDefaultSerializer(Record.class, new SerializerFactory.BaseSerializerFactory<>() {
            @Override
            @SuppressWarnings({"rawtypes", "unchecked"}) // Kryo's signature
            public Serializer newSerializer(Kryo kryo, Class type) {
                return new CheckedRecordSerializer(type);
            }
        });
        addDefaultSerializer(Enum.class, EnumNameSerializer.class);
        addDefaultSerializer(UUID.class, new DefaultSerializers.UUIDSerializer());
        addDefaultSerializer(URI.class, new DefaultSerializers.URISerializer());
        addDefaultSerializer(Pattern.class, new DefaultSerializers.PatternSerializer());
        addDefaultSerializer(AtomicBoolean.class, new DefaultSerializers.AtomicBooleanSerializer());
        addDefaultSerializer(AtomicInteger.class, new DefaultSerializers.AtomicIntegerSerializer());
        addDefaultSerializer(AtomicLong.class, new DefaultSerializers.AtomicLongSerializer());
        addDefaultSerializer(AtomicReference.class, new DefaultSerializers.AtomicReferenceSerializer());
    }

    @Override
    @SuppressWarnings("rawtypes") // Kryo's signature
    public Serializer getDefaultSerializer(Class type) {
        return CountCheckedSerializer.around(super.getDefaultSerializer(type));
    }

    /** The serializer of a class Kryo has no serializer of its own for: one of the user's classes. */
    @Override
    @SuppressWarnings({"rawtypes", "unchecked"}) // Kryo's signature
    protected Serializer newDefaultSerializer(Class type) {
        return new FieldsByNameSerializer(this, type);
    }

    @Override
    @SuppressWarnings("rawtypes") // Kryo's signature
    protected String unregisteredClassMessage(Class type) {
        return type.getName() + " is not one of the classes codec '" + codecName + "' was created with; add it at the "
                + "end of its list of classes (never reorder or remove entries: their positions are in the stored "
                + "bytes)";
    }
}
