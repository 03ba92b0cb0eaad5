package io.viperdb.codec.kryo;

import com.esotericsoftware.kryo.ClassResolver;
import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.util.MapReferenceResolver;
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
 *   <li>references on, so that shared objects stay shared and cycles survive;</li>
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
        super(classResolver, new MapReferenceResolver());
        this.codecName = codecName;
        setRegistrationRequired(registrationRequired);
        setReferences(true);
        setInstantiatorStrategy(new ConstructorFirstStrategy());
        setMaxDepth(MAX_DEPTH);
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

    @Override
    @SuppressWarnings("rawtypes") // Kryo's signature
    protected String unregisteredClassMessage(Class type) {
        return type.getName() + " is not one of the classes codec '" + codecName + "' was created with; add it at the "
                + "end of its list of classes (never reorder or remove entries: their positions are in the stored "
                + "bytes)";
    }
}
