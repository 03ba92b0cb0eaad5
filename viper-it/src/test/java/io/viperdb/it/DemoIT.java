package io.viperdb.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo that the README's first command runs works on the module path and says what happened. */
class DemoIT {

    @Test
    void theDemoWritesReadsReopensExpiresAndReclaims() {
        JavaProcess.Result result = JavaProcess.finish(JavaProcess.startModule("io.viperdb.it.Demo", "20000"), 120);
        assertEquals(0, result.exitCode(), result.output());
        for (String expected : List.of("ViperDB demo: 20,000 keys", "opened a new store (codec json)",
                "wrote 20,000 keys", "read back and checked 20,000 keys", "the session has expired:  null",
                "closed and reopened: 10,001 live keys", "reclaim: ", "reopened after reclaim: 10,001 live keys",
                "00000", "viper.manifest", "done; deleted")) {
            assertTrue(result.output().contains(expected), "'" + expected + "' in:\n" + result.output());
        }
    }
}
