package io.viperdb.codec.kryo;

import com.esotericsoftware.kryo.KryoException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import org.objenesis.instantiator.ObjectInstantiator;
import org.objenesis.strategy.InstantiatorStrategy;
import org.objenesis.strategy.StdInstantiatorStrategy;
import sun.reflect.ReflectionFactory;

/**
 * Creates the objects that Kryo reads: with the class's no-argument constructor, of any visibility, where it has one;
 * otherwise without calling any constructor (Objenesis), so that its fields are zero, false or null until they are
 * read.
 *
 * <p>Kryo's own {@code DefaultInstantiatorStrategy} promises the same, but calls a public or package-private
 * constructor through a class that ReflectASM generates in an unnamed module. On the module path that class may not
 * call into a package that the user's module opens to Kryo without exporting it, and the call fails with an
 * {@link IllegalAccessError}, an error rather than an exception. The user's module opens its packages to Kryo, not to
 * this module, so the constructor is made callable by the JDK's {@link ReflectionFactory}, the same door Objenesis
 * uses to create objects without a constructor.
 */
final class ConstructorFirstStrategy implements InstantiatorStrategy {

    private final InstantiatorStrategy withoutConstructor = new StdInstantiatorStrategy();

    @Override
    public <T> ObjectInstantiator<T> newInstantiatorOf(Class<T> type) {
        Constructor<T> declared;
        try {
            declared = type.getDeclaredConstructor();
        } catch (NoSuchMethodException e) {
            return withoutConstructor.newInstantiatorOf(type);
        }
        Constructor<?> callable = ReflectionFactory.getReflectionFactory()
                .newConstructorForSerialization(type, declared);
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
