package io.viperdb.codec.kryo;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.util.MapReferenceResolver;

/**
 * Kryo's table of the objects of a value, which refuses a back reference to an object that is not created yet.
 *
 * <p>Kryo creates most objects before reading what they contain, so a cycle through them comes back whole. A record,
 * or an immutable collection such as {@code List.of(...)}, can only be created after its contents are read; if its
 * contents refer back to it (a record holding a mutable list that holds the record), Kryo finds no object yet under
 * that reference and would put null in its place. This resolver fails the read instead.
 */
final class CheckedReferenceResolver extends MapReferenceResolver {

    @Override
    @SuppressWarnings("rawtypes") // Kryo's signature
    public Object getReadObject(Class type, int id) {
        Object object = super.getReadObject(type, id);
        if (object == null) {
            throw new KryoException("The bytes refer back to a " + type.getName() + " that is still being read: it "
                    + "contains itself, and it is a record or another object that cannot be created before its "
                    + "contents, so the value cannot be read. Break the cycle with an object of a class of your own");
        }
        return object;
    }
}
