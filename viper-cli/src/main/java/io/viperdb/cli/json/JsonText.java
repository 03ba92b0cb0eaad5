package io.viperdb.cli.json;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * JSON text to and from plain Java values, and nothing more: the command line needs no JSON library of its own (the
 * engine's json codec brings Jackson, but the command line must not depend on any codec).
 *
 * <p>The values are those of the JSON data model: {@code String}, {@code Boolean}, numbers, {@code List} and
 * {@code Map<String, ?>}, and null. {@link #parse} reads a number without fraction or exponent as the smallest of
 * {@code Integer}, {@code Long} and {@code BigInteger} that holds it, any other number as a {@code Double}; arrays as
 * {@code ArrayList} and objects as {@code LinkedHashMap}, in document order. {@link #write} writes a {@code Double}
 * so that it reads back as a {@code Double} (always with a fraction or an exponent).
 */
public final class JsonText {

    /** How deeply arrays and objects may nest; deeper text is refused rather than risk the stack. */
    public static final int MAX_DEPTH = 500;

    private final String text;
    private int pos;

    private JsonText(String text) {
        this.text = text;
    }

    /**
     * Parses exactly one JSON value, with nothing but white space around it.
     *
     * @throws IllegalArgumentException if {@code text} is not that, with the offset of the problem
     */
    public static Object parse(String text) {
        JsonText parser = new JsonText(text);
        parser.skipSpace();
        Object value = parser.value(0);
        parser.skipSpace();
        if (parser.pos != text.length()) {
            throw parser.error("unexpected text after the value");
        }
        return value;
    }

    /** Writes {@code value} as compact JSON text. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    /**
     * Appends {@code value} as compact JSON text.
     *
     * @throws IllegalArgumentException if the value is not of the JSON data model (see the class comment), or is a
     *     non-finite double
     */
    public static void write(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            writeString(s, out);
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long
                || value instanceof BigInteger) {
            out.append(value);
        } else if (value instanceof Double d) {
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException(d + " is not a JSON number");
            }
            out.append(d); // Double.toString always has a '.' or an 'E', so it reads back as a Double
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(list.get(i), out);
            }
            out.append(']');
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                writeString((String) entry.getKey(), out);
                out.append(':');
                write(entry.getValue(), out);
            }
            out.append('}');
        } else {
            throw new IllegalArgumentException(value.getClass().getName() + " is not a JSON value");
        }
    }

    private static void writeString(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    // Control characters and lone surrogates are escaped, so that every line is valid UTF-8 text and
                    // a key with an unpaired surrogate is at least reported faithfully.
                    boolean loneSurrogate = Character.isSurrogate(c) && !(Character.isHighSurrogate(c)
                            && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)));
                    if (c < 0x20 || loneSurrogate) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                        if (Character.isHighSurrogate(c)) {
                            out.append(s.charAt(++i));
                        }
                    }
                }
            }
        }
        out.append('"');
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("arrays and objects nest deeper than " + MAX_DEPTH);
        }
        if (pos >= text.length()) {
            throw error("a value was expected");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{':
                return object(depth);
            case '[':
                return array(depth);
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("a value was expected, found '" + c + "'");
        }
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, pos)) {
            throw error("a value was expected");
        }
        pos += word.length();
        return value;
    }

    private Map<String, Object> object(int depth) {
        Map<String, Object> map = new LinkedHashMap<>();
        pos++;
        skipSpace();
        if (peek() == '}') {
            pos++;
            return map;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw error("a member name in double quotes was expected");
            }
            int at = pos;
            String name = string();
            skipSpace();
            expect(':');
            skipSpace();
            Object member = value(depth + 1);
            if (map.containsKey(name)) {
                pos = at;
                throw error("the member \"" + name + "\" appears twice");
            }
            map.put(name, member);
            skipSpace();
            if (peek() == ',') {
                pos++;
            } else {
                expect('}');
                return map;
            }
        }
    }

    private List<Object> array(int depth) {
        List<Object> list = new ArrayList<>();
        pos++;
        skipSpace();
        if (peek() == ']') {
            pos++;
            return list;
        }
        while (true) {
            skipSpace();
            list.add(value(depth + 1));
            skipSpace();
            if (peek() == ',') {
                pos++;
            } else {
                expect(']');
                return list;
            }
        }
    }

    private String string() {
        pos++;
        StringBuilder out = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error("the string is not closed");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                pos--;
                throw error("a control character must be escaped in a string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw error("the string is not closed");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw error("\\u needs four hex digits");
                    }
                    try {
                        out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw error("\\u needs four hex digits");
                    }
                    pos += 4;
                }
                default -> {
                    pos--;
                    throw error("unknown escape \\" + e);
                }
            }
        }
    }

    private Object number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (isDigit(peek())) {
            digits();
        } else {
            throw error("a digit was expected");
        }
        boolean integral = true;
        if (peek() == '.') {
            integral = false;
            pos++;
            if (!isDigit(peek())) {
                throw error("a digit was expected after '.'");
            }
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!isDigit(peek())) {
                throw error("a digit was expected in the exponent");
            }
            digits();
        }
        String number = text.substring(start, pos);
        if (!integral) {
            double d = Double.parseDouble(number);
            if (!Double.isFinite(d)) {
                pos = start;
                throw error("the number " + number + " is too large for a double");
            }
            return d;
        }
        if (number.length() > 1000) {
            pos = start;
            throw error("a whole number may have at most 1000 digits");
        }
        BigInteger big = new BigInteger(number);
        if (big.bitLength() < 32) {
            return big.intValue();
        }
        if (big.bitLength() < 64) {
            return big.longValue();
        }
        return big;
    }

    private void digits() {
        while (isDigit(peek())) {
            pos++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("'" + c + "' was expected");
        }
        pos++;
    }

    private void skipSpace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private IllegalArgumentException error(String problem) {
        return new IllegalArgumentException("not JSON: " + problem + " at character " + (pos + 1));
    }
}
