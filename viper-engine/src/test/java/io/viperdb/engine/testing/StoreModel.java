package io.viperdb.engine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.KeyValueStore;
import io.viperdb.StoreOptions;
import io.viperdb.WriteBatch;
import io.viperdb.engine.log.StoreDirectory;
import io.viperdb.spi.KeyText;
import io.viperdb.spi.ValueCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * Runs a sequence of operations against a real store and a {@link HashMap} model side by side, and checks after
 * every step that the store holds exactly what the model does, through every read method.
 */
public final class StoreModel<V> {

    /** Keys chosen so that operations collide, including the empty key and multi-byte UTF-8. */
    public static final List<String> KEYS = List.of("", "a", "b", "ключ", "🦊", "key/5", "key 6", "k7");

    /**
     * Byte keys beside {@link #KEYS}: the empty key, the bytes where signed and unsigned order differ (0x00, 0x7F,
     * 0x80, 0xFF), keys that are prefixes of each other, keys that are not UTF-8 (which the text face skips), and
     * the bytes of {@code "a"}, which is the same key as the {@code String}.
     */
    public static final List<byte[]> BYTE_KEYS = List.of(new byte[0], new byte[] {0}, new byte[] {0, 0},
            new byte[] {0x7F}, new byte[] {(byte) 0x80}, new byte[] {(byte) 0x80, 0}, new byte[] {(byte) 0xFF},
            new byte[] {(byte) 0xFF, (byte) 0xFF}, new byte[] {(byte) 0xFF, 0, (byte) 0x80}, new byte[] {'a'},
            new byte[] {'a', 0}, new byte[] {'k', 'e', 'y'});

    /** One step of a run. */
    public sealed interface Step<V> {
    }

    public record Put<V>(String key, V value) implements Step<V> {
    }

    public record PutWithTtl<V>(String key, V value, long ttlMillis) implements Step<V> {
    }

    public record Remove<V>(String key) implements Step<V> {
    }

    public record Advance<V>(long millis) implements Step<V> {
    }

    /** A put that expires {@code offsetMillis} from now: at once or already past when not positive. */
    public record PutAt<V>(String key, V value, long offsetMillis) implements Step<V> {
    }

    /** {@code putIfAbsent}, with a time to live when {@code ttlMillis} is positive. */
    public record PutIfAbsent<V>(String key, V value, long ttlMillis) implements Step<V> {
    }

    public record Replace<V>(String key, V value) implements Step<V> {
    }

    /**
     * {@code replace(key, expected, value)}, or {@code remove(key, expected)} when {@code value} is null; the
     * expected value is the key's current one when {@code expectCurrent}, {@code other} otherwise.
     */
    public record CompareAnd<V>(String key, boolean expectCurrent, V other, V value) implements Step<V> {
    }

    public record GetAndRemove<V>(String key) implements Step<V> {
    }

    /** The compute-like operations, by {@link Compute.Kind}; the function returns what {@code result} says. */
    public record Compute<V>(String key, V value, Kind kind, Result result) implements Step<V> {

        /** Which operation. */
        public enum Kind { COMPUTE, IF_ABSENT, IF_PRESENT, MERGE }

        /** What the function returns: {@code value}, null, or the current value again. */
        public enum Result { VALUE, NULL, CURRENT }
    }

    /** A put of a byte key, with a time to live when {@code ttlMillis} is positive. */
    public record PutBytes<V>(byte[] key, V value, long ttlMillis) implements Step<V> {
        @Override
        public String toString() {
            return "PutBytes[" + KeyText.describe(key) + ", " + value + ", " + ttlMillis + "]";
        }
    }

    public record RemoveBytes<V>(byte[] key) implements Step<V> {
        @Override
        public String toString() {
            return "RemoveBytes[" + KeyText.describe(key) + "]";
        }
    }

    /** A batch of byte keys: each key's value, or null for a remove. */
    public record WriteBytes<V>(List<byte[]> keys, List<V> values) implements Step<V> {
        @Override
        public String toString() {
            return "WriteBytes[" + keys.stream().map(KeyText::describe).toList() + ", " + values + "]";
        }
    }

    public record Flush<V>() implements Step<V> {
    }

    /** Close and open again: from the index file the close saved (rule 10). */
    public record Reopen<V>() implements Step<V> {
    }

    /** Close, delete the index file and open again: the index is rebuilt from the logs. */
    public record ReopenRebuilt<V>() implements Step<V> {
    }

