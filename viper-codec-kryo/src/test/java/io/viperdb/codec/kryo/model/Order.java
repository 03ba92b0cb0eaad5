package io.viperdb.codec.kryo.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A record holding collections, maps, other stored classes and JDK types. */
public record Order(String id, List<Point> points, Map<String, Account> accounts, Instant placed, Color color) {
}
