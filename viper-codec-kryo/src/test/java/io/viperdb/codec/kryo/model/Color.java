package io.viperdb.codec.kryo.model;

/** An enum, stored by ordinal. */
public enum Color {
    RED, GREEN, BLUE
}
