package io.viperdb.engine.testing;

import java.util.List;

/** A user's record, for stores that use the kryo codec. */
public record Item(String name, int count, List<String> tags) {
}
