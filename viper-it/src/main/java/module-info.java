/**
 * A ViperDB client as a user writes one: it requires the API alone and finds the engine and the codecs on the module
 * path at run time. It also provides a codec of its own ({@code reversed-text}) and opens its model package to Kryo,
 * whose codec stores those classes.
 */
module io.viperdb.it {
    requires io.viperdb.api;

    opens io.viperdb.it.model to com.esotericsoftware.kryo;

    provides io.viperdb.spi.ValueCodec with io.viperdb.it.codec.ReversedTextCodec;
}
