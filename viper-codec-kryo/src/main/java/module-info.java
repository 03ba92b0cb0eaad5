/**
 * The {@code kryo} value codecs, backed by Kryo 5: {@link io.viperdb.codec.kryo.KryoCodec} stores your own classes
 * and records, {@link io.viperdb.codec.kryo.RegisteredKryoCodec} only the classes you list.
 *
 * <p>Kryo reads and writes the fields of stored classes reflectively, so a module whose classes are stored must open
 * their packages to Kryo: {@code opens com.example.model to com.esotericsoftware.kryo;}. Fields are stored by name, so
 * values written before a class gained, lost or reordered fields stay readable; see {@link
 * io.viperdb.codec.kryo.KryoCodec} for the rules.
 */
module io.viperdb.codec.kryo {
    requires transitive io.viperdb.api;
    requires com.esotericsoftware.kryo;
    requires org.objenesis;
    // Objenesis creates objects without calling a constructor through sun.misc.Unsafe or sun.reflect.ReflectionFactory;
    // without this module resolved it fails at run time, on the first class that has no no-argument constructor.
    requires jdk.unsupported;

    exports io.viperdb.codec.kryo;

    provides io.viperdb.spi.ValueCodec with io.viperdb.codec.kryo.KryoCodec;
}
