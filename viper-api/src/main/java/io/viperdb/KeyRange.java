package io.viperdb;

import io.viperdb.spi.KeyText;
import java.util.Arrays;
import java.util.Objects;

/**
 * The keys a {@linkplain KeyValueStore#scan scan} visits: those from a first key (inclusive) up to an end key
 * (exclusive), either end open, in unsigned lexicographic byte order. That order compares keys byte by byte as
 * numbers from 0 to 255, and a key comes before every longer key it is a prefix of; for {@code String} keys, whose
 * bytes are their UTF-8 encoding, it is the order of their Unicode code points. {@link #compare} is the order.
 *
 * <pre>{@code
 * KeyRange.all()                       every key
 * KeyRange.prefix("user:")             every key that starts with "user:"
 * KeyRange.between("a", "m")           "a" <= key < "m"
 * KeyRange.from("m")                   "m" <= key
 * KeyRange.to("m")                     key < "m"
 * KeyRange.closed(first, last)         first <= key <= last (either may be null: open)
 * }</pre>
 *
 * <p>A {@code String} given here stands for its UTF-8 bytes, and is checked as a key is ({@link KeyText#encode}).
 * A range whose first key is not before its end is empty. Ranges are immutable; they copy the arrays they are given
 * and hand out copies.
 */
public final class KeyRange {

    private static final KeyRange ALL = new KeyRange(null, null);

    /** Inclusive; null when open. */
    private final byte[] first;
    /** Exclusive; null when open. */
    private final byte[] end;

    private KeyRange(byte[] first, byte[] end) {
        this.first = first;
        this.end = end;
    }

    /** {@return the range of every key} */
    public static KeyRange all() {
        return ALL;
    }

    /**
     * {@return the keys at and after {@code first}}
     *
     * @param first the first key, inclusive
     */
    public static KeyRange from(byte[] first) {
        return new KeyRange(KeyText.check(first).clone(), null);
    }

    /**
     * {@return the keys at and after {@code first}}
     *
     * @param first the first key, inclusive
     */
    public static KeyRange from(String first) {
        return new KeyRange(KeyText.encode(first), null);
    }

    /**
     * {@return the keys before {@code end}}
     *
     * @param end the end, exclusive
     */
    public static KeyRange to(byte[] end) {
        return new KeyRange(null, KeyText.check(end).clone());
    }

    /**
     * {@return the keys before {@code end}}
     *
     * @param end the end, exclusive
     */
    public static KeyRange to(String end) {
        return new KeyRange(null, KeyText.encode(end));
    }

    /**
     * {@return the keys from {@code first} (inclusive) to {@code end} (exclusive)}; either may be null: open
     *
     * @param first the first key, inclusive, or null
     * @param end the end, exclusive, or null
     */
    public static KeyRange between(byte[] first, byte[] end) {
        return new KeyRange(first == null ? null : KeyText.check(first).clone(),
                end == null ? null : KeyText.check(end).clone());
    }

    /**
     * {@return the keys from {@code first} (inclusive) to {@code end} (exclusive)}; either may be null: open
     *
     * @param first the first key, inclusive, or null
     * @param end the end, exclusive, or null
     */
    public static KeyRange between(String first, String end) {
        return new KeyRange(first == null ? null : KeyText.encode(first), end == null ? null : KeyText.encode(end));
    }

    /**
     * {@return the keys from {@code first} to {@code last}, both inclusive}; either may be null: open. This is the
     * range of Kafka's and RocksDB's {@code range(from, to)}.
     *
     * @param first the first key, inclusive, or null
     * @param last the last key, inclusive, or null
     */
    public static KeyRange closed(byte[] first, byte[] last) {
        // The key right after last in byte order is last followed by one zero byte.
        return new KeyRange(first == null ? null : KeyText.check(first).clone(),
                last == null ? null : Arrays.copyOf(KeyText.check(last), last.length + 1));
    }

    /**
     * {@return the keys that start with {@code prefix}} (the empty prefix: every key)
     *
     * @param prefix the bytes every key in the range starts with
     */
    public static KeyRange prefix(byte[] prefix) {
        KeyText.check(prefix);
        return new KeyRange(prefix.clone(), endOfPrefix(prefix));
    }

    /**
     * {@return the keys whose text starts with {@code prefix}}
     *
     * @param prefix the text every key in the range starts with
     */
    public static KeyRange prefix(String prefix) {
        return prefix(KeyText.encode(prefix));
    }

    /**
     * The first byte sequence after every key that starts with {@code prefix}: the prefix without its trailing 0xFF
     * bytes, its last byte then incremented; null (open) when the prefix is all 0xFF bytes or empty.
     */
    private static byte[] endOfPrefix(byte[] prefix) {
        int last = prefix.length - 1;
        while (last >= 0 && prefix[last] == (byte) 0xFF) {
            last--;
        }
        if (last < 0) {
            return null;
        }
        byte[] end = Arrays.copyOf(prefix, last + 1);
        end[last]++;
        return end;
    }

    /**
     * Compares two keys in unsigned lexicographic byte order, the order of every scan.
     *
     * @param a a key
     * @param b another key
     * @return negative, zero or positive as {@code a} is before, the same as, or after {@code b}
     */
    public static int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    /** {@return the first key, inclusive, as a new array; null when the range is open at its start} */
    public byte[] first() {
        return first == null ? null : first.clone();
    }

    /** {@return the end, exclusive, as a new array; null when the range is open at its end} */
    public byte[] end() {
        return end == null ? null : end.clone();
    }

    /**
     * {@return true if {@code key} is in this range}
     *
     * @param key a key
     */
    public boolean contains(byte[] key) {
        Objects.requireNonNull(key, "key");
        return (first == null || compare(first, key) <= 0) && (end == null || compare(key, end) < 0);
    }

    /**
     * {@return true if {@code key} is before the end of this range} (always true when the end is open)
     *
     * @param key a key
     */
    public boolean isBeforeEnd(byte[] key) {
        return end == null || compare(key, end) < 0;
    }

    /**
     * {@return true if {@code key} is at or after the start of this range} (always true when the start is open)
     *
     * @param key a key
     */
    public boolean isAtOrAfterFirst(byte[] key) {
        return first == null || compare(first, key) <= 0;
    }

    /** {@return true if no key can be in this range: its first key is not before its end} */
    public boolean isEmpty() {
        return first != null && end != null && compare(first, end) >= 0;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KeyRange range && Arrays.equals(first, range.first) && Arrays.equals(end, range.end);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(first) + Arrays.hashCode(end);
    }

    @Override
    public String toString() {
        return "KeyRange[" + (first == null ? "open" : KeyText.describe(first)) + ", "
                + (end == null ? "open" : KeyText.describe(end)) + ")";
    }
}
