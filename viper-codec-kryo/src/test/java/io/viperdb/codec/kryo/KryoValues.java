package io.viperdb.codec.kryo;

import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import io.viperdb.codec.kryo.model.Account;
import io.viperdb.codec.kryo.model.Color;
import io.viperdb.codec.kryo.model.Order;
import io.viperdb.codec.kryo.model.Preferences;
import io.viperdb.codec.kryo.model.Shared;
import io.viperdb.codec.kryo.model.Point;
import io.viperdb.codec.kryo.model.Ring;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Random values for the kryo codecs: the test model's classes and records, cyclic and shared graphs, JDK types. */
final class KryoValues {

    private KryoValues() {
    }

    /** The classes {@link #registered()} produces, for a registered codec. */
    static final List<Class<?>> REGISTERED = List.of(Point.class, Account.class, Ring.class, Ring.Node.class,
            Color.class, Shared.class, ArrayList.class, HashMap.class, byte[].class);

    /** Anything the plain kryo codec stores. */
    static Gen<Object> any() {
        return weighted(
                Pair.of(3, registered()),
                Pair.of(2, objects(orders())),
                Pair.of(1, objects(preferences())),
                Pair.of(1, objects(longs().all().zip(longs().all(), UUID::new))),
                Pair.of(1, objects(longs().between(-10_000_000_000L, 10_000_000_000L)
                        .map(seconds -> Instant.ofEpochSecond(seconds)))),
                Pair.of(1, objects(longs().all().zip(integers().between(-10, 10), BigDecimal::valueOf))),
                Pair.of(1, objects(doubles().any())),
                Pair.of(1, objects(Generate.intArrays(Generate.range(0, 8), integers().all()))),
                Pair.of(1, objects(lists().of(text()).ofSizeBetween(0, 4).map(List::copyOf))),
                Pair.of(1, objects(text().map(Optional::of))),
                Pair.of(1, objects(lists().of(points()).ofSizeBetween(0, 4).zip(text(),
                        (points, key) -> new TreeMap<>(Map.of(key, points))))));
    }

    /** Values made only of {@link #REGISTERED} classes, strings and boxed primitives. */
    static Gen<Object> registered() {
        return weighted(
                Pair.of(2, objects(points())),
                Pair.of(2, objects(accounts())),
                Pair.of(1, objects(rings())),
                Pair.of(1, objects(Generate.enumValues(Color.class))),
                Pair.of(1, objects(points().map(point -> new Shared(point, point)))),
                Pair.of(1, objects(lists().of(accounts()).ofSizeBetween(0, 4).map(ArrayList::new))),
                Pair.of(1, objects(lists().of(points()).ofSizeBetween(0, 4).map(KryoValues::byLabel))),
                Pair.of(1, objects(Generate.byteArrays(Generate.range(0, 32),
                        Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0)))),
                Pair.of(1, objects(text())),
                Pair.of(1, objects(longs().all())));
    }

    static Gen<Point> points() {
        return integers().all().zip(integers().all(), text(), Point::new);
    }

    static Gen<Account> accounts() {
        return text().zip(longs().all(), lists().of(text()).ofSizeBetween(0, 3).map(ArrayList::new), Account::new);
    }

    /** Preferences whose fields are often null, false or zero, where the constructor sets other values. */
    static Gen<Preferences> preferences() {
        Gen<String> themes = weighted(Pair.of(1, Generate.constant((String) null)), Pair.of(2, text()));
        Gen<Integer> sizes = weighted(Pair.of(1, Generate.constant((Integer) null)),
                Pair.of(2, integers().between(-1, 1)));
        return themes.zip(sizes, Generate.booleans(), Preferences::new);
    }

    static Gen<Ring> rings() {
        return lists().of(text()).ofSizeBetween(1, 5).map(Ring::new);
    }

    static Gen<Order> orders() {
        Gen<List<Point>> points = lists().of(points()).ofSizeBetween(0, 3).map(ArrayList::new);
        Gen<Map<String, Account>> accounts = lists().of(accounts()).ofSizeBetween(0, 3).map(list -> {
            Map<String, Account> byOwner = new LinkedHashMap<>();
            list.forEach(account -> byOwner.put(account.owner(), account));
            return byOwner;
        });
        return text().zip(points, accounts, Generate.enumValues(Color.class),
                (id, list, map, color) -> new Order(id, list, map, Instant.ofEpochMilli(id.hashCode()), color));
    }

    private static HashMap<String, Point> byLabel(List<Point> points) {
        HashMap<String, Point> map = new HashMap<>();
        points.forEach(point -> map.put(point.label(), point));
        return map;
    }

    private static Gen<String> text() {
        return strings().allPossible().ofLengthBetween(0, 10);
    }

    @SafeVarargs
    @SuppressWarnings("varargs") // the choices only flow into an immutable list
    private static <T> Gen<T> weighted(Pair<Integer, Gen<T>>... choices) {
        return Generate.frequency(List.of(choices));
    }

    private static <T> Gen<Object> objects(Gen<T> values) {
        return values.map(value -> (Object) value);
    }
}
