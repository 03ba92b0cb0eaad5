package io.viperdb.it.model;

/** A user's record, stored by the kryo codec. */
public record Point(int x, int y, String label) {
}
