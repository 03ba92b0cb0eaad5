package io.viperdb.codec.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.FieldSerializer;
import com.esotericsoftware.kryo.util.ObjectMap;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.Map;

/**
 * Stores an object of one of the user's classes field by field, each under its name, so that a later version of the
 * class reads it by name. The kryo codecs give it every class that Kryo has no serializer of its own for.
 *
 * <p>The fields are the non-static, non-transient fields of the class and of its superclasses, sorted by name. The
 * first object of the class in a stored value writes their names; every object then writes each field's value as
 * Kryo's {@code writeClassAndObject} does (the value's class, or 0 for null, then the value), in the order of the
 * names:
 * <pre>
 * object := names? value*                                  one value per name
 * names  := FIELDS_BY_NAME:byte count:varint name:string*  the first object of the class in a value only
 * value  := class:varint (reference:varint)? data           Kryo's writeClassAndObject
 * </pre>
 *
 * <p>Reading matches the stored names to the fields the class has now:
 * <ul>
 *   <li>a stored field that the class still has is set to the stored value, which must fit the field's declared type:
 *       an instance of it or null, and for a primitive field exactly its wrapper (an int is not read into a
 *       {@code long}); otherwise the read fails. Type arguments are not checked: a {@code List<String>} changed to a
 *       {@code List<Integer>} reads back the stored strings;</li>
 *   <li>a stored field that the class no longer has is read in full and dropped. Reading it, rather than jumping over
 *       it, keeps the objects, class names and field names it introduced known to the bytes after it, which may refer
 *       back to them. If its value's class no longer exists, the read fails;</li>
 *   <li>a field that was not stored keeps the value that the new object was created with: what the no-argument
 *       constructor (of any visibility) gives it, or zero, false or null when the class has none and the object is
 *       created without a constructor call (field initializers do not run then either).</li>
 * </ul>
 * A renamed field is therefore a removed field and an added one. Two fields of the same name, one of them in a
 * superclass, could not be told apart, so such a class is refused.
 *
 * <p>Kryo's own {@code CompatibleFieldSerializer} (5.6) writes much the same, but is not used. It silently leaves a
 * field whose stored value is null at the value the constructor gave it. With chunked encoding it silently skips a
 * field whose type changed, or whose data it cannot read, leaving it at its initial value; it reads through an input
 * that bypasses {@link BoundedInput}'s checks; and it loses track of back references when it skips. Without chunks it
 * fails to skip a removed field whose bytes depended on the field's declared generic type.
 *
 * <p>This serializer reads and writes fields through {@link Field} objects that Kryo's {@link FieldSerializer} made
 * accessible: the user's module opens its packages to Kryo, not to this module.
 *
 * @param <T> the class
 */
final class FieldsByNameSerializer<T> extends FieldSerializer<T> {

    private final Field[] fields;
    private final Map<String, Field> fieldsByName = new HashMap<>();

    /**
     * Creates the serializer of {@code type}.
     *
     * @throws IllegalArgumentException if two of its fields have the same name
     */
    FieldsByNameSerializer(Kryo kryo, Class<T> type) {
        super(kryo, type);
        CachedField[] cached = getFields();
        fields = new Field[cached.length];
        for (int i = 0; i < cached.length; i++) {
            fields[i] = cached[i].getField();
            Field other = fieldsByName.put(fields[i].getName(), fields[i]);
            if (other != null) {
                throw new IllegalArgumentException(type.getName() + " has two fields named '" + fields[i].getName()
                        + "', in " + other.getDeclaringClass().getName() + " and in "
                        + fields[i].getDeclaringClass().getName() + "; the kryo codecs store fields by name, so "
                        + "rename one of them or make it transient");
            }
        }
    }

    @Override
    public void write(Kryo kryo, Output output, T object) {
        @SuppressWarnings("unchecked") // Kryo's raw map
        ObjectMap<Object, Object> written = kryo.getGraphContext();
        if (!written.containsKey(this)) {
            written.put(this, null);
            output.writeByte(StoredLayout.FIELDS_BY_NAME);
            output.writeVarInt(fields.length, true);
            for (Field field : fields) {
                output.writeString(field.getName());
            }
        }
        for (Field field : fields) {
            try {
                kryo.writeClassAndObject(output, field.get(object));
            } catch (IllegalAccessException | RuntimeException e) {
                throw traced(e, field);
            }
        }
    }

    @Override
    public T read(Kryo kryo, Input input, Class<? extends T> type) {
        T object = create(kryo, input, type);
        // Before the fields, so that a field that refers back to the object (a cycle) finds it.
        kryo.reference(object);
        for (Field field : storedFields(kryo, input)) {
            Object value;
            try {
                value = kryo.readClassAndObject(input);
            } catch (RuntimeException e) {
                throw traced(e, field);
            }
            if (field != null) {
                set(object, field, value);
            }
        }
        return object;
    }

    /**
     * The fields that the stored names stand for, in the order of the names; null for a name the class no longer has.
     * The names are read from the bytes the first time the class occurs in the value, and remembered for the rest.
     */
    private Field[] storedFields(Kryo kryo, Input input) {
        @SuppressWarnings("unchecked") // Kryo's raw map
        ObjectMap<Object, Object> read = kryo.getGraphContext();
        Field[] stored = (Field[]) read.get(this);
        if (stored != null) {
            return stored;
        }
        StoredLayout.expect(input, StoredLayout.FIELDS_BY_NAME, getType());
        int count = input.readVarInt(true);
        if (input instanceof BoundedInput bounded) {
            bounded.checkCount(count, "the field names of " + getType().getName());
        }
        stored = new Field[count];
        for (int i = 0; i < count; i++) {
            stored[i] = fieldsByName.get(input.readString());
        }
        read.put(this, stored);
        return stored;
    }

    private void set(T object, Field field, Object value) {
        Class<?> declared = field.getType();
        boolean fits = declared.isPrimitive()
                ? value != null && value.getClass() == MethodType.methodType(declared).wrap().returnType()
                : value == null || declared.isInstance(value);
        if (!fits) {
            throw new KryoException("Cannot read field '" + field.getName() + "' of " + getType().getName()
                    + ": the bytes hold " + (value == null ? "null" : "a " + value.getClass().getName())
                    + " for it, which does not fit its type " + declared.getTypeName() + ". The field's type has "
                    + "changed since the value was written; migrate the stored values, or give the field a new name");
        }
        try {
            field.set(object, value);
        } catch (IllegalAccessException e) {
            throw traced(e, field);
        }
    }

    private KryoException traced(Exception e, Field field) {
        KryoException traced = e instanceof KryoException kryo ? kryo : new KryoException(e);
        traced.addTrace(field == null ? "a field " + getType().getName() + " no longer has"
                : field.getName() + " (" + getType().getName() + ")");
        return traced;
    }
}
