package io.viperdb.bench.workload;

import java.nio.charset.StandardCharsets;

/**
 * One benchmark key in both of the forms the stores take: ViperDB's API takes the {@link #text() String}, the peers'
 * APIs take {@link #bytes() bytes}. Both are made before any timing starts, so no store pays for converting one
 * into the other; ViperDB encodes the string itself inside {@code put}, which is part of what it costs to use.
 *
 * @param text the key as text: 16 ASCII characters
 * @param bytes the same key as its 16 UTF-8 (ASCII) bytes; never modified
 */
public record Key(String text, byte[] bytes) {

    /** The key for {@code text}, with its UTF-8 bytes. */
    public static Key of(String text) {
        return new Key(text, text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return text;
    }
}
