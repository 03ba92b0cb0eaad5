package io.viperdb.cli;

import io.viperdb.cli.json.JsonText;
import io.viperdb.cli.json.ValueJson;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of {@code viper export} and {@code viper import}, {@code scan} and {@code get}: a key and its value as
 * JSON, on one line of UTF-8 text.
 * <pre>
 * line := {"key": STRING, "value": VALUE}
 * </pre>
 * where VALUE is what {@link ValueJson} makes of the value: plain JSON where that reads back as the same value, a
 * tagged object ({@code {"@type": ..., "value": ...}}) otherwise, for example {@code {"@type":"bytes","value":BASE64}}
 * for a {@code byte[]}. No time to live is written: the API does not tell a key's expiry, so an expiring key is
 * exported, and imported, as a key that does not expire.
 *
 * @param key the key
 * @param value the value, as the store's codec gives it
 */
record ExportLine(String key, Object value) {

    private static final String KEY = "key";
    private static final String VALUE = "value";

    /**
     * The line, without its line break.
     *
     * @throws ValueJson.NotExpressible if the value has no JSON form
     */
    String toJson() {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put(KEY, key);
        line.put(VALUE, ValueJson.toJson(value));
        return JsonText.write(line);
    }

    /**
     * Reads a line.
     *
     * @throws IllegalArgumentException if it is not JSON, not an object of exactly a string "key" and a "value", or
     *     the value is a malformed tagged object
     */
    static ExportLine parse(String line) {
        if (!(JsonText.parse(line) instanceof Map<?, ?> object)) {
            throw new IllegalArgumentException("a line is a JSON object {\"key\": ..., \"value\": ...}");
        }
        if (!(object.get(KEY) instanceof String key)) {
            throw new IllegalArgumentException("a line needs a \"key\" that is a string");
        }
        if (object.get(VALUE) == null) {
            throw new IllegalArgumentException("the line of key '" + key + "' needs a \"value\" that is not null");
        }
        for (Object member : object.keySet()) {
            if (!member.equals(KEY) && !member.equals(VALUE)) {
                throw new IllegalArgumentException("the line of key '" + key + "' has a member \"" + member
                        + "\" besides \"key\" and \"value\"");
            }
        }
        return new ExportLine(key, ValueJson.fromJson(object.get(VALUE)));
    }
}