    /**
     * Flush, then go on with a copy of the files as they are: what a crash right after a flush leaves. With
     * {@code fromIndexFile}, the copy keeps the index file that the last checkpoint or clean close wrote, and the open
     * starts from it and replays what follows (rules 10 and 11); without, it rebuilds the index from the logs.
     */
    public record CrashAfterFlush<V>(boolean fromIndexFile) implements Step<V> {
    }

    public record Reclaim<V>() implements Step<V> {
    }

    /**
     * Flush, then open a copy of the files as they are read-only (what a crash right after a flush leaves): it holds
     * what the model does, verifies sound, and no byte of it changes; the writer goes on.
     */
    public record ReadOnlyAfterCrash<V>() implements Step<V> {
    }

    /** Sequences of steps over {@link #KEYS} with values from {@code values}. */
    public static <V> Gen<List<Step<V>>> steps(Gen<V> values, int maxLength) {
        Gen<String> keys = Generate.pick(KEYS);
        Gen<Step<V>> put = keys.zip(values, Put::new);
        Gen<Step<V>> putWithTtl = keys.zip(values, SourceDSL.longs().between(1, 5_000), PutWithTtl::new);
        Gen<Step<V>> remove = keys.map(Remove::new);
        Gen<Long> offsets = SourceDSL.longs().between(-2_000, 5_000);
        Gen<Step<V>> putAt = keys.zip(values, offsets, PutAt::new);
        Gen<Step<V>> putIfAbsent = keys.zip(values, SourceDSL.longs().between(-1, 5_000),
                (k, v, ttl) -> new PutIfAbsent<>(k, v, Math.max(ttl, 0)));
        Gen<Step<V>> replace = keys.zip(values, Replace::new);
        Gen<Step<V>> compareAnd = keys.zip(SourceDSL.booleans().all(), values, values.toOptionals(30),
                (k, current, other, value) -> new CompareAnd<>(k, current, other, value.orElse(null)));
        Gen<Step<V>> getAndRemove = keys.map(GetAndRemove::new);
        Gen<Step<V>> compute = keys.zip(values, Generate.enumValues(Compute.Kind.class),
                Generate.enumValues(Compute.Result.class), Compute::new);
        Gen<Step<V>> advance = SourceDSL.longs().between(1, 3_000).map(Advance::new);
        Gen<Step<V>> flush = Generate.constant(new Flush<>());
        Gen<Step<V>> reopen = Generate.constant(new Reopen<>());
        Gen<Step<V>> rebuild = Generate.constant(new ReopenRebuilt<>());
        Gen<Step<V>> crash = SourceDSL.booleans().all().map(CrashAfterFlush::new);
        Gen<Step<V>> reclaim = Generate.constant(new Reclaim<>());
        Gen<Step<V>> readOnly = Generate.constant(new ReadOnlyAfterCrash<>());
        Gen<byte[]> byteKeys = Generate.pick(BYTE_KEYS);
        Gen<Step<V>> putBytes = byteKeys.zip(values, SourceDSL.longs().between(-3_000, 5_000),
                (k, v, ttl) -> new PutBytes<>(k, v, Math.max(ttl, 0)));
        Gen<Step<V>> removeBytes = byteKeys.map(RemoveBytes::new);
        Gen<Step<V>> writeBytes = SourceDSL.lists().of(byteKeys.zip(values.toOptionals(30), Pair::of))
                .ofSizeBetween(1, 6).map(pairs -> new WriteBytes<>(pairs.stream().map(p -> p._1).toList(),
                        pairs.stream().map(p -> p._2.orElse(null)).toList()));
        Gen<Step<V>> step = Generate.frequency(List.of(
                org.quicktheories.api.Pair.of(10, put),
                org.quicktheories.api.Pair.of(4, putWithTtl),
                org.quicktheories.api.Pair.of(4, remove),
                org.quicktheories.api.Pair.of(2, putAt),
                org.quicktheories.api.Pair.of(2, putIfAbsent),
                org.quicktheories.api.Pair.of(2, replace),
                org.quicktheories.api.Pair.of(3, compareAnd),
                org.quicktheories.api.Pair.of(2, getAndRemove),
                org.quicktheories.api.Pair.of(4, compute),
                org.quicktheories.api.Pair.of(3, advance),
                org.quicktheories.api.Pair.of(1, flush),
                org.quicktheories.api.Pair.of(2, reopen),
                org.quicktheories.api.Pair.of(1, rebuild),
                org.quicktheories.api.Pair.of(2, crash),
                org.quicktheories.api.Pair.of(2, reclaim),
                org.quicktheories.api.Pair.of(1, readOnly),
                org.quicktheories.api.Pair.of(6, putBytes),
                org.quicktheories.api.Pair.of(3, removeBytes),
                org.quicktheories.api.Pair.of(2, writeBytes)));
        return SourceDSL.lists().of(step).ofSizeBetween(1, maxLength);
    }

