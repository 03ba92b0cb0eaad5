package io.viperdb.cli.json;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A store's values as JSON, and back, so that what {@code viper export} writes {@code viper import} reads into an equal
 * value of the same classes, for the json codec and for the Java types the kryo codec stores.
 *
 * <p>A value whose plain JSON reads back as itself is written as plain JSON: strings, booleans, {@code Integer},
 * {@code Long} and {@code BigInteger} outside the range of the type below them, finite {@code Double}, {@code ArrayList}
 * and {@code LinkedHashMap} with string keys. Everything else that has a JSON form is a <em>tagged</em> object,
 * <pre>
 * tagged := {"@type": TYPE, "value": JSON}                  most types
 *         | {"@type": TYPE, "entries": [[KEY, VALUE], ...]}   maps with keys that are not all strings
 * </pre>
 * with TYPE one of {@code bytes} (base64), {@code long}, {@code short}, {@code byte}, {@code char}, {@code float},
 * {@code double} (only NaN and the infinities, as strings), {@code biginteger}, {@code bigdecimal} (a string, to keep
 * its scale), {@code uuid}, {@code uri}, {@code optional} (no value when empty), a class name from
 * {@code java.time} (the value is its {@code toString}), a collection or map class ({@code java.util.HashSet},
 * {@code java.util.TreeMap}, ..., {@code List.of}, {@code Set.of}, {@code Map.of} for the immutable ones), or the name
 * of an enum (the value is the constant's name) or a record (an object of its components) that is on the module path.
 * A map that has a key {@code "@type"} of its own is always tagged, so it is never mistaken for a tag.
 *
 * <p>What has no JSON form, and makes {@link #toJson} throw {@link NotExpressible}: objects of classes that are not
 * records, arrays other than {@code byte[]}, sorted sets and maps with a comparator, collection classes not listed
 * above, and graphs that nest deeper than {@value JsonText#MAX_DEPTH} or contain themselves. Shared references are
 * written once per place, so they come back as equal copies, not as one object.
 */
public final class ValueJson {

    /** The member that marks a tagged object. */
    public static final String TYPE = "@type";
    private static final String VALUE = "value";
    private static final String ENTRIES = "entries";

    private static final Map<String, Function<String, Object>> TEXT_TYPES = new LinkedHashMap<>();
    private static final Map<String, Supplier<Collection<Object>>> COLLECTIONS = new LinkedHashMap<>();
    private static final Map<String, Supplier<Map<Object, Object>>> MAPS = new LinkedHashMap<>();

    static {
        TEXT_TYPES.put("bigdecimal", BigDecimal::new);
        TEXT_TYPES.put("uuid", UUID::fromString);
        TEXT_TYPES.put("uri", URI::create);
        TEXT_TYPES.put(Instant.class.getName(), Instant::parse);
        TEXT_TYPES.put(LocalDate.class.getName(), LocalDate::parse);
        TEXT_TYPES.put(LocalTime.class.getName(), LocalTime::parse);
        TEXT_TYPES.put(LocalDateTime.class.getName(), LocalDateTime::parse);
        TEXT_TYPES.put(OffsetDateTime.class.getName(), OffsetDateTime::parse);
        TEXT_TYPES.put(OffsetTime.class.getName(), OffsetTime::parse);
        TEXT_TYPES.put(ZonedDateTime.class.getName(), ZonedDateTime::parse);
        TEXT_TYPES.put(Duration.class.getName(), Duration::parse);
        TEXT_TYPES.put(Period.class.getName(), Period::parse);
        TEXT_TYPES.put(Year.class.getName(), Year::parse);
        TEXT_TYPES.put(YearMonth.class.getName(), YearMonth::parse);
        TEXT_TYPES.put(MonthDay.class.getName(), MonthDay::parse);

        COLLECTIONS.put(ArrayList.class.getName(), ArrayList::new);
        COLLECTIONS.put(LinkedList.class.getName(), LinkedList::new);
        COLLECTIONS.put(ArrayDeque.class.getName(), ArrayDeque::new);
        COLLECTIONS.put(HashSet.class.getName(), HashSet::new);
        COLLECTIONS.put(LinkedHashSet.class.getName(), LinkedHashSet::new);
        COLLECTIONS.put(TreeSet.class.getName(), TreeSet::new);

        MAPS.put(LinkedHashMap.class.getName(), LinkedHashMap::new);
        MAPS.put(HashMap.class.getName(), HashMap::new);
        MAPS.put(TreeMap.class.getName(), TreeMap::new);
    }

    private ValueJson() {
    }

    /** A value, or a part of it, that has no JSON form. The message says where in the value and why. */
    public static final class NotExpressible extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotExpressible(String path, String problem) {
            super(path + ": " + problem);
        }
    }

    /**
     * Returns the JSON form of {@code value}: plain values of the JSON data model and tagged objects, for
     * {@link JsonText#write}.
     *
     * @throws NotExpressible if some part of the value has none
     */
    public static Object toJson(Object value) {
        return toJson(value, "value", 0);
    }

    /**
     * Returns the value that {@code json} (as {@link JsonText#parse} returns it) stands for.
     *
     * @throws IllegalArgumentException if a tagged object is malformed or names a type this does not know
     */
    public static Object fromJson(Object json) {
        return fromJson(json, "value", 0);
    }

    private static Object toJson(Object value, String path, int depth) {
        if (depth > JsonText.MAX_DEPTH) {
            throw new NotExpressible(path, "nests deeper than " + JsonText.MAX_DEPTH + " levels, or contains itself");
        }
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Integer) {
            return value;
        }
        if (value instanceof Long l) {
            return l == l.intValue() ? tagged("long", l) : l;
        }
        if (value instanceof BigInteger b) {
            return b.bitLength() < 64 ? tagged("biginteger", b.toString()) : b;
        }
        if (value instanceof Double d) {
            return Double.isFinite(d) ? d : tagged("double", d.toString());
        }
        if (value instanceof Float f) {
            return tagged("float", Float.isFinite(f) ? (Object) Double.parseDouble(f.toString()) : f.toString());
        }
        if (value instanceof Short s) {
            return tagged("short", (int) s);
        }
        if (value instanceof Byte b) {
            return tagged("byte", (int) b);
        }
        if (value instanceof Character c) {
            return tagged("char", c.toString());
        }
        if (value instanceof byte[] bytes) {
            return tagged("bytes", Base64.getEncoder().encodeToString(bytes));
        }
        if (value instanceof BigDecimal || value instanceof UUID || value instanceof URI) {
            String type = value instanceof BigDecimal ? "bigdecimal" : value instanceof UUID ? "uuid" : "uri";
            return tagged(type, value.toString());
        }
        if (TEXT_TYPES.containsKey(value.getClass().getName())) {
            return tagged(value.getClass().getName(), value.toString());
        }
        if (value instanceof Optional<?> optional) {
            Map<String, Object> tag = new LinkedHashMap<>();
            tag.put(TYPE, "optional");
            optional.ifPresent(v -> tag.put(VALUE, toJson(v, path + ".get()", depth + 1)));
            return tag;
        }
        if (value instanceof Collection<?> collection) {
            return collectionToJson(collection, path, depth);
        }
        if (value instanceof Map<?, ?> map) {
            return mapToJson(map, path, depth);
        }
        if (value instanceof Enum<?> e) {
            return tagged(e.getDeclaringClass().getName(), e.name());
        }
        if (value instanceof Record record) {
            return recordToJson(record, path, depth);
        }
        throw new NotExpressible(path, value.getClass().getName() + " has no JSON form (only records, enums and the"
                + " JDK types listed in the README have one)");
    }

    private static Object collectionToJson(Collection<?> collection, String path, int depth) {
        String type = collectionType(collection);
        if (type == null) {
            throw new NotExpressible(path, collection.getClass().getName() + " has no JSON form (collections that do:"
                    + " " + String.join(", ", COLLECTIONS.keySet()) + ", List.of, Set.of)");
        }
        List<Object> elements = new ArrayList<>(collection.size());
        int i = 0;
        for (Object element : collection) {
            elements.add(toJson(element, path + "[" + i++ + "]", depth + 1));
        }
        return type.equals(ArrayList.class.getName()) ? elements : tagged(type, elements);
    }

    private static String collectionType(Collection<?> collection) {
        String name = collection.getClass().getName();
        if (collection instanceof SortedSet<?> sorted && sorted.comparator() != null) {
            return null;
        }
        if (COLLECTIONS.containsKey(name)) {
            return name;
        }
        // List.of, Set.of and List.copyOf are classes private to java.util; recreating them by the same factory
        // gives an immutable collection of the same kind back.
        if (name.startsWith("java.util.ImmutableCollections$")) {
            return collection instanceof List ? "List.of" : collection instanceof Set ? "Set.of" : null;
        }
        return null;
    }

    private static Object mapToJson(Map<?, ?> map, String path, int depth) {
        String name = map.getClass().getName();
        String type;
        if (map instanceof SortedMap<?, ?> sorted && sorted.comparator() != null) {
            type = null;
        } else if (MAPS.containsKey(name)) {
            type = name;
        } else if (name.startsWith("java.util.ImmutableCollections$")) {
            type = "Map.of";
        } else {
            type = null;
        }
        if (type == null) {
            throw new NotExpressible(path, name + " has no JSON form (maps that do: "
                    + String.join(", ", MAPS.keySet()) + ", Map.of)");
        }
        boolean stringKeys = map.keySet().stream().allMatch(k -> k instanceof String);
        if (stringKeys) {
            Map<String, Object> object = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String key = (String) entry.getKey();
                object.put(key, toJson(entry.getValue(), path + "." + key, depth + 1));
            }
            boolean plain = type.equals(LinkedHashMap.class.getName()) && !object.containsKey(TYPE);
            return plain ? object : tagged(type, object);
        }
        List<Object> entries = new ArrayList<>(map.size());
        int i = 0;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            // Arrays.asList, not List.of: a map value may be null.
            entries.add(Arrays.asList(toJson(entry.getKey(), path + ".keys[" + i + "]", depth + 1),
                    toJson(entry.getValue(), path + ".values[" + i + "]", depth + 1)));
            i++;
        }
        Map<String, Object> tag = new LinkedHashMap<>();
        tag.put(TYPE, type);
        tag.put(ENTRIES, entries);
        return tag;
    }

    private static Object recordToJson(Record record, String path, int depth) {
        Map<String, Object> components = new LinkedHashMap<>();
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            Object componentValue;
            try {
                componentValue = component.getAccessor().invoke(record);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new NotExpressible(path, "the components of " + record.getClass().getName()
                        + " cannot be read: " + e);
            }
            components.put(component.getName(), toJson(componentValue, path + "." + component.getName(), depth + 1));
        }
        return tagged(record.getClass().getName(), components);
    }

    private static Object fromJson(Object json, String path, int depth) {
        if (json instanceof List<?> list) {
            List<Object> values = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                values.add(fromJson(list.get(i), path + "[" + i + "]", depth + 1));
            }
            return values;
        }
        if (!(json instanceof Map<?, ?> map)) {
            return json;
        }
        if (!map.containsKey(TYPE)) {
            Map<String, Object> values = new LinkedHashMap<>();
            map.forEach((k, v) -> values.put((String) k, fromJson(v, path + "." + k, depth + 1)));
            return values;
        }
        if (!(map.get(TYPE) instanceof String type)) {
            throw new IllegalArgumentException(path + ": \"" + TYPE + "\" must be a string");
        }
        for (Object member : map.keySet()) {
            if (!member.equals(TYPE) && !member.equals(VALUE) && !member.equals(ENTRIES)) {
                throw new IllegalArgumentException(path + ": a tagged value has only \"" + TYPE + "\", \"" + VALUE
                        + "\" or \"" + ENTRIES + "\", not \"" + member + "\"");
            }
        }
        try {
            return tagToValue(type, map, path, depth);
        } catch (IllegalArgumentException e) {
            throw e.getMessage() != null && e.getMessage().startsWith(path) ? e
                    : new IllegalArgumentException(path + ": not a valid " + type + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(path + ": not a valid " + type + ": " + e, e);
        }
    }

    private static Object tagToValue(String type, Map<?, ?> tag, String path, int depth) {
        Object value = tag.get(VALUE);
        switch (type) {
            case "bytes":
                return Base64.getDecoder().decode(text(value));
            case "long":
                return number(value).longValueExact();
            case "short":
                return number(value).shortValueExact();
            case "byte":
                return number(value).byteValueExact();
            case "biginteger":
                return new BigInteger(text(value));
            case "char":
                if (text(value).length() != 1) {
                    throw new IllegalArgumentException("a char is a string of one UTF-16 unit");
                }
                return text(value).charAt(0);
            case "float":
                return value instanceof String s ? Float.parseFloat(s) : (float) ((Number) value).doubleValue();
            case "double":
                return value instanceof String s ? Double.parseDouble(s) : ((Number) value).doubleValue();
            case "optional":
                return tag.containsKey(VALUE) ? Optional.of(fromJson(value, path + ".get()", depth + 1))
                        : Optional.empty();
            case "List.of":
                return List.of(elements(value, path, depth).toArray());
            case "Set.of":
                return Set.of(elements(value, path, depth).toArray());
            case "Map.of":
                return Map.copyOf(entries(tag, MAPS.get(LinkedHashMap.class.getName()), path, depth));
            default:
                break;
        }
        if (TEXT_TYPES.containsKey(type)) {
            return TEXT_TYPES.get(type).apply(text(value));
        }
        if (COLLECTIONS.containsKey(type)) {
            Collection<Object> collection = COLLECTIONS.get(type).get();
            collection.addAll(elements(value, path, depth));
            return collection;
        }
        if (MAPS.containsKey(type)) {
            return entries(tag, MAPS.get(type), path, depth);
        }
        return enumOrRecord(type, value, path, depth);
    }

    private static List<Object> elements(Object value, String path, int depth) {
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException(path + ": \"" + VALUE + "\" must be an array");
        }
        List<Object> values = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            values.add(fromJson(list.get(i), path + "[" + i + "]", depth + 1));
        }
        return values;
    }

    private static Map<Object, Object> entries(Map<?, ?> tag, Supplier<Map<Object, Object>> factory, String path,
            int depth) {
        Map<Object, Object> map = factory.get();
        if (tag.get(VALUE) instanceof Map<?, ?> object) {
            object.forEach((k, v) -> map.put(k, fromJson(v, path + "." + k, depth + 1)));
        } else if (tag.get(ENTRIES) instanceof List<?> entries) {
            for (int i = 0; i < entries.size(); i++) {
                if (!(entries.get(i) instanceof List<?> pair) || pair.size() != 2) {
                    throw new IllegalArgumentException(path + ": every entry is an array of a key and a value");
                }
                map.put(fromJson(pair.get(0), path + ".keys[" + i + "]", depth + 1),
                        fromJson(pair.get(1), path + ".values[" + i + "]", depth + 1));
            }
        } else {
            throw new IllegalArgumentException(path + ": a map has a \"" + VALUE + "\" object or \"" + ENTRIES
                    + "\" array");
        }
        return map;
    }

    /** An enum constant or a record of a class that is on the module path and open to reflection. */
    private static Object enumOrRecord(String type, Object value, String path, int depth) {
        Class<?> type0;
        try {
            type0 = Class.forName(type, false, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException(path + ": unknown \"" + TYPE + "\" '" + type + "': neither a type this"
                    + " tool knows nor an enum or record class on its module path");
        }
        if (type0.isEnum()) {
            for (Object constant : type0.getEnumConstants()) {
                if (((Enum<?>) constant).name().equals(text(value))) {
                    return constant;
                }
            }
            throw new IllegalArgumentException(path + ": " + type + " has no constant " + value);
        }
        if (!type0.isRecord() || !(value instanceof Map<?, ?> object)) {
            throw new IllegalArgumentException(path + ": '" + type + "' is not an enum or a record given as an object");
        }
        RecordComponent[] components = type0.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] arguments = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            String name = components[i].getName();
            if (!object.containsKey(name)) {
                throw new IllegalArgumentException(path + ": " + type + " needs its component '" + name + "'");
            }
            arguments[i] = fromJson(object.get(name), path + "." + name, depth + 1);
        }
        try {
            Constructor<?> canonical = type0.getDeclaredConstructor(types);
            return canonical.newInstance(arguments);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException(path + ": cannot create " + type + ": " + e, e);
        }
    }

    private static BigInteger number(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof BigInteger) {
            return new BigInteger(value.toString());
        }
        throw new IllegalArgumentException("\"" + VALUE + "\" must be a whole number");
    }

    private static String text(Object value) {
        if (value instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("\"" + VALUE + "\" must be a string");
    }

    private static Map<String, Object> tagged(String type, Object value) {
        Map<String, Object> tag = new LinkedHashMap<>();
        tag.put(TYPE, type);
        tag.put(VALUE, value);
        return tag;
    }
}
