package io.viperdb.codec.kryo.model;

/** A record, stored through its canonical constructor. */
public record Point(int x, int y, String label) {
}
