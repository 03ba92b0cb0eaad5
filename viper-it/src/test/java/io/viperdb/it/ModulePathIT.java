package io.viperdb.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A client compiled against the API alone, launched with {@code java --module-path ... --module ...}: the engine and
 * the codecs, the shipped ones and the client's own, are found through ServiceLoader, and everything a user counts on
 * holds. Surefire's module-path mode is more lenient than this (it resolves every module and opens test packages),
 * so these checks run in real JVMs.
 */
class ModulePathIT {

    private static final List<String> CHECKS = List.of("module layer", "codecs found by ServiceLoader",
            "json by default", "json values round trip", "json refuses what it cannot give back",
            "kryo stores records and classes", "a codec of the user's module", "codec mismatch refused",
            "unknown codec refused", "one opener", "bad input", "expiry", "reclaim", "salvage");

    private static void assertAllPassed(JavaProcess.Result result) {
        for (String check : CHECKS) {
            assertTrue(result.output().contains("PASS " + check), "check '" + check + "':\n" + result.output());
        }
        assertTrue(result.output().contains("ALL PASSED"), result.output());
        assertEquals(0, result.exitCode(), result.output());
    }

    @Test
    void everyCheckPassesOnTheModulePath() {
        assertAllPassed(JavaProcess.finish(JavaProcess.startModule("io.viperdb.it.ClientChecks"), 120));
    }

    @Test
    void everyCheckPassesOnTheClassPathThroughMetaInfServices() {
        List<Path> classPath = new ArrayList<>(JavaProcess.runtimeJars());
        classPath.add(JavaProcess.itJar());
        JavaProcess.Result result = JavaProcess.finish(
                JavaProcess.startClassPath(JavaProcess.join(classPath), "io.viperdb.it.ClientChecks"), 120);
        assertTrue(result.output().contains("(running on the class path)"), result.output());
        assertAllPassed(result);
    }

    @Test
    void withoutTheEngineTheErrorSaysWhichModuleToAdd() {
        List<Path> modulePath = new ArrayList<>(JavaProcess.runtimeJars().stream()
                .filter(jar -> !jar.getFileName().toString().startsWith("viper-engine")).toList());
        modulePath.add(JavaProcess.itJar());
        JavaProcess.Result result = JavaProcess.finish(JavaProcess.startModuleOn(JavaProcess.join(modulePath),
                "io.viperdb.it.ClientChecks", "--no-engine"), 60);
        assertTrue(result.output().contains("PASS missing engine is named"), result.output());
        assertEquals(0, result.exitCode(), result.output());
    }
}
