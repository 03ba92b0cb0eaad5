package io.viperdb.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The engine jar is a multi-release jar that maps files with {@code MappedByteBuffer} (released through
 * {@code sun.misc.Unsafe.invokeCleaner}) on JDK 17 to 21 and with the FFM API on JDK 22 and later: each JDK picks its
 * implementation from the same jar on the module path, releases the mappings of deleted and closed files at once,
 * and on JDK 22+ prints no {@code sun.misc.Unsafe} warning, with the codec modules on the module path too (the kryo
 * codecs ask Kryo not to use it).
 *
 * <p>The JDK 22+ run needs one: {@code -Dviper.jdk22=<home>} (which also builds the engine's JDK 22 classes; .ci/run
 * passes the newest JDK 22+ it finds under /usr/lib/jvm), or Maven itself on JDK 22+. Without one it is skipped, and
 * says why.
 */
class MappingIT {

    private static final String FFM = "MemorySegment of a shared Arena, released by closing the arena";
    private static final String UNSAFE = "MappedByteBuffer, released with sun.misc.Unsafe.invokeCleaner";

    @Test
    void theJdkRunningTheTestsUsesItsImplementation() {
        int feature = Runtime.version().feature();
        String output = runOn(Path.of(System.getProperty("java.home")), feature);
        assertTrue(output.contains("mappings: " + (feature >= 22 ? FFM : UNSAFE)), output);
    }

    @Test
    void jdk22OrLaterMapsWithTheFfmApiAndWarnsOfNoUnsafe() {
        Path home = jdk22();
        Assumptions.assumeTrue(home != null, () -> skipped("no JDK 22 or later given: pass -Dviper.jdk22=<JDK home>"
                + " (.ci/run does when one is installed under /usr/lib/jvm) or run Maven on JDK 22+"));
        assertTrue(engineJarHasJava22Classes(), "the engine jar has no META-INF/versions/22 although a JDK 22+ ("
                + home + ") was given to build them");
        int feature = featureOf(home);
        String output = runOn(home, feature);
        assertTrue(output.contains("mappings: " + FFM), output);
        assertFalse(output.contains("sun.misc.Unsafe"), "a sun.misc.Unsafe warning on JDK " + feature + ":\n" + output);
    }

    private static String skipped(String reason) {
        System.out.println("MappingIT: skipped the JDK 22+ run: " + reason);
        return reason;
    }

    /** Runs {@link MappingCheck} on the JDK at {@code home} and checks what every JDK must do; returns its output. */
    private static String runOn(Path home, int feature) {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/java").toString(), "-Xmx256m"));
        if (feature >= 23) {
            // Warn of every use of the memory-access methods of sun.misc.Unsafe (the default from JDK 24 on).
            command.add("--sun-misc-unsafe-memory-access=warn");
        }
        command.addAll(List.of("--add-exports", "io.viperdb.engine/io.viperdb.engine.io=io.viperdb.it",
                "--module-path", JavaProcess.modulePath(), "--module",
                "io.viperdb.it/io.viperdb.it.MappingCheck"));
        JavaProcess.Result result = JavaProcess.finish(JavaProcess.start(command), 120);
        System.out.println("MappingCheck on JDK " + feature + " (" + home + "):\n" + result.output());
        assertEquals(0, result.exitCode(), result.output());
        assertFalse(result.output().contains("deleted value logs: 0"), result.output());
        if (Files.isReadable(Path.of("/proc/self/maps"))) {
            assertTrue(result.output().contains("mappings of deleted files after reclaim: 0"), result.output());
            assertTrue(result.output().contains("mappings of store files after close: 0"), result.output());
        }
        return result.output();
    }

    /** The JDK 22+ to run on: the one given to the build, or the one running the tests if it is one. */
    private static Path jdk22() {
        String given = System.getProperty("viper.it.jdk22", "");
        if (!given.isBlank() && !given.startsWith("${")) {
            return Path.of(given);
        }
        return Runtime.version().feature() >= 22 ? Path.of(System.getProperty("java.home")) : null;
    }

    private static int featureOf(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    return Integer.parseInt(line.replaceAll("JAVA_VERSION=\"(\\d+).*", "$1"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no JAVA_VERSION in " + home.resolve("release"));
    }

    private static boolean engineJarHasJava22Classes() {
        Path engine = JavaProcess.runtimeJars().stream()
                .filter(p -> p.getFileName().toString().startsWith("viper-engine")).findFirst().orElseThrow();
        try (JarFile jar = new JarFile(engine.toFile())) {
            return "true".equals(jar.getManifest().getMainAttributes().getValue("Multi-Release"))
                    && jar.getEntry("META-INF/versions/22/io/viperdb/engine/io/Mappings.class") != null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