    private record Entry<V>(V value, long expiry) {
    }

    private final ValueCodec<V> codec;
    private final long logFileSize;
    private final TestClock clock = new TestClock();
    /** The model: keys in the order of every scan, unsigned bytes, as {@code String} keys are their UTF-8 bytes. */
    private final NavigableMap<byte[], Entry<V>> model = new TreeMap<>(Arrays::compareUnsigned);
    private Path dir;
    private KeyValueStore<V> store;

    public StoreModel(ValueCodec<V> codec, long logFileSize) {
        this.codec = codec;
        this.logFileSize = logFileSize;
    }

    /** Runs {@code steps} on a fresh store in a new temporary directory, checking after each. */
    public static <V> void check(ValueCodec<V> codec, long logFileSize, List<Step<V>> steps) {
        new StoreModel<>(codec, logFileSize).run(steps);
    }

    private void run(List<Step<V>> steps) {
        Path root = newTempDir();
        dir = root.resolve("store");
        store = open();
        try {
            for (int i = 0; i < steps.size(); i++) {
                Step<V> step = steps.get(i);
                apply(step, root, i);
                verify("after step " + i + " " + describe(step));
            }
        } finally {
            store.close();
            StoreFiles.deleteTree(root);
        }
    }

    private KeyValueStore<V> open() {
        return KeyValueStore.open(dir, StoreOptions.builder().codec(codec).clock(clock).logFileSize(logFileSize)
                .build());
    }

    private void checkReadOnlyCopy(Path copy, int index) {
        Map<String, byte[]> before = new HashMap<>();
        StoreFiles.list(copy).forEach(f -> before.put(f.getFileName().toString(), StoreFiles.read(f)));
        KeyValueStore<V> writer = store;
        try (KeyValueStore<V> reader = KeyValueStore.open(copy, StoreOptions.builder().codec(codec).clock(clock)
                .readOnly().build())) {
            store = reader;
            verify("a read-only open of the files as they were at step " + index);
            assertTrue(reader.verify().sound(), "a read-only open of a crash copy verifies sound");
        } finally {
            store = writer;
        }
        Map<String, byte[]> after = new HashMap<>();
        StoreFiles.list(copy).forEach(f -> after.put(f.getFileName().toString(), StoreFiles.read(f)));
        assertEquals(before.keySet(), after.keySet(), "a read-only open creates and deletes no file");
        before.forEach((name, bytes) -> assertTrue(java.util.Arrays.equals(bytes, after.get(name)),
                () -> "a read-only open changed " + name));
    }

