/** The {@code kryo} value codecs, backed by Kryo 5. */
module io.viperdb.codec.kryo {
    requires io.viperdb.api;
    requires com.esotericsoftware.kryo;
    requires org.objenesis;
    requires jdk.unsupported;
}
