package io.viperdb.codec.kryo;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import io.viperdb.codec.kryo.evolution.After;
import io.viperdb.codec.kryo.evolution.Before;

/**
 * Reads the name of a class nested in {@link Before} as the class of the same simple name nested in {@link After}, as
 * if the classes had been edited between writing a value and reading it. Other names resolve as usual.
 */
final class BeforeAsAfterResolver extends DefaultClassResolver {

    private static final String BEFORE = Before.class.getName() + "$";
    private static final String AFTER = After.class.getName() + "$";

    @Override
    protected Class<?> getTypeByName(String className) {
        if (!className.startsWith(BEFORE)) {
            return super.getTypeByName(className);
        }
        return afterOf(className);
    }

    /** The class of {@link After} with the simple name of {@code beforeName}. */
    static Class<?> afterOf(String beforeName) {
        String afterName = AFTER + beforeName.substring(BEFORE.length());
        try {
            return Class.forName(afterName, false, After.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new KryoException("The test fixtures have no " + afterName, e);
        }
    }
}
