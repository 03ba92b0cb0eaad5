package io.viperdb.codec.json;

import io.viperdb.spi.ValueCodec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.StreamWriteConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.util.ByteBufferBackedInputStream;

/**
 * The {@code json} codec: stores strings, numbers, booleans, lists and maps as UTF-8 JSON text (readable in a hex
 * dump of the store's files), and a {@code byte[]} as raw bytes. It is the codec a new store gets when its options
 * name none.
 *
 * <p>What you store comes back as an equal value, except for the widening the JSON data model forces, which is this
 * table and nothing else:
 * <table>
 *   <caption>What {@code decode(encode(v))} returns</caption>
 *   <tr><th>you store</th><th>you get back</th></tr>
 *   <tr><td>{@code String}, {@code Boolean}</td><td>the same</td></tr>
 *   <tr><td>{@code Integer}, {@code Short}, {@code Byte}</td><td>{@code Integer}</td></tr>
 *   <tr><td>{@code Long}, {@code BigInteger}</td><td>the smallest of {@code Integer}, {@code Long},
 *       {@code BigInteger} that holds the value: {@code 5L} comes back as {@code Integer} 5</td></tr>
 *   <tr><td>{@code Double} (finite)</td><td>the same {@code Double}, bit for bit (also {@code -0.0})</td></tr>
 *   <tr><td>{@code Float} (finite)</td><td>a {@code Double} whose {@code floatValue()} is the stored float:
 *       {@code 0.1f} comes back as {@code 0.1}</td></tr>
 *   <tr><td>{@code BigDecimal}</td><td>the nearest {@code Double} (lossy: {@code 0.1000000000000000055511}
 *       comes back as {@code 0.1})</td></tr>
 *   <tr><td>any {@code Collection} ({@code List}, {@code Set}, ...)</td><td>an {@code ArrayList}, in the
 *       collection's iteration order</td></tr>
 *   <tr><td>any {@code Map} whose keys are all {@code String}s</td><td>a {@code LinkedHashMap}, in the map's
 *       iteration order</td></tr>
 *   <tr><td>{@code null} as an element of a list or a map value</td><td>{@code null}</td></tr>
 *   <tr><td>{@code byte[]} as the whole value</td><td>{@code byte[]}</td></tr>
 * </table>
 * Lists and maps nest to {@value #MAX_DEPTH} levels.
 *
 * <p>Everything else is refused when it is encoded, so that nothing comes back as another type than the table
 * says: an {@link IllegalArgumentException} names where in the value the problem is and what it is, for example
 * {@code value.items[3].owner: java.util.UUID is not a JSON value; ...}. Refused are: your own classes, records,
 * enums, {@code Optional}, {@code Character}, arrays other than a top-level {@code byte[]} (a nested one would come
 * back as a base64 string), {@code NaN} and infinite numbers, map keys that are not strings or hold an unpaired
 * surrogate (strings elsewhere may hold one), {@code BigInteger}s of
 * more than {@value #MAX_NUMBER_DIGITS} digits, lists or maps that contain themselves and nesting deeper than
 * {@value #MAX_DEPTH}. Use the {@code kryo} codec for your own classes.
 *
 * <p>The stored bytes are:
 * <pre>
 * value := 0x00 bytes         a byte[]: one marker byte, then the array
 *        | json               anything else: the JSON text, UTF-8, as Jackson writes it
 * </pre>
 * JSON text never starts with a NUL byte, so the marker cannot be mistaken for text. Decoding refuses anything that
 * is not exactly one JSON value (trailing bytes, duplicate keys, a top-level {@code null}) with an
 * {@link IllegalArgumentException}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class JsonCodec implements ValueCodec<Object> {

    /** The codec's name, written into every store that uses it. */
    public static final String NAME = "json";

    /** How deeply lists and maps may nest; Jackson refuses deeper documents, so the codec refuses to write them. */
    public static final int MAX_DEPTH = 500;

    /** The most digits a whole number may have; Jackson refuses to read longer ones. */
    public static final int MAX_NUMBER_DIGITS = 1000;

    /** The first byte of a stored {@code byte[]}. */
    static final byte RAW_BYTES_MARKER = 0x00;

    private final JsonMapper mapper;

    /** Creates the codec. */
    public JsonCodec() {
        JsonFactory factory = JsonFactory.builder()
                // Whatever the codec writes, it must read back: Jackson's read limits on string and property name
                // length would otherwise make a long (but legal) stored string unreadable. Depth and number length
                // keep Jackson's limits, and the writer refuses values beyond them.
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_DEPTH)
                        .maxNumberLength(MAX_NUMBER_DIGITS)
                        .maxStringLength(Integer.MAX_VALUE)
                        .maxNameLength(Integer.MAX_VALUE)
                        .build())
                .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                // Non-ASCII text is written as UTF-8 rather than escaped, so the store stays readable.
                .disable(JsonWriteFeature.ESCAPE_NON_ASCII)
                .build();
        this.mapper = JsonMapper.builder(factory)
                // Jackson 3 already fails on trailing tokens by default; say so, since the codec relies on it.
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // The writer never repeats a key, so a repeated key means damaged bytes, not a choice to make.
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                // The mapping table in the class comment depends on these being off (they are, by default).
                .disable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS,
                        DeserializationFeature.USE_BIG_INTEGER_FOR_INTS,
                        DeserializationFeature.USE_LONG_FOR_INTS,
                        DeserializationFeature.USE_JAVA_ARRAY_FOR_JSON_ARRAY)
                .build();
    }

    /** Returns {@value #NAME}. */
    @Override
    public String name() {
        return NAME;
    }

    /**
     * Encodes a value of the JSON value space described in the class comment.
     *
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalArgumentException if the value, or anything in it, is outside that space; the message says where
     */
    @Override
    public byte[] encode(Object value) {
        Objects.requireNonNull(value, "value");
        if (value instanceof byte[] raw) {
            byte[] encoded = new byte[1 + raw.length];
            encoded[0] = RAW_BYTES_MARKER;
            System.arraycopy(raw, 0, encoded, 1, raw.length);
            return encoded;
        }
        ByteArrayOutputStream text = new ByteArrayOutputStream(64);
        try (JsonGenerator generator = mapper.createGenerator(text)) {
            JsonValueWriter.write(value, generator);
        }
        return text.toByteArray();
    }

    /**
     * Decodes bytes that {@link #encode} wrote. Reads {@code bytes} from its position to its limit and changes
     * neither; keeps no reference to it.
     *
     * @return a {@code byte[]}, or a value as the mapping table in the class comment describes; never null
     * @throws IllegalArgumentException if the bytes are empty or not one JSON value as this codec writes them
     */
    @Override
    public Object decode(ByteBuffer bytes) {
        ByteBuffer view = bytes.duplicate();
        if (!view.hasRemaining()) {
            throw new IllegalArgumentException("Cannot decode 0 bytes: the json codec writes at least one byte");
        }
        if (view.get(view.position()) == RAW_BYTES_MARKER) {
            byte[] raw = new byte[view.remaining() - 1];
            view.position(view.position() + 1).get(raw);
            return raw;
        }
        if (view.get(view.limit() - 1) == 0) {
            // Jackson 3.2 accepts a one-digit number followed by a single NUL ("1\0") as the number 1. The writer
            // never emits a NUL byte, so one at the end is damage.
            throw new IllegalArgumentException("Cannot decode " + view.remaining()
                    + " bytes as JSON: they end with a NUL byte, which the json codec never writes");
        }
        Object value;
        try {
            // The buffer may be read-only or direct, so read through a stream rather than its array.
            value = mapper.readValue(new ByteBufferBackedInputStream(view), Object.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("Cannot decode " + bytes.remaining() + " bytes as JSON: "
                    + e.getOriginalMessage() + where(e), e);
        }
        if (value == null) {
            throw new IllegalArgumentException("Cannot decode the JSON text 'null': the json codec never writes a "
                    + "null value at the top level");
        }
        return value;
    }

    private static String where(JacksonException e) {
        long offset = e.getLocation() == null ? -1 : e.getLocation().getByteOffset();
        return offset < 0 ? "" : " (at byte " + offset + ")";
    }

    @Override
    public String toString() {
        return "JsonCodec[" + NAME + "]";
    }
}
