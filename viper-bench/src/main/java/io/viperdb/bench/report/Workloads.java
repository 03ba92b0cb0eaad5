package io.viperdb.bench.report;

import java.util.List;

/** The throughput rows of the report, in order, with the JMH benchmark each comes from. */
public enum Workloads {
    FILL("fill", "fill in key order", "fill"),
    READ_UNIFORM("readUniform", "read, uniform", "read uniform"),
    READ_ZIPFIAN("readZipfian", "read, Zipfian", "read Zipfian"),
    OVERWRITE("overwrite", "overwrite, uniform", "overwrite"),
    MIXED_READ("mixedRead", "mixed: reads (1 of 2 threads)", "mixed reads"),
    MIXED_WRITE("mixedWrite", "mixed: writes (1 of 2 threads)", "mixed writes");

    /** All of them, in report order. */
    public static final List<Workloads> ALL = List.of(values());

    private final String benchmark;
    private final String label;
    private final String shortLabel;

    Workloads(String benchmark, String label, String shortLabel) {
        this.benchmark = benchmark;
        this.label = label;
        this.shortLabel = shortLabel;
    }

    /** The JMH method (or, for the mixed group, the group's method) this row is measured by. */
    public String benchmark() {
        return benchmark;
    }

    /** The row label in the table. */
    public String label() {
        return label;
    }

    /** The category label in the chart. */
    public String shortLabel() {
        return shortLabel;
    }
}
