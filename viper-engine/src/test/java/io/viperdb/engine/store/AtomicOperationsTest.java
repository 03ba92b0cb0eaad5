package io.viperdb.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.KeyValueStore;
import io.viperdb.StoreOptions;
import io.viperdb.StoreReadOnlyException;
import io.viperdb.engine.testing.TestClock;
import io.viperdb.engine.testing.TextCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The atomic operations of {@link KeyValueStore}, one example per rule of their contract: what each writes and
 * returns for a present, absent and expired key, what becomes of an expiry, how expected values compare, and what a
 * function that calls the store back gets.
 */
class AtomicOperationsTest {

    @TempDir
    Path dir;

    /** The store's clock, which the tests move to expire keys. */
    private final TestClock clock = new TestClock();

    private KeyValueStore<String> open() {
        return KeyValueStore.open(dir, StoreOptions.builder().codec(new TextCodec()).clock(clock).build());
    }

    @Test
    void putIfAbsentWritesOnlyAnAbsentOrExpiredKey() {
        try (KeyValueStore<String> store = open()) {
            assertNull(store.putIfAbsent("k", "first"));
            assertEquals("first", store.putIfAbsent("k", "second"), "a present key keeps its value");
            assertEquals("first", store.get("k"));
            store.put("lease", "alice", Duration.ofSeconds(10));
            assertEquals("alice", store.putIfAbsent("lease", "bob", Duration.ofSeconds(10)));
            clock.advance(Duration.ofSeconds(10));
            assertNull(store.putIfAbsent("lease", "bob", Duration.ofSeconds(10)), "an expired key is absent");
            assertEquals("bob", store.get("lease"));
            assertEquals(Optional.of(Instant.ofEpochMilli(clock.millis() + 10_000)), store.expiresAt("lease"));
        }
    }

    @Test
    void replaceWritesOnlyAPresentKeyAndEndsItsExpiry() {
        try (KeyValueStore<String> store = open()) {
            assertNull(store.replace("k", "v"), "an absent key is not replaced");
            assertFalse(store.containsKey("k"));
            store.put("k", "old", Duration.ofSeconds(10));
            assertEquals("old", store.replace("k", "new"));
            assertEquals("new", store.get("k"));
            assertEquals(Optional.empty(), store.expiresAt("k"), "the new value has no expiry, as after a put");
        }
    }

    @Test
    void replaceWithAnExpectedValueIsACompareAndSetOnTheDecodedValue() {
        try (KeyValueStore<String> store = open()) {
            assertFalse(store.replace("k", "v0", "v1"), "absent");
            store.put("k", "v0");
            assertFalse(store.replace("k", "other", "v1"));
            assertEquals("v0", store.get("k"));
            // An expected value equal to the stored one, not the same object: equals of the decoded value decides.
            assertTrue(store.replace("k", new String("v0"), "v1"));
            assertEquals("v1", store.get("k"));
            assertTrue(store.replace("k", "v1", "v2", Duration.ofSeconds(5)));
            assertEquals(Optional.of(Instant.ofEpochMilli(clock.millis() + 5_000)), store.expiresAt("k"));
            clock.advance(Duration.ofSeconds(5));
            assertFalse(store.replace("k", "v2", "v3"), "an expired key has no value to compare");
        }
    }

    @Test
    void removeWithAnExpectedValueRemovesOnlyThatValue() {
        try (KeyValueStore<String> store = open()) {
            assertFalse(store.remove("k", "v"));
            store.put("k", "v");
            assertFalse(store.remove("k", "w"));
            assertTrue(store.containsKey("k"));
            assertTrue(store.remove("k", "v"));
            assertFalse(store.containsKey("k"));
        }
    }

    @Test
    void getAndRemoveReturnsTheValueItRemoved() {
        try (KeyValueStore<String> store = open()) {
            assertNull(store.getAndRemove("k"));
            store.put("k", "v");
            assertEquals("v", store.getAndRemove("k"));
            assertNull(store.get("k"));
            store.put("short", "lived", Duration.ofSeconds(1));
            clock.advance(Duration.ofSeconds(1));
            assertNull(store.getAndRemove("short"), "an expired key is absent");
        }
    }

    @Test
    void computeWritesWhatTheFunctionReturnsAndRemovesOnNull() {
        try (KeyValueStore<String> store = open()) {
            assertEquals("k=null", store.compute("k", (key, current) -> key + "=" + current));
            assertEquals("k=null!", store.compute("k", (key, current) -> current + "!"));
            assertNull(store.compute("k", (key, current) -> null));
            assertFalse(store.containsKey("k"), "null removes the key");
            assertNull(store.compute("absent", (key, current) -> null), "null leaves an absent key absent");
            assertFalse(store.containsKey("absent"));
        }
    }

    @Test
    void computeIfAbsentAndComputeIfPresentCallTheFunctionOnlyWhenTheyApply() {
        AtomicInteger calls = new AtomicInteger();
        try (KeyValueStore<String> store = open()) {
            assertNull(store.computeIfPresent("k", (key, current) -> {
                calls.incrementAndGet();
                return "never";
            }));
            assertEquals(0, calls.get());
            assertEquals("made", store.computeIfAbsent("k", key -> "made"));
            assertEquals("made", store.computeIfAbsent("k", key -> {
                calls.incrementAndGet();
                return "never";
            }));
            assertEquals(0, calls.get());
            assertNull(store.computeIfAbsent("other", key -> null), "null puts nothing");
            assertFalse(store.containsKey("other"));
            assertEquals("made again", store.computeIfPresent("k", (key, current) -> current + " again"));
            assertNull(store.computeIfPresent("k", (key, current) -> null));
            assertFalse(store.containsKey("k"));
        }
    }

