package io.viperdb.bench.report;

/**
 * One throughput figure.
 *
 * @param workload what was measured
 * @param store the store's short name
 * @param valueSize the value size in bytes
 * @param opsPerSecond operations per second (puts for the fill)
 * @param error the half-width of JMH's 99.9% confidence interval in the same unit, or NaN when there were too few
 *     iterations to give one
 */
public record Throughput(Workloads workload, String store, int valueSize, double opsPerSecond, double error) {
}
