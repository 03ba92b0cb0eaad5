package io.viperdb.codec.kryo.model;

/** Two references, usually to one object: it must come back as one object, not two copies. */
public record Shared(Object left, Object right) {
}
