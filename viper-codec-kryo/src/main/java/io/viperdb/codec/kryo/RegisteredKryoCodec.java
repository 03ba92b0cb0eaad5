package io.viperdb.codec.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
import io.viperdb.spi.ValueCodec;
import io.viperdb.spi.ValueCodecs;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A Kryo codec that stores only the classes it is created with, for stores whose files might be written by someone
 * else. It stores them like {@link KryoCodec} does (records, classes without a no-argument constructor, shared and
 * cyclic references); strings and boxed primitives need not be listed.
 *
 * <p><b>When your classes change</b>, the rules of {@link KryoCodec} apply: fields are matched by name, so a listed
 * class may gain, lose and reorder fields; a field whose type changed, a record whose components changed and an enum
 * constant that was removed fail the read rather than return a wrong value. Unlike with {@link KryoCodec}, a listed
 * class may also be renamed or moved to another package, since it is stored by its position in the list.
 *
 * <p><b>The list is part of the stored format.</b> Each class is written as its position in the list (plus
 * {@value #FIRST_ID}), not as its name: only ever append to the list. Reordering it or removing a class makes stored
 * values unreadable, or worse, read as the wrong class. Collections, maps and arrays must be listed too if values
 * contain them (for example {@code ArrayList.class}, {@code String[].class}), each concrete class that occurs.
 *
 * <p><b>What it protects against.</b> Encoding an object of a class that is not listed fails. Decoding refuses bytes
 * that name an unlisted class, by number or by name, before anything is loaded or created. So a crafted store file
 * can only make this codec create objects of the listed classes; but it chooses their field values (and collection
 * sizes), and sets them after the object is created (by its no-argument constructor, or without any constructor
 * call), so no constructor checks them: validate what you read where it matters.
 *
 * <p><b>On the module path</b>, open the packages of the listed classes to Kryo, as for {@link KryoCodec}:
 * {@code opens com.example.model to com.esotericsoftware.kryo;}.
 *
 * <p><b>To make it a service</b>, so that a store can be opened by its codec name alone, subclass it with a
 * no-argument constructor and a name of your own, and provide the subclass:
 * <pre>{@code
 * public final class OrderCodec extends RegisteredKryoCodec {
 *     public OrderCodec() {
 *         super("orders-kryo", List.of(Order.class, OrderLine.class, ArrayList.class));
 *     }
 * }
 * // module-info.java: provides io.viperdb.spi.ValueCodec with com.example.OrderCodec;
 * }</pre>
 * The name is the promise that the bytes stay readable: a codec whose list is not an extension of an earlier list
 * takes a new name. (The {@link KryoCodec#registeredOnly} codecs all share the name {@value #DEFAULT_NAME}, so open a
 * store with the same list every time.)
 *
 * <p>Instances are thread-safe.
 */
public class RegisteredKryoCodec implements ValueCodec<Object> {

    /** The name of the codecs that {@link KryoCodec#registeredOnly} returns. */
    public static final String DEFAULT_NAME = "kryo-registered";

    /**
     * The id of the first listed class. Kryo numbers the types it registers itself from 0; starting well above them
     * keeps the ids of listed classes where they are should a later Kryo register more.
     */
    public static final int FIRST_ID = 100;

    private final String name;
    private final List<Class<?>> classes;
    private final PooledKryo kryo;

    /**
     * Creates a codec that stores the given classes.
     *
     * @param name the codec's name (see {@link ValueCodec#name()})
     * @param classes the concrete classes to store, in a fixed order that later versions only append to
     * @throws IllegalArgumentException if the name is not a valid codec name, or a class is listed twice, is an
     *     interface or abstract class, or is one that Kryo registers itself
     * @throws NullPointerException if the list or one of its classes is null
     */
    public RegisteredKryoCodec(String name, List<Class<?>> classes) {
        this.name = ValueCodecs.checkName(name);
        this.classes = List.copyOf(classes);
        this.kryo = new PooledKryo(name, this::newKryo);
    }

    /** Returns the name given to the constructor. */
    @Override
    public final String name() {
        return name;
    }

    /** {@return the classes this codec stores, in the order they were given} */
    public final List<Class<?>> registeredClasses() {
        return classes;
    }

    /**
     * Encodes an object graph of listed classes (and strings and boxed primitives).
     *
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalArgumentException if the value is of a class that is not listed; the message names it
     * @throws com.esotericsoftware.kryo.KryoException if an object inside the graph is of a class that is not listed
     *     (the message names it, and the field that holds it), or Kryo cannot write an object of the graph
     */
    @Override
    public final byte[] encode(Object value) {
        return kryo.write(value);
    }

    /**
     * Decodes bytes that {@link #encode} wrote, without loading or creating any class that is not listed. Reads
     * {@code bytes} from its position to its limit and changes neither; keeps no reference to it.
     *
     * @return the object graph; never null
     * @throws IllegalArgumentException if the bytes are empty, hold null, or go on after the value
     * @throws com.esotericsoftware.kryo.KryoException if they name a class that is not listed, or cannot be read
     */
    @Override
    public final Object decode(ByteBuffer bytes) {
        return kryo.read(bytes);
    }

    private Kryo newKryo() {
        Kryo kryo = new CodecKryo(name, new RegisteredOnlyClassResolver(), true);
        for (int index = 0; index < classes.size(); index++) {
            Class<?> type = classes.get(index);
            Registration existing = kryo.getClassResolver().getRegistration(type);
            if (existing != null) {
                throw new IllegalArgumentException(existing.getId() >= FIRST_ID
                        ? type.getName() + " is listed twice, at " + (existing.getId() - FIRST_ID) + " and " + index
                        : type.getName() + " is registered by Kryo itself (as " + existing.getType().getName()
                                + "); leave it out of the list");
            }
            if (type.isInterface() || (!type.isArray() && !type.isPrimitive()
                    && Modifier.isAbstract(type.getModifiers()))) {
                throw new IllegalArgumentException(type.getName() + " is an interface or abstract class; list the "
                        + "concrete classes of the stored objects instead, for example java.util.ArrayList");
            }
            if (kryo.getRegistration(FIRST_ID + index) != null) {
                // Only possible if a future Kryo registers a hundred types of its own.
                throw new IllegalStateException("Kryo already uses id " + (FIRST_ID + index) + " for "
                        + kryo.getRegistration(FIRST_ID + index).getType().getName());
            }
            kryo.register(type, FIRST_ID + index);
        }
        return kryo;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + ", " + classes.size() + " classes]";
    }
}
