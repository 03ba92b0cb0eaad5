package io.viperdb.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;

class JvmFlagsTest {

    /**
     * The tests run with the {@code bench.peer-flags} of the pom, in which the adapter tests pass; the measuring JVMs
     * must get the same flags, or a store that works in the tests could fail in a run.
     */
    @Test
    void theMeasuringJvmsGetTheFlagsTheTestsRunWith() {
        List<String> testJvm = ManagementFactory.getRuntimeMXBean().getInputArguments();
        List<String> measuring = JvmFlags.forMeasuringJvms(Paths.get("data"));
        for (String flag : JvmFlags.PEERS) {
            assertTrue(testJvm.contains(flag), "the tests run without " + flag + ": " + testJvm);
            assertTrue(measuring.contains(flag), flag);
        }
        assertTrue(measuring.containsAll(JvmFlags.HEAP));
        assertTrue(measuring.contains("-Dchronicle.analytics.disable=true"));
    }

    /** JMH forks get the same flags, pre-touched; only a quick run's forks get the smaller heap. */
    @Test
    void jmhForksArePreTouchedAndAQuickRunsHaveTheSmallerHeap() {
        List<String> full = JvmFlags.forJmh(Paths.get("data"), false);
        List<String> quick = JvmFlags.forJmh(Paths.get("data"), true);
        assertTrue(full.containsAll(JvmFlags.forMeasuringJvms(Paths.get("data"))), full::toString);
        assertTrue(full.contains(JvmFlags.PRE_TOUCH) && quick.contains(JvmFlags.PRE_TOUCH));
        assertTrue(quick.containsAll(JvmFlags.QUICK_HEAP) && !quick.containsAll(JvmFlags.HEAP), quick::toString);
        assertTrue(quick.containsAll(JvmFlags.PEERS));
        assertFalse(JvmFlags.forMeasuringJvms(Paths.get("data")).contains(JvmFlags.PRE_TOUCH));
    }
}
