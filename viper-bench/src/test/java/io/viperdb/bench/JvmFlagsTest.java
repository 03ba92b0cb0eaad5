package io.viperdb.bench;

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
}
