package io.viperdb.codec.kryo.model;

import java.util.Objects;

/**
 * A class with a public no-argument constructor and fields that it sets: a stored null or zero must come back as null
 * or zero, not as what the constructor sets.
 */
public final class Preferences {
    private String theme = "light";
    private Integer fontSize = 12;
    private boolean compact = true;

    public Preferences() {
    }

    public Preferences(String theme, Integer fontSize, boolean compact) {
        this.theme = theme;
        this.fontSize = fontSize;
        this.compact = compact;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Preferences that && Objects.equals(theme, that.theme)
                && Objects.equals(fontSize, that.fontSize) && compact == that.compact;
    }

    @Override
    public int hashCode() {
        return Objects.hash(theme, fontSize, compact);
    }

    @Override
    public String toString() {
        return "Preferences[" + theme + ", " + fontSize + ", " + compact + "]";
    }
}
