package io.viperdb.codec.kryo;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.util.DefaultClassResolver;

/**
 * Resolves classes by registered id only. A class written by name is refused before its name is even read, so
 * stored bytes cannot make a registered-only codec load a class, let alone create one. (Kryo itself would load the
 * named class and only then find it unregistered.) Ids that are not registered are refused by Kryo.
 */
final class RegisteredOnlyClassResolver extends DefaultClassResolver {

    @Override
    protected Registration readName(Input input) {
        throw new KryoException("The bytes name a class by its name, which a codec of registered classes never "
                + "writes: they were written by another codec, or are damaged");
    }
}
