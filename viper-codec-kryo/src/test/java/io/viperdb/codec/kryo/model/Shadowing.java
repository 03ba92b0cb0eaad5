package io.viperdb.codec.kryo.model;

/** A field that hides a field of the same name in the superclass: by name, the two cannot be told apart. */
public final class Shadowing {

    private Shadowing() {
    }

    /** The superclass. */
    public static class Base {
        public String name = "base";
    }

    /** The subclass, whose {@code name} hides the superclass's. */
    public static final class Derived extends Base {
        public String name = "derived";
    }
}
