package io.viperdb.codec.kryo.model;

/** An enum, stored by the names of its constants. */
public enum Color {
    RED, GREEN, BLUE
}
