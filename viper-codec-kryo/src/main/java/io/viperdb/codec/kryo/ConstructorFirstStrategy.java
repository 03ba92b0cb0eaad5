package io.viperdb.codec.kryo;

import com.esotericsoftware.kryo.KryoException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.objenesis.instantiator.ObjectInstantiator;
import org.objenesis.strategy.InstantiatorStrategy;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * Creates the objects that Kryo reads: with the class's no-argument constructor, of any visibility, where it has one;
 * otherwise without calling any constructor (Objenesis), so that its fields are zero, false or null until they are
 * read.
 *
 * <p>Kryo's own {@code DefaultInstantiatorStrategy} promises the same, but calls a public or package-private
 * constructor through a class that ReflectASM generates in an unnamed module. On the module path that class may not
 * call into a package that the user's module opens to Kryo without exporting it, and the call fails with an
 * {@link IllegalAccessError}, an error rather than an exception. The user's module opens its packages to Kryo, not to
 * this module, so the constructor is made callable by the JDK's {@code sun.reflect.ReflectionFactory}, the same door
 * Objenesis uses to create objects without a constructor.
 */
final class ConstructorFirstStrategy implements InstantiatorStrategy {

    // ReflectionFactory is reached reflectively, not imported: naming it in the source draws javac's and javadoc's
    // "internal proprietary API" warning, which neither an option nor @SuppressWarnings silences, and the Javadoc build
    // fails on any warning. jdk.unsupported exports sun.reflect, and this module requires it.
    private static final Object REFLECTION_FACTORY;
    private static final Method NEW_CONSTRUCTOR_FOR_SERIALIZATION;

    static {
        try {
            Class<?> factory = Class.forName("sun.reflect.ReflectionFactory");
            REFLECTION_FACTORY = factory.getMethod("getReflectionFactory").invoke(null);
            NEW_CONSTRUCTOR_FOR_SERIALIZATION =
                    factory.getMethod("newConstructorForSerialization", Class.class, Constructor.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final InstantiatorStrategy withoutConstructor = new StdInstantiatorStrategy();

    @Override
    public <T> ObjectInstantiator<T> newInstantiatorOf(Class<T> type) {
        Constructor<T> declared;
        try {
            declared = type.getDeclaredConstructor();
        } catch (NoSuchMethodException e) {
            return withoutConstructor.newInstantiatorOf(type);
        }
        Constructor<?> callable;
        try {
            callable = (Constructor<?>) NEW_CONSTRUCTOR_FOR_SERIALIZATION.invoke(REFLECTION_FACTORY, type, declared);
        } catch (ReflectiveOperationException e) {
            throw new KryoException("Cannot make the no-argument constructor of " + type.getName() + " callable", e);
        }
        return () -> {
            try {
                return type.cast(callable.newInstance());
            } catch (InvocationTargetException e) {
                throw new KryoException("The no-argument constructor of " + type.getName() + " failed", e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new KryoException("Cannot create a " + type.getName() + " with its no-argument constructor", e);
            }
        };
    }
}
