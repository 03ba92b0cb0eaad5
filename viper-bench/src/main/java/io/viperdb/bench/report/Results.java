package io.viperdb.bench.report;

import io.viperdb.bench.Settings;
import io.viperdb.bench.lifecycle.LifecycleResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Everything a run produced and what the report says about how it was made.
 *
 * @param settings what was run
 * @param machine where
 * @param jvmFlags the flags of the measuring JVMs
 * @param versions each store's library version, by short name
 * @param configurations each store's configuration in words, by short name
 * @param throughput the JMH figures
 * @param lifecycle the harness figures
 * @param started when the run started
 * @param elapsed how long it took
 * @param note a line to print at the top (for example "validation run on a busy machine"), or empty
 */
public record Results(Settings settings, Machine machine, List<String> jvmFlags, Map<String, String> versions,
        Map<String, String> configurations, List<Throughput> throughput, List<LifecycleResult> lifecycle,
        Instant started, Duration elapsed, String note) {

    /** The throughput of {@code store} for a workload and value size, if it was measured. */
    public Optional<Throughput> throughput(Workloads workload, String store, int valueSize) {
        return throughput.stream()
                .filter(t -> t.workload() == workload && t.store().equals(store) && t.valueSize() == valueSize)
                .findFirst();
    }

    /** The lifecycle figures of {@code store} for a value size, if they were measured. */
    public Optional<LifecycleResult> lifecycle(String store, int valueSize) {
        return lifecycle.stream().filter(l -> l.store().equals(store) && l.valueSize() == valueSize).findFirst();
    }

    /** One lifecycle figure, if it was measured. */
    public OptionalDouble lifecycle(String store, int valueSize, String name) {
        return lifecycle(store, valueSize).map(l -> l.get(name)).orElse(OptionalDouble.empty());
    }
}
