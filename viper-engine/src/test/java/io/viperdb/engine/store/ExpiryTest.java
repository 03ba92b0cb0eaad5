package io.viperdb.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.KeyValueStore;
import io.viperdb.StoreOptions;
import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.testing.TestClock;
import io.viperdb.engine.testing.TextCodec;
import java.nio.file.Path;
import io.viperdb.WriteBatch;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys with a time to live, judged by the store's clock. A test that proves recovery rule N of FORMAT.md is named
 * {@code ruleN_...}.
 */
class ExpiryTest {

    @TempDir
    Path dir;

    private final TestClock clock = new TestClock();
    private final StoreOptions options = StoreOptions.builder().codec(new TextCodec()).clock(clock).build();

    private KeyValueStore<String> open() {
        return KeyValueStore.open(dir, options);
    }

    @Test
    void aKeyLivesUntilItsTimeToLiveHasPassed() {
        try (KeyValueStore<String> store = open()) {
            store.put("session", "alice", Duration.ofSeconds(10));
            store.put("forever", "bob");
            clock.advance(Duration.ofMillis(9_999));
            assertEquals("alice", store.get("session"));
            assertEquals(2, store.size());
            clock.advance(Duration.ofMillis(1));
            assertNull(store.get("session"), "expired exactly at its expiry");
            assertEquals("gone", store.getOrDefault("session", "gone"));
            assertFalse(store.containsKey("session"));
            assertEquals(1, store.size());
            assertEquals(Set.of("forever"), store.keys());
            assertFalse(store.remove("session"), "an expired key is not live, so nothing is removed");
        }
    }

    @Test
    void rule6_expiredKeysStayAbsentAfterReopen() {
        try (KeyValueStore<String> store = open()) {
            for (int i = 0; i < 1000; i++) {
                store.put("k" + i, "v" + i, Duration.ofSeconds(i % 2 == 0 ? 1 : 1000));
            }
        }
        clock.advance(Duration.ofSeconds(2));
        try (KeyValueStore<String> store = open()) {
            assertEquals(500, store.size());
            for (int i = 0; i < 1000; i++) {
                assertEquals(i % 2 == 0 ? null : "v" + i, store.get("k" + i));
            }
            store.reclaim();
            assertEquals(500, store.size());
        }
        try (KeyValueStore<String> store = open()) {
            assertEquals(500, store.size());
            assertEquals("v999", store.get("k999"));
        }
    }

    @Test
    void rule6_anExpiredOverwriteDoesNotBringTheOlderValueBack() {
        // The original ViperDB dropped expired records on replay and so resurrected the value they had replaced.
        try (KeyValueStore<String> store = open()) {
            store.put("k", "old");
            store.put("k", "new", Duration.ofSeconds(1));
        }
        clock.advance(Duration.ofSeconds(5));
        try (KeyValueStore<String> store = open()) {
            assertNull(store.get("k"));
            assertEquals(0, store.size());
        }
        try (KeyValueStore<String> store = open()) {
            store.reclaim();
            assertNull(store.get("k"));
        }
        try (KeyValueStore<String> store = open()) {
            assertNull(store.get("k"));
        }
    }

    @Test
    void rule6_aRemovedExpiringKeyReopensAfterItsExpiry() {
        // The original ViperDB could not open such a store at all.
        try (KeyValueStore<String> store = open()) {
            store.put("k", "v", Duration.ofSeconds(1));
            assertTrue(store.remove("k"));
        }
        clock.advance(Duration.ofSeconds(5));
        try (KeyValueStore<String> store = open()) {
            assertNull(store.get("k"));
            store.put("k", "again");
        }
        try (KeyValueStore<String> store = open()) {
            assertEquals("again", store.get("k"));
        }
    }

    @Test
    void anOverwriteWithoutTimeToLiveClearsTheExpiry() {
        try (KeyValueStore<String> store = open()) {
            store.put("k", "short", Duration.ofSeconds(1));
            store.put("k", "long");
            clock.advance(Duration.ofDays(1));
            assertEquals("long", store.get("k"));
        }
        try (KeyValueStore<String> store = open()) {
            assertEquals("long", store.get("k"));
        }
    }

