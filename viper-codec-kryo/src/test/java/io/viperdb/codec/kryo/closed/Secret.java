package io.viperdb.codec.kryo.closed;

/** A stored class in a package that is not open to Kryo, as a user's would be without an {@code opens}. */
public final class Secret {
    private final int value;

    public Secret(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }
}
