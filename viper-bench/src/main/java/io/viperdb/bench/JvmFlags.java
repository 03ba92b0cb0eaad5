package io.viperdb.bench;

import io.viperdb.bench.store.Directories;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The flags of every JVM that measures a store: the JMH forks and the harness children. The same list is the
 * {@code bench.peer-flags} property in {@code viper-bench/pom.xml}, which the module's tests run with;
 * {@code JvmFlagsTest} checks that the two agree.
 */
public final class JvmFlags {

    /**
     * What the peers need on JDK 17. Chronicle Map reaches into the JDK and publishes this list of opens and exports
     * for Java 17 ("Chronicle support for Java 17"); {@code chronicle.analytics.disable} keeps it from contacting
     * its analytics service (there is no network here, and a benchmark must not phone home).
     */
    public static final List<String> PEERS = List.of(
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "-Dchronicle.analytics.disable=true");

    /**
     * A fixed heap, the same for every store; fixed so that heap growth does not show up as noise in any measurement.
     * ViperDB's index of a million keys and the benchmark's own key arrays need about 300 MiB; 4 GiB is for MapDB,
     * whose {@code compact()} builds the compacted store in a byte array volume on the heap (a million 1 KiB values
     * ran out of a 2 GiB heap).
     */
    public static final List<String> HEAP = List.of("-Xms4g", "-Xmx4g");

    /**
     * The JMH forks' heap in quick mode: a quick run's stores are small, and pre-touching ({@link #PRE_TOUCH}) a 4 GiB
     * heap took 11 s a fork on the 2-core machine, which thirty forks cannot afford in five minutes.
     */
    public static final List<String> QUICK_HEAP = List.of("-Xms1g", "-Xmx1g");

    /**
     * Added to the JMH forks, which measure rates over many seconds: the whole heap is touched before the benchmark
     * starts. Without it each heap page is first touched while a store is being measured, which on a virtual machine
     * whose host backs a guest page only when it is first touched costs microseconds a page; and G1 moved its young
     * regions into untouched memory some ten seconds into a trial, so a store that allocates on every read slowed by
     * half in mid-trial (ViperDB's uniform reads of 100-byte values went from 800 k/s to 360 k/s while the fork's
     * minor page faults went from none to 19,000 a second). The harness children measure one-off times and resident
     * memory, so they do not pre-touch: it would hide what opening a store adds to the resident memory.
     */
    public static final String PRE_TOUCH = "-XX:+AlwaysPreTouch";

    private JvmFlags() {
    }

    /** The flags of a JVM that measures stores whose files go under {@code dataDirectory}. */
    public static List<String> forMeasuringJvms(Path dataDirectory) {
        return flags(HEAP, dataDirectory);
    }

    /** The flags of the JMH forks: those of {@link #forMeasuringJvms}, pre-touched, with a smaller heap if quick. */
    public static List<String> forJmh(Path dataDirectory, boolean quick) {
        List<String> flags = flags(quick ? QUICK_HEAP : HEAP, dataDirectory);
        flags.add(PRE_TOUCH);
        return flags;
    }

    private static List<String> flags(List<String> heap, Path dataDirectory) {
        List<String> flags = new ArrayList<>(heap);
        flags.addAll(PEERS);
        flags.add("-Djava.awt.headless=true");
        flags.add("-D" + Directories.PROPERTY + "=" + dataDirectory.toAbsolutePath());
        return flags;
    }
}