    @Test
    void timeToLiveIsRoundedUpToWholeMilliseconds() {
        long now = 1_000;
        assertEquals(now + 1, ByteStore.expiryAfter(now, Duration.ofNanos(1)));
        assertEquals(now + 2, ByteStore.expiryAfter(now, Duration.ofNanos(1_000_001)));
        assertEquals(now + 5, ByteStore.expiryAfter(now, Duration.ofMillis(5)));
        try (KeyValueStore<String> store = open()) {
            store.put("k", "v", Duration.ofNanos(1));
            assertEquals("v", store.get("k"), "a positive time to live never expires at once");
            clock.advance(Duration.ofMillis(1));
            assertNull(store.get("k"));
        }
    }

    @Test
    void anEnormousTimeToLiveNeverExpires() {
        assertEquals(RecordHeader.NO_EXPIRY - 1, ByteStore.expiryAfter(1_000, Duration.ofSeconds(Long.MAX_VALUE)));
        assertEquals(RecordHeader.NO_EXPIRY - 1, ByteStore.expiryAfter(Long.MAX_VALUE - 10, Duration.ofMillis(20)));
        try (KeyValueStore<String> store = open()) {
            store.put("k", "v", Duration.ofSeconds(Long.MAX_VALUE));
            clock.advance(Duration.ofDays(365L * 1000));
            assertEquals("v", store.get("k"));
        }
    }

    @Test
    void expiresAtTellsWhenAKeyExpiresAndIsEmptyForAKeyWithoutExpiryOrAnAbsentOne() {
        try (KeyValueStore<String> store = open()) {
            store.put("session", "alice", Duration.ofMillis(1500).plusNanos(1));
            store.put("forever", "bob");
            assertEquals(Optional.of(Instant.ofEpochMilli(clock.millis() + 1501)), store.expiresAt("session"),
                    "whole milliseconds, rounded up");
            assertEquals(Optional.empty(), store.expiresAt("forever"));
            assertEquals(Optional.empty(), store.expiresAt("absent"));
            clock.advance(Duration.ofMillis(1501));
            assertEquals(Optional.empty(), store.expiresAt("session"), "an expired key is absent");
        }
    }

    @Test
    void aPutWithAnInstantExpiresAtThatInstantAlsoAfterReopen() {
        Instant at = Instant.ofEpochMilli(clock.millis() + 60_000).plusNanos(1);
        try (KeyValueStore<String> store = open()) {
            store.put("k", "v", at);
            assertEquals(Optional.of(Instant.ofEpochMilli(clock.millis() + 60_001)), store.expiresAt("k"));
            store.write(new WriteBatch<String>().put("b", "w", Instant.ofEpochMilli(clock.millis() + 1_000)));
            assertEquals(Optional.of(Instant.ofEpochMilli(clock.millis() + 1_000)), store.expiresAt("b"));
        }
        try (KeyValueStore<String> store = open()) {
            assertEquals(Optional.of(Instant.ofEpochMilli(clock.millis() + 60_001)), store.expiresAt("k"));
            assertEquals("w", store.get("b"));
            clock.advance(Duration.ofSeconds(1));
            assertNull(store.get("b"));
            assertEquals("v", store.get("k"));
        }
    }

    @Test
    void aPutWithAnInstantAlreadyPastLeavesTheKeyAbsentAndItsOldValueNeverComesBack() {
        try (KeyValueStore<String> store = open()) {
            store.put("k", "old");
            store.put("k", "new", Instant.ofEpochMilli(clock.millis()));
            assertNull(store.get("k"));
            store.put("b", "old");
            store.write(new WriteBatch<String>().put("b", "new", Instant.EPOCH.minusSeconds(1)));
            assertNull(store.get("b"));
            store.put("far", "v", Instant.MAX);
            assertEquals(Optional.of(Instant.ofEpochMilli(RecordHeader.NO_EXPIRY - 1)), store.expiresAt("far"),
                    "an instant too late to represent is the latest expiry there is");
        }
        try (KeyValueStore<String> store = open()) {
            assertNull(store.get("k"));
            assertNull(store.get("b"));
            store.reclaim();
            assertEquals(Set.of("far"), store.keys());
        }
    }
}
