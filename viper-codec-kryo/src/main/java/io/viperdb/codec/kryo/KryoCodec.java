package io.viperdb.codec.kryo;

import com.esotericsoftware.kryo.util.DefaultClassResolver;
import io.viperdb.spi.ValueCodec;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The {@code kryo} codec: stores your own classes and records, and JDK types, with Kryo 5, and gives back an equal
 * object graph of the same classes.
 *
 * <p>What it stores:
 * <ul>
 *   <li>classes and records of your own, with or without a no-argument constructor (objects of a class without one
 *       are created without calling a constructor, and their fields are then set from the stored bytes); transient
 *       fields are not stored;</li>
 *   <li>object graphs with shared and cyclic references: an object reachable twice comes back as one object. A cycle
 *       must pass through an object of a class: a record (or an immutable collection such as {@code List.of}) that
 *       contains itself is written, but reading it fails, because it cannot be created before its contents;</li>
 *   <li>JDK types Kryo has serializers for: strings, boxed primitives, arrays, the {@code java.util} collections and
 *       maps (also {@code List.of(...)} and friends), {@code java.time} types, {@code BigInteger},
 *       {@code BigDecimal}, {@code Optional}, {@code UUID}, {@code URI}, {@code Pattern}, enums, ...</li>
 * </ul>
 * Objects nest at most 500 deep. Other JDK classes are refused at encode time, because the JDK does not let Kryo read
 * their fields.
 *
 * <p>The stored bytes are Kryo's {@code writeClassAndObject} format: the class name of every object (written once per
 * value, then referred to by number), followed by its contents. Renaming or moving a stored class therefore makes the
 * values written before unreadable: reading them fails.
 *
 * <p><b>When your classes change.</b> Stored values outlive versions of your classes. These rules say what a value
 * written by an earlier version reads as; what cannot be read right fails with a
 * {@link com.esotericsoftware.kryo.KryoException} that says why, never with a wrong value.
 * <ul>
 *   <li><b>Classes</b> are stored field by field, each under its name (the names once per class per value), and read
 *       by name:
 *     <ul>
 *       <li>an added field holds what a new object holds: what the no-argument constructor (of any visibility) sets,
 *           or zero, false or null if the class has no such constructor (then no constructor runs, and field
 *           initializers do not run either);</li>
 *       <li>a removed field's stored value is read and dropped, whatever its type; the class of that value must
 *           still exist;</li>
 *       <li>fields may be declared in any order, and moved between a class and its superclasses;</li>
 *       <li>a renamed field is a removed field plus an added one: the stored value is dropped, and the field holds
 *           what a new object holds;</li>
 *       <li>a field whose type changed reads only a stored value that is an instance of the new type (say a
 *           {@code String} into a {@code CharSequence} field, an {@code int} into an {@code Integer} one); anything
 *           else fails the read, {@code int} to {@code long} included. Type arguments are not checked: a
 *           {@code List<String>} field changed to {@code List<Integer>} reads back the stored strings;</li>
 *       <li>a class with two fields of the same name (one hiding a superclass's) is refused.</li>
 *     </ul></li>
 *   <li><b>Records</b> are stored by position, with a fingerprint of the names and types of their components. Reading
 *       a record whose components were added, removed, renamed or retyped since fails; declaring them in another
 *       order does not matter. For a type that will change, store a class, or migrate the stored values.</li>
 *   <li><b>Enums</b> are stored by the names of their constants: constants may be added and reordered; reading a
 *       constant that was removed or renamed fails.</li>
 *   <li>A class that became a record, or a record that became a class, fails to read values written before.</li>
 * </ul>
 *
 * <p><b>On the module path</b>, Kryo reads and writes the fields of stored objects reflectively, so every package that
 * holds stored classes or records must be open to it. In your {@code module-info.java}:
 * <pre>{@code
 * opens com.example.model to com.esotericsoftware.kryo;
 * }</pre>
 * Without it, encoding fails with an {@link IllegalArgumentException} that says so.
 *
 * <p><b>Only read stores you trust with this codec.</b> The stored bytes name the classes to create, and any class on
 * the class path or module path qualifies: a crafted store file can have objects of any of them created (through
 * their no-argument constructor if they have one, else without any constructor call) with field values of its
 * choosing, which no constructor checks. That is the same danger as Java deserialization of untrusted
 * data (gadget chains). If a store's files might be written by someone else, use
 * {@link RegisteredKryoCodec} (see {@link #registeredOnly}), which creates only the classes you list.
 *
 * <p>Instances are thread-safe: each call borrows a Kryo instance and buffers from a pool.
 */
public final class KryoCodec implements ValueCodec<Object> {

    /** The codec's name, written into every store that uses it. */
    public static final String NAME = "kryo";

    private final PooledKryo kryo = new PooledKryo(NAME, () -> new CodecKryo(NAME, new DefaultClassResolver(), false));

    /** Creates the codec; {@link java.util.ServiceLoader} calls this. */
    public KryoCodec() {
    }

    /**
     * Returns a codec named {@value RegisteredKryoCodec#DEFAULT_NAME} that stores only the given classes (and
     * strings and boxed primitives, which Kryo knows without being told), for stores whose files you do not fully
     * trust. The list is part of the stored format: see {@link RegisteredKryoCodec}.
     *
     * @param classes the concrete classes to store, in a fixed order that later versions only append to
     * @return a new codec
     * @throws IllegalArgumentException if a class is listed twice, is an interface or abstract class, or is one that
     *     Kryo registers itself
     */
    public static RegisteredKryoCodec registeredOnly(Class<?>... classes) {
        return new RegisteredKryoCodec(RegisteredKryoCodec.DEFAULT_NAME, List.of(classes));
    }

    /** Returns {@value #NAME}. */
    @Override
    public String name() {
        return NAME;
    }

    /**
     * Encodes an object graph.
     *
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalArgumentException if a stored class's package is not open to Kryo
     * @throws com.esotericsoftware.kryo.KryoException if Kryo cannot write an object of the graph, or it nests
     *     deeper than 500
     */
    @Override
    public byte[] encode(Object value) {
        return kryo.write(value);
    }

    /**
     * Decodes bytes that {@link #encode} wrote. Reads {@code bytes} from its position to its limit and changes
     * neither; keeps no reference to it.
     *
     * @return the object graph; never null
     * @throws IllegalArgumentException if the bytes are empty, hold null, or go on after the value
     * @throws com.esotericsoftware.kryo.KryoException if Kryo cannot read them, for example because a class they
     *     name is not on the class path or module path
     */
    @Override
    public Object decode(ByteBuffer bytes) {
        return kryo.read(bytes);
    }

    @Override
    public String toString() {
        return "KryoCodec[" + NAME + "]";
    }
}
