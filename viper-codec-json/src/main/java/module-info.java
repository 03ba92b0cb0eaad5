/** The {@code json} value codec, backed by Jackson 3. */
module io.viperdb.codec.json {
    requires io.viperdb.api;
    requires tools.jackson.databind;
}