    @Test
    void mergePutsTheValueOrCombinesItWithTheCurrentOne() {
        try (KeyValueStore<String> store = open()) {
            assertEquals("a", store.merge("k", "a", String::concat));
            assertEquals("ab", store.merge("k", "b", String::concat));
            assertNull(store.merge("k", "c", (current, value) -> null));
            assertFalse(store.containsKey("k"), "a null result removes the key");
        }
    }

    @Test
    void theFunctionRunsOnceAndWhatItThrowsReachesTheCallerWithNothingWritten() {
        AtomicInteger calls = new AtomicInteger();
        try (KeyValueStore<String> store = open()) {
            store.put("k", "v");
            IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                    () -> store.compute("k", (key, current) -> {
                        calls.incrementAndGet();
                        throw new IllegalArgumentException("no");
                    }));
            assertEquals("no", thrown.getMessage());
            assertEquals(1, calls.get());
            assertEquals("v", store.get("k"));
            store.put("after", "a failed function leaves the store writable");
        }
    }

    @Test
    void aFunctionThatCallsTheStoreBackGetsIllegalStateExceptionAndThatCallDoesNothing() {
        List<Consumer<KeyValueStore<String>>> callBacks = List.of(
                s -> s.get("k"), s -> s.put("k", "inner"), s -> s.remove("k"), s -> s.compute("k", (k, v) -> "x"),
                s -> s.merge("k", "x", String::concat), s -> s.keys(), s -> s.reclaim(), s -> s.sync(),
                s -> s.close());
        try (KeyValueStore<String> store = open()) {
            store.put("k", "v");
            for (Consumer<KeyValueStore<String>> callBack : callBacks) {
                IllegalStateException refused = assertThrows(IllegalStateException.class,
                        () -> store.compute("k", (key, current) -> {
                            callBack.accept(store);
                            return "outer";
                        }));
                assertTrue(refused.getMessage().contains("must not call the store"), refused.getMessage());
                assertEquals("v", store.get("k"), "neither the inner call nor the outer one wrote");
            }
            // A function that catches the refusal goes on, and its own write is the one that lands.
            assertEquals("outer", store.compute("k", (key, current) -> {
                assertThrows(IllegalStateException.class, () -> store.put("k", "inner"));
                return "outer";
            }));
            assertEquals("outer", store.get("k"));
        }
    }

    @Test
    void nullsAreRefusedBeforeAnythingIsWritten() {
        try (KeyValueStore<String> store = open()) {
            assertThrows(NullPointerException.class, () -> store.putIfAbsent("k", null));
            assertThrows(NullPointerException.class, () -> store.putIfAbsent(null, "v"));
            assertThrows(NullPointerException.class, () -> store.replace("k", null, "v"));
            assertThrows(NullPointerException.class, () -> store.replace("k", "v", null));
            assertThrows(NullPointerException.class, () -> store.remove("k", (String) null));
            assertThrows(NullPointerException.class, () -> store.compute("k", null));
            assertThrows(NullPointerException.class, () -> store.merge("k", null, String::concat));
            assertThrows(NullPointerException.class, () -> store.expiresAt(null));
            assertEquals(0, store.size());
        }
    }

    @Test
    void aReadOnlyStoreRefusesEveryAtomicOperation() {
        try (KeyValueStore<String> store = open()) {
            store.put("k", "v");
        }
        AtomicInteger calls = new AtomicInteger();
        try (KeyValueStore<String> store = KeyValueStore.open(dir,
                StoreOptions.builder().codec(new TextCodec()).readOnly().build())) {
            List<Runnable> writes = List.of(() -> store.putIfAbsent("n", "v"), () -> store.replace("k", "w"),
                    () -> store.replace("k", "v", "w"), () -> store.remove("k", "v"), () -> store.getAndRemove("k"),
                    () -> store.compute("k", (k, v) -> "w" + calls.incrementAndGet()),
                    () -> store.computeIfAbsent("n", k -> "w" + calls.incrementAndGet()),
                    () -> store.computeIfPresent("k", (k, v) -> "w" + calls.incrementAndGet()),
                    () -> store.merge("k", "w", (a, b) -> "w" + calls.incrementAndGet()),
                    () -> store.put("k", "w", Instant.now().plusSeconds(60)));
            for (Runnable write : writes) {
                assertThrows(StoreReadOnlyException.class, write::run);
            }
            assertEquals(0, calls.get(), "no function ran");
            assertEquals("v", store.get("k"));
        }
    }

    @Test
    void atomicWritesSurviveAReopen() {
        try (KeyValueStore<String> store = open()) {
            store.merge("counter", "1", (a, b) -> String.valueOf(Long.parseLong(a) + Long.parseLong(b)));
            store.merge("counter", "1", (a, b) -> String.valueOf(Long.parseLong(a) + Long.parseLong(b)));
            store.putIfAbsent("gone", "v");
            store.getAndRemove("gone");
            store.putIfAbsent("lease", "alice", Duration.ofSeconds(30));
        }
        try (KeyValueStore<String> store = open()) {
            assertEquals("2", store.get("counter"));
            assertFalse(store.containsKey("gone"));
            assertEquals(Optional.of(Instant.ofEpochMilli(clock.millis() + 30_000)), store.expiresAt("lease"));
        }
    }
}
