package io.viperdb.codec.json;

import static org.quicktheories.generators.SourceDSL.bigIntegers;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.floats;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Random values of the json codec's value space, including every type it widens (Short, Float, BigDecimal, sets,
 * sorted maps, ...), so that the round-trip properties check the whole mapping table, not only its identity rows.
 */
final class JsonValues {

    private static final int NESTING = 3;

    private JsonValues() {
    }

    /** Anything the codec stores at the top level: a byte array or a non-null JSON value. */
    static Gen<Object> storable() {
        Gen<byte[]> bytes = Generate.byteArrays(Generate.range(0, 40),
                Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0));
        return weighted(Pair.of(1, objects(bytes)), Pair.of(9, value(NESTING)));
    }

    private static Gen<Object> value(int depth) {
        if (depth == 0) {
            return scalar();
        }
        Gen<Object> element = weighted(Pair.of(1, Generate.constant((Object) null)), Pair.of(9, value(depth - 1)));
        Gen<Object> list = lists().of(element).ofSizeBetween(0, 4)
                .zip(Generate.pick(collectionKinds()), (values, kind) -> kind.apply(values));
        // Built from pairs rather than with maps(), whose maps cannot hold null values.
        Gen<Object> map = lists().of(key().zip(element, Pair::of)).ofSizeBetween(0, 4)
                .zip(Generate.pick(mapKinds()), (entries, kind) -> kind.apply(mapOf(entries)));
        return weighted(Pair.of(4, scalar()), Pair.of(2, list), Pair.of(2, map));
    }

    private static Gen<Object> scalar() {
        return weighted(
                Pair.of(4, objects(text())),
                Pair.of(1, objects(booleans().all())),
                Pair.of(2, objects(integers().all())),
                Pair.of(2, objects(longs().all())),
                Pair.of(1, objects(integers().between(Short.MIN_VALUE, Short.MAX_VALUE).map(Integer::shortValue))),
                Pair.of(1, objects(integers().between(Byte.MIN_VALUE, Byte.MAX_VALUE).map(Integer::byteValue))),
                Pair.of(1, objects(Generate.range(1, 24).flatMap(size -> bigIntegers().ofBytes(size)))),
                Pair.of(2, objects(doubles().any().map(JsonValues::finite))),
                Pair.of(1, objects(floats().any().map(JsonValues::finite))),
                Pair.of(1, objects(longs().all().zip(Generate.range(-20, 20), BigDecimal::valueOf))));
    }

    /** Text of any code points, including unpaired surrogates, NUL, quotes and characters beyond the BMP. */
    private static Gen<String> text() {
        return weighted(
                Pair.of(2, strings().allPossible().ofLengthBetween(0, 12)),
                Pair.of(1, strings().basicLatinAlphabet().ofLengthBetween(0, 12)),
                Pair.of(1, strings().betweenCodePoints(0x1F300, 0x1F64F).ofLengthBetween(1, 4)));
    }

    /** Map keys: any text but unpaired surrogates, which the codec refuses in keys, and are replaced here. */
    private static Gen<String> key() {
        return text().map(key -> key.codePoints()
                .map(point -> point >= Character.MIN_SURROGATE && point <= Character.MAX_SURROGATE ? '\ufffd' : point)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString());
    }

    /**
     * NaN and the infinities, which the codec refuses, become the largest finite numbers. (Mapped rather than
     * filtered: QuickTheories gives up when too many nested values fail an assumption.)
     */
    private static double finite(double number) {
        return Double.isFinite(number) ? number : Math.copySign(Double.MAX_VALUE, number);
    }

    /** The same for floats: widening an infinite float to a finite double and back would give infinity again. */
    private static float finite(float number) {
        return Float.isFinite(number) ? number : Math.copySign(Float.MAX_VALUE, number);
    }

    private static List<Function<List<Object>, Object>> collectionKinds() {
        return List.of(ArrayList::new, LinkedList::new, LinkedHashSet::new, Collections::unmodifiableList,
                values -> Collections.unmodifiableCollection(new ArrayList<>(values)));
    }

    private static List<Function<Map<String, Object>, Object>> mapKinds() {
        return List.of(LinkedHashMap::new, HashMap::new, TreeMap::new, Collections::unmodifiableMap);
    }

    @SafeVarargs
    @SuppressWarnings("varargs") // the choices only flow into an immutable list
    private static <T> Gen<T> weighted(Pair<Integer, Gen<T>>... choices) {
        return Generate.frequency(List.of(choices));
    }

    private static Map<String, Object> mapOf(List<Pair<String, Object>> entries) {
        Map<String, Object> map = new LinkedHashMap<>();
        entries.forEach(entry -> map.put(entry._1, entry._2));
        return map;
    }

    private static <T> Gen<Object> objects(Gen<T> values) {
        return values.map(value -> (Object) value);
    }
}
