package io.viperdb.cli;

import io.viperdb.cli.json.JsonText;
import io.viperdb.cli.json.ValueJson;
import io.viperdb.spi.KeyText;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of {@code viper export} and {@code viper import}, {@code scan} and {@code get}: a key, its value and its
 * expiry as JSON, on one line of UTF-8 text.
 * <pre>
 * line := {"key": KEY, "value": VALUE [, "expiresAt": INSTANT]}
 * KEY  := STRING | {"@type": "bytes", "value": BASE64}
 * </pre>
 * A key is a string when its bytes are UTF-8 text, and otherwise its bytes in base64, tagged as values are.
 * where VALUE is what {@link ValueJson} makes of the value: plain JSON where that reads back as the same value, a
 * tagged object ({@code {"@type": ..., "value": ...}}) otherwise, for example {@code {"@type":"bytes","value":BASE64}}
 * for a {@code byte[]}; and INSTANT is when the key expires, an ISO-8601 string in UTC to the millisecond (as
 * {@link Instant#toString()} writes it, {@code "2026-12-05T06:00:00.250Z"}), absent for a key that does not expire.
 *
 * <p>Lines written before byte keys existed all have string keys, and read as they did. A reader of that time refuses a
 * line with a tagged key by name ("needs a "key" that is a string") rather than misread it. A new member is added the
 * same way: this reader refuses members it does not know.
 *
 * @param key the key's bytes
 * @param value the value, as the store's codec gives it
 * @param expiresAt when the key expires, or null if it does not
 */
record ExportLine(byte[] key, Object value, Instant expiresAt) {

    private static final String KEY = "key";
    private static final String VALUE = "value";
    private static final String EXPIRES_AT = "expiresAt";

    /**
     * The line, without its line break.
     *
     * @throws ValueJson.NotExpressible if the value has no JSON form
     */
    String toJson() {
        Map<String, Object> line = new LinkedHashMap<>();
        String text = KeyText.decode(key);
        line.put(KEY, text != null ? text : ValueJson.toJson(key));
        line.put(VALUE, ValueJson.toJson(value));
        if (expiresAt != null) {
            line.put(EXPIRES_AT, expiresAt.toString());
        }
        return JsonText.write(line);
    }

    /**
     * Reads a line.
     *
     * @throws IllegalArgumentException if it is not JSON, not an object of exactly a string "key", a "value" and
     *     optionally an "expiresAt" instant, or the value is a malformed tagged object
     */
    static ExportLine parse(String line) {
        if (!(JsonText.parse(line) instanceof Map<?, ?> object)) {
            throw new IllegalArgumentException("a line is a JSON object {\"key\": ..., \"value\": ...}");
        }
        byte[] keyBytes = keyOf(object.get(KEY));
        String key = shown(keyBytes);
        if (object.get(VALUE) == null) {
            throw new IllegalArgumentException("the line of key '" + key + "' needs a \"value\" that is not null");
        }
        for (Object member : object.keySet()) {
            if (!member.equals(KEY) && !member.equals(VALUE) && !member.equals(EXPIRES_AT)) {
                throw new IllegalArgumentException("the line of key '" + key + "' has a member \"" + member
                        + "\" besides \"key\", \"value\" and \"expiresAt\"");
            }
        }
        return new ExportLine(keyBytes, ValueJson.fromJson(object.get(VALUE)), expiresAt(key, object.get(EXPIRES_AT)));
    }

    /** The bytes of a line's "key": a string's UTF-8 bytes, or a tagged bytes value's. */
    private static byte[] keyOf(Object member) {
        if (member instanceof String text) {
            return KeyText.encode(text);
        }
        if (member instanceof Map<?, ?> && ValueJson.fromJson(member) instanceof byte[] bytes) {
            return KeyText.check(bytes);
        }
        throw new IllegalArgumentException("a line needs a \"key\" that is a string, or {\"@type\":\"bytes\","
                + "\"value\":BASE64} for a key that is not text");
    }

    /** How a key is shown in messages and by {@code viper keys}: as text, or as {@code 0x} and hexadecimal. */
    static String shown(byte[] key) {
        String text = KeyText.decode(key);
        return text != null ? text : KeyText.describe(key);
    }

    /** The instant of a line's "expiresAt", or null when it has none. */
    private static Instant expiresAt(String key, Object member) {
        if (member == null) {
            return null;
        }
        try {
            if (member instanceof String text) {
                return Instant.parse(text);
            }
        } catch (DateTimeParseException e) {
            // Reported below, with what an instant looks like.
        }
        throw new IllegalArgumentException("the line of key '" + key + "' has an \"expiresAt\" that is not an "
                + "instant in UTC such as \"2026-12-05T06:00:00.250Z\": " + JsonText.write(member));
    }
}