    private void apply(Step<V> step, Path root, int index) {
        long now = clock.millis();
        if (step instanceof Put<V> put) {
            store.put(put.key(), put.value());
            model.put(k(put.key()), new Entry<>(put.value(), Long.MAX_VALUE));
        } else if (step instanceof PutWithTtl<V> put) {
            store.put(put.key(), put.value(), Duration.ofMillis(put.ttlMillis()));
            model.put(k(put.key()), new Entry<>(put.value(), now + put.ttlMillis()));
        } else if (step instanceof Remove<V> remove) {
            boolean wasLive = live().containsKey(k(remove.key()));
            assertEquals(wasLive, store.remove(remove.key()), "remove(\"" + remove.key() + "\")");
            model.remove(k(remove.key()));
        } else if (step instanceof PutAt<V> put) {
            store.put(put.key(), put.value(), Instant.ofEpochMilli(now + put.offsetMillis()));
            model.put(k(put.key()), new Entry<>(put.value(), now + put.offsetMillis()));
        } else if (step instanceof PutIfAbsent<V> put) {
            V current = live().get(k(put.key()));
            V returned = put.ttlMillis() > 0
                    ? store.putIfAbsent(put.key(), put.value(), Duration.ofMillis(put.ttlMillis()))
                    : store.putIfAbsent(put.key(), put.value());
            assertDecoded(current, returned, "putIfAbsent(\"" + put.key() + "\")");
            if (current == null) {
                model.put(k(put.key()), new Entry<>(put.value(), put.ttlMillis() > 0 ? now + put.ttlMillis()
                        : Long.MAX_VALUE));
            }
        } else if (step instanceof Replace<V> replace) {
            V current = live().get(k(replace.key()));
            assertDecoded(current, store.replace(replace.key(), replace.value()), "replace(\"" + replace.key() + "\")");
            if (current != null) {
                model.put(k(replace.key()), new Entry<>(replace.value(), Long.MAX_VALUE));
            }
        } else if (step instanceof CompareAnd<V> step2) {
            compareAnd(step2);
        } else if (step instanceof GetAndRemove<V> remove) {
            V current = live().get(k(remove.key()));
            assertDecoded(current, store.getAndRemove(remove.key()), "getAndRemove(\"" + remove.key() + "\")");
            model.remove(k(remove.key()));
        } else if (step instanceof Compute<V> compute) {
            compute(compute);
        } else if (step instanceof PutBytes<V> put) {
            if (put.ttlMillis() > 0) {
                store.byteKeys().put(put.key(), put.value(), Duration.ofMillis(put.ttlMillis()));
            } else {
                store.byteKeys().put(put.key(), put.value());
            }
            model.put(put.key(), new Entry<>(put.value(), put.ttlMillis() > 0 ? now + put.ttlMillis()
                    : Long.MAX_VALUE));
        } else if (step instanceof RemoveBytes<V> remove) {
            boolean wasLive = live().containsKey(remove.key());
            assertEquals(wasLive, store.byteKeys().remove(remove.key()), "remove(" + KeyText.describe(remove.key())
                    + ")");
            model.remove(remove.key());
        } else if (step instanceof WriteBytes<V> write) {
            WriteBatch<V> batch = new WriteBatch<>();
            for (int i = 0; i < write.keys().size(); i++) {
                byte[] key = write.keys().get(i);
                V value = write.values().get(i);
                if (value == null) {
                    batch.remove(key);
                    model.remove(key);
                } else {
                    batch.put(key, value);
                    model.put(key, new Entry<>(value, Long.MAX_VALUE));
                }
            }
            store.write(batch);
        } else if (step instanceof Advance<V> advance) {
            clock.advance(Duration.ofMillis(advance.millis()));
        } else if (step instanceof Flush<V>) {
            store.flush();
        } else if (step instanceof Reopen<V>) {
            store.close();
            assertTrue(Files.exists(dir.resolve(StoreDirectory.INDEX)), "a clean close saves the index file");
            store = open();
        } else if (step instanceof ReopenRebuilt<V>) {
            store.close();
            StoreFiles.delete(dir.resolve(StoreDirectory.INDEX));
            store = open();
        } else if (step instanceof CrashAfterFlush<V> crash) {
            store.flush();
            Path copy = root.resolve("crash-" + index);
            StoreFiles.snapshot(dir, copy);
            if (!crash.fromIndexFile()) {
                StoreFiles.deleteIfExists(copy.resolve(StoreDirectory.INDEX));
            }
            store.close();
            dir = copy;
            store = open();
        } else if (step instanceof ReadOnlyAfterCrash<V>) {
            store.flush();
            Path copy = root.resolve("read-only-" + index);
            StoreFiles.snapshot(dir, copy);
            checkReadOnlyCopy(copy, index);
        } else if (step instanceof Reclaim<V>) {
            long kept = store.reclaim().recordsKept();
            assertTrue(kept >= live().size(), "a reclaim keeps at least every live record");
        }
    }

    /**
     * A compare-and-set or compare-and-remove. The store compares with {@code equals} of the decoded value, so the
     * model predicts with the value the store's get decodes (which {@link #verify} checked is the model's): for an
     * array value, whose equals is identity, nothing ever matches.
     */
    private void compareAnd(CompareAnd<V> step) {
        V decoded = store.get(step.key());
        V expected = step.expectCurrent() && decoded != null ? store.get(step.key()) : step.other();
        boolean matches = decoded != null && decoded.equals(expected);
        if (step.value() == null) {
            assertEquals(matches, store.remove(step.key(), expected), "remove(\"" + step.key() + "\", expected)");
            if (matches) {
                model.remove(k(step.key()));
            }
        } else {
            assertEquals(matches, store.replace(step.key(), expected, step.value()),
                    "replace(\"" + step.key() + "\", expected, value)");
            if (matches) {
                model.put(k(step.key()), new Entry<>(step.value(), Long.MAX_VALUE));
            }
        }
    }

