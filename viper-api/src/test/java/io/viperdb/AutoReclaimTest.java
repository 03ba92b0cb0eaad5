package io.viperdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The automatic reclaim policy: off by default, its settings checked, and when it calls for a reclaim. */
class AutoReclaimTest {

    @Test
    void isOffUnlessAskedFor() {
        assertEquals(AutoReclaim.off(), StoreOptions.defaults().autoReclaim());
        assertFalse(AutoReclaim.off().enabled());
        assertFalse(AutoReclaim.off().due(Long.MAX_VALUE, 0), "off never calls for a reclaim");
        assertThrows(IllegalStateException.class, () -> AutoReclaim.off().minDeadBytes(0));
    }

    @Test
    void refusesSettingsThatMeanNothing() {
        for (double fraction : new double[] {0, 1, -0.5, 1.5, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> AutoReclaim.whenDeadFractionExceeds(fraction),
                    "fraction " + fraction);
        }
        AutoReclaim half = AutoReclaim.whenDeadFractionExceeds(0.5);
        assertThrows(IllegalArgumentException.class, () -> half.minDeadBytes(-1));
        assertThrows(IllegalArgumentException.class, () -> half.minInterval(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> half.maxBytesPerSecond(0));
    }

    @Test
    void keepsItsSettings() {
        AutoReclaim policy = AutoReclaim.whenDeadFractionExceeds(0.4).minDeadBytes(1000)
                .minInterval(Duration.ofSeconds(3)).maxBytesPerSecond(1 << 20);
        assertEquals(0.4, policy.deadFraction());
        assertEquals(1000, policy.minDeadBytes());
        assertEquals(Duration.ofSeconds(3), policy.minInterval());
        assertEquals(1 << 20, policy.maxBytesPerSecond());
        assertEquals(policy, StoreOptions.builder().autoReclaim(policy).build().autoReclaim());
        AutoReclaim defaults = AutoReclaim.whenDeadFractionExceeds(0.4);
        assertEquals(AutoReclaim.DEFAULT_MIN_DEAD_BYTES, defaults.minDeadBytes());
        assertEquals(AutoReclaim.DEFAULT_MIN_INTERVAL, defaults.minInterval());
        assertEquals(Long.MAX_VALUE, defaults.maxBytesPerSecond());
    }

    @Test
    void isDueOnlyPastBothTheFractionAndTheFloor() {
        AutoReclaim policy = AutoReclaim.whenDeadFractionExceeds(0.5).minDeadBytes(100);
        assertFalse(policy.due(1000, 500), "exactly half dead is not more than half");
        assertTrue(policy.due(1000, 499));
        assertFalse(policy.due(99, 0), "all dead, but fewer dead bytes than the floor");
        assertTrue(policy.due(100, 0));
    }

    @Test
    void isDueExactlyWhenDeadBytesPassTheFractionAndReachTheFloor() {
        AutoReclaim policy = AutoReclaim.whenDeadFractionExceeds(0.25).minDeadBytes(4096);
        qt().forAll(longs().between(0, 1 << 16), longs().between(0, 1 << 16)).check((a, b) -> {
            long total = Math.max(a, b);
            long dead = total - Math.min(a, b);
            return policy.due(total, total - dead) == (dead >= 4096 && dead * 4 > total);
        });
    }
}
