package io.viperdb.codec.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.core.JsonGenerator;

/**
 * Writes one value of the json codec's value space as JSON tokens, refusing anything outside it.
 *
 * <p>The value is checked while it is written, in one pass: Jackson's own serializers would accept far more (any
 * bean, any array, non-string map keys) and hand back something else on reading, which is exactly what the codec
 * promises never to do. A refusal names the path to the offending part, {@code value.items[3].owner}; the path is
 * assembled only when a refusal unwinds, so the writing of accepted values pays nothing for it.
 */
final class JsonValueWriter {

    private static final String VALUE_SPACE = "the json codec stores strings, numbers, booleans, lists, maps and "
            + "top-level byte[]";
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");
    private static final int PATH_SEGMENTS_SHOWN = 16;
    private static final int KEY_CHARS_SHOWN = 40;

    private final JsonGenerator out;
    /** The lists and maps being written, outermost first: their number is the depth, and a repeat is a cycle. */
    private final Set<Object> open = Collections.newSetFromMap(new IdentityHashMap<>());

    private JsonValueWriter(JsonGenerator out) {
        this.out = out;
    }

    /**
     * Writes {@code value} to {@code out}.
     *
     * @throws IllegalArgumentException if the value, or anything in it, is outside the json codec's value space
     */
    static void write(Object value, JsonGenerator out) {
        try {
            new JsonValueWriter(out).value(value);
        } catch (Refusal refusal) {
            throw new IllegalArgumentException(refusal.path() + ": " + refusal.getMessage());
        }
    }