    /** The compute-like operations: what each calls its function with, writes and returns, against the model. */
    private void compute(Compute<V> step) {
        String key = step.key();
        V current = live().get(k(key));
        int[] calls = {0};
        BiFunction<V, V, V> function = (old, given) -> {
            calls[0]++;
            return switch (step.result()) {
                case VALUE -> step.value();
                case NULL -> null;
                case CURRENT -> old;
            };
        };
        boolean called;
        V next;
        V returned;
        switch (step.kind()) {
            case COMPUTE -> {
                returned = store.compute(key, (k, old) -> function.apply(old, null));
                called = true;
                next = step.result() == Compute.Result.VALUE ? step.value()
                        : step.result() == Compute.Result.NULL ? null : current;
            }
            case IF_ABSENT -> {
                returned = store.computeIfAbsent(key, k -> function.apply(null, null));
                called = current == null;
                next = current != null ? current : step.result() == Compute.Result.VALUE ? step.value() : null;
            }
            case IF_PRESENT -> {
                returned = store.computeIfPresent(key, (k, old) -> function.apply(old, null));
                called = current != null;
                next = current == null || step.result() == Compute.Result.NULL ? null
                        : step.result() == Compute.Result.VALUE ? step.value() : current;
            }
            default -> {
                returned = store.merge(key, step.value(), function);
                called = current != null;
                next = current == null ? step.value() : step.result() == Compute.Result.VALUE ? step.value()
                        : step.result() == Compute.Result.NULL ? null : current;
            }
        }
        assertEquals(called ? 1 : 0, calls[0], () -> step + ": calls of the function");
        assertTrue(Objects.deepEquals(next, returned), () -> step + " returned " + returned + ", expected " + next);
        if (next == null) {
            model.remove(k(key));
        } else if (called || current == null) {
            // Whatever the function returns is written anew, with no expiry; a present key it was not called for
            // keeps its value and its expiry.
            model.put(k(key), new Entry<>(next, Long.MAX_VALUE));
        }
    }

    /** Asserts that an operation returned a value equal to the model's ({@code deepEquals}, for arrays). */
    private static void assertDecoded(Object expected, Object returned, String operation) {
        assertTrue(Objects.deepEquals(expected, returned), () -> operation + " returned " + returned + ", expected "
                + expected);
    }

    private NavigableMap<byte[], V> live() {
        long now = clock.millis();
        NavigableMap<byte[], V> live = new TreeMap<>(Arrays::compareUnsigned);
        model.forEach((key, entry) -> {
            if (now < entry.expiry()) {
                live.put(key, entry.value());
            }
        });
        return live;
    }

    private static byte[] k(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    private void verify(String context) {
        NavigableMap<byte[], V> live = live();
        for (String key : KEYS) {
            V expected = live.get(k(key));
            V actual = store.get(key);
            assertTrue(Objects.deepEquals(expected, actual),
                    () -> context + ": get(\"" + key + "\") was " + actual + ", expected " + expected);
            assertEquals(expected != null, store.containsKey(key), () -> context + ": containsKey(\"" + key + "\")");
            Entry<V> entry = model.get(k(key));
            Optional<Instant> expiry = expected == null || entry.expiry() == Long.MAX_VALUE ? Optional.empty()
                    : Optional.of(Instant.ofEpochMilli(entry.expiry()));
            assertEquals(expiry, store.expiresAt(key), () -> context + ": expiresAt(\"" + key + "\")");
        }
        assertEquals(live.size(), store.size(), () -> context + ": size()");
        Set<String> text = new HashSet<>();
        live.keySet().forEach(key -> {
            String decoded = KeyText.decode(key);
            if (decoded != null) {
                text.add(decoded);
            }
        });
        assertEquals(text, store.keys(), () -> context + ": keys() (the keys that are text)");
        ScanCheck.check(store, live, BYTE_KEYS, context);
    }

    private static String describe(Step<?> step) {
        String text = step.toString();
        return text.length() > 120 ? text.substring(0, 120) + "..." : text;
    }

    private static Path newTempDir() {
        try {
            return Files.createTempDirectory("viper-model-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
