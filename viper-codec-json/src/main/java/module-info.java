/**
 * The {@code json} value codec, backed by Jackson 3: strings, numbers, booleans, lists and maps of them, stored as
 * readable UTF-8 JSON text, and raw byte arrays. See {@link io.viperdb.codec.json.JsonCodec} for what comes back.
 */
module io.viperdb.codec.json {
    requires transitive io.viperdb.api;
    requires tools.jackson.databind;

    exports io.viperdb.codec.json;

    provides io.viperdb.spi.ValueCodec with io.viperdb.codec.json.JsonCodec;
}