    private void value(Object value) {
        if (value == null) {
            out.writeNull();
        } else if (value instanceof String text) {
            out.writeString(text);
        } else if (value instanceof Boolean flag) {
            out.writeBoolean(flag);
        } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            out.writeNumber(((Number) value).intValue());
        } else if (value instanceof Long number) {
            out.writeNumber(number);
        } else if (value instanceof Double number) {
            out.writeNumber(finite(number, "Double"));
        } else if (value instanceof Float number) {
            out.writeNumber((float) finite(number, "Float"));
        } else if (value.getClass() == BigInteger.class) {
            bigInteger((BigInteger) value);
        } else if (value.getClass() == BigDecimal.class) {
            bigDecimal((BigDecimal) value);
        } else if (value instanceof Collection<?> list) {
            list(list);
        } else if (value instanceof Map<?, ?> map) {
            map(map);
        } else {
            throw new Refusal(typeName(value.getClass()) + " is not a JSON value; " + VALUE_SPACE + "; "
                    + hint(value));
        }
    }

    private void list(Collection<?> list) {
        enter(list, "list");
        out.writeStartArray(list, list.size());
        int index = 0;
        for (Object element : list) {
            try {
                value(element);
            } catch (Refusal refusal) {
                throw refusal.inside("[" + index + "]");
            }
            index++;
        }
        out.writeEndArray();
        open.remove(list);
    }

    private void map(Map<?, ?> map) {
        enter(map, "map");
        out.writeStartObject(map, map.size());
        // A map is not always keyed by equals (an IdentityHashMap can hold two equal strings); JSON with a repeated
        // key would be refused when read back, so refuse it now.
        Set<String> names = new HashSet<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getKey() instanceof String name)) {
                Object key = entry.getKey();
                throw new Refusal("map key " + (key == null ? "null"
                        : abbreviated(String.valueOf(key)) + " (" + typeName(key.getClass()) + ")")
                        + " is not a String; JSON object keys are strings");
            }
            int surrogate = unpairedSurrogate(name);
            if (surrogate >= 0) {
                // Jackson 3.2 writes such a key (escaped) but refuses to read it back; in values it is fine.
                throw new Refusal("map key " + quoted(name) + " has an unpaired surrogate at index " + surrogate
                        + "; JSON object keys must be valid Unicode");
            }
            if (!names.add(name)) {
                throw new Refusal("the map has the key " + quoted(name) + " twice (is it an IdentityHashMap?); "
                        + "JSON object keys are unique");
            }
            out.writeName(name);
            try {
                value(entry.getValue());
            } catch (Refusal refusal) {
                throw refusal.inside(IDENTIFIER.matcher(name).matches() ? "." + name : "[" + quoted(name) + "]");
            }
        }
        out.writeEndObject();
        open.remove(map);
    }

    private void enter(Object container, String kind) {
        if (!open.add(container)) {
            throw new Refusal("the " + kind + " contains itself; JSON cannot store a cycle");
        }
        if (open.size() > JsonCodec.MAX_DEPTH) {
            throw new Refusal("lists and maps nest deeper than " + JsonCodec.MAX_DEPTH + " levels");
        }
    }

    private static double finite(double number, String type) {
        if (!Double.isFinite(number)) {
            throw new Refusal(type + " " + number + " is not a JSON number; the json codec stores finite numbers only");
        }
        return number;
    }

    private void bigInteger(BigInteger number) {
        String text = number.toString();
        int digits = text.length() - (number.signum() < 0 ? 1 : 0);
        if (digits > JsonCodec.MAX_NUMBER_DIGITS) {
            throw new Refusal("a BigInteger of " + digits + " digits is longer than the "
                    + JsonCodec.MAX_NUMBER_DIGITS + " digits the json codec can read back");
        }
        out.writeNumber(text);
    }

    private void bigDecimal(BigDecimal number) {
        double nearest = number.doubleValue();
        if (!Double.isFinite(nearest)) {
            throw new Refusal("BigDecimal " + abbreviated(number.toString()) + " is beyond the range of a double; "
                    + "the json codec stores a BigDecimal as the nearest double");
        }
        // Written as a double so that it always reads back as one: 5 and 1E+3 would otherwise come back as Integer
        // and Double respectively.
        out.writeNumber(nearest);
    }

    /** The index of the first surrogate char in {@code text} that is not half of a pair, or -1. */
    private static int unpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    private static String hint(Object value) {
        if (value instanceof byte[]) {
            return "a byte[] is stored only as the whole value: inside a list or map it would come back as a base64 "
                    + "String";
        }
        if (value.getClass().isArray()) {
            return "use a List instead of an array";
        }
        if (value instanceof Character) {
            return "store it as a String";
        }
        if (value instanceof Enum<?>) {
            return "store its name(), or use the kryo codec";
        }
        if (value instanceof Number) {
            return "store it as an Integer, Long, BigInteger, Double or BigDecimal";
        }
        return "use the kryo codec for your own classes";
    }

    private static String typeName(Class<?> type) {
        return type.isArray() ? typeName(type.getComponentType()) + "[]" : type.getName();
    }

    private static String quoted(String key) {
        StringBuilder quoted = new StringBuilder("\"");
        String shown = abbreviated(key);
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    private static String abbreviated(String text) {
        return text.length() <= KEY_CHARS_SHOWN ? text : text.substring(0, KEY_CHARS_SHOWN) + "...";
    }

    /**
     * A refusal on its way out of the recursion, collecting the path to where it happened. It never escapes this
     * class, so it carries no stack trace.
     */
    private static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final Deque<String> segments = new ArrayDeque<>();

        Refusal(String problem) {
            super(problem, null, false, false);
        }

        Refusal inside(String segment) {
            segments.addFirst(segment);
            return this;
        }

        String path() {
            StringBuilder path = new StringBuilder("value");
            int skipped = segments.size() - PATH_SEGMENTS_SHOWN;
            int index = 0;
            for (String segment : segments) {
                if (skipped > 0 && index == PATH_SEGMENTS_SHOWN / 2) {
                    path.append("...(").append(skipped).append(" more)...");
                }
                if (skipped <= 0 || index < PATH_SEGMENTS_SHOWN / 2 || index >= PATH_SEGMENTS_SHOWN / 2 + skipped) {
                    path.append(segment);
                }
                index++;
            }
            return path.toString();
        }
    }
}
