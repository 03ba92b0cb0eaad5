/**
 * The ViperDB API: the only module application code needs to compile against.
 *
 * <p>{@link io.viperdb.KeyValueStore#open(java.nio.file.Path)} finds the storage engine, and the store finds its
 * value codec, through {@link java.util.ServiceLoader} at run time. Put {@code io.viperdb.engine} and at least one
 * codec module (for example {@code io.viperdb.codec.json}) on the module path or class path beside this one; only a
 * store of {@code byte[]} values needs none, as this module provides the {@code bytes} codec itself.
 */
module io.viperdb.api {
    exports io.viperdb;
    exports io.viperdb.spi;

    uses io.viperdb.spi.StoreEngine;
    uses io.viperdb.spi.ValueCodec;

    // The pass-through codec for byte[] values needs no library, so the API itself provides it.
    provides io.viperdb.spi.ValueCodec with io.viperdb.spi.BytesCodec;
}
