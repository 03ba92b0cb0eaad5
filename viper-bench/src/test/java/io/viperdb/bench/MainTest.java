package io.viperdb.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.viperdb.bench.lifecycle.LifecycleResult;
import io.viperdb.bench.report.Machine;
import io.viperdb.bench.report.Results;
import io.viperdb.bench.report.Throughput;
import io.viperdb.bench.report.Workloads;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void namesEveryFigureThatARunDidNotProduce() {
        List<Throughput> throughput = new ArrayList<>();
        for (Workloads workload : Workloads.ALL) {
            if (workload != Workloads.OVERWRITE) {
                throughput.add(new Throughput(workload, "viper", 100, 1, Double.NaN));
            }
        }
        LifecycleResult failed = new LifecycleResult("viper", 100);
        failed.fail("boom");
        Results results = new Results(Settings.quick(List.of("viper")), new Machine("cpu", 2, 1, "os", "jdk", "fs"),
                List.of(), Map.of(), Map.of(), throughput, List.of(failed), Instant.now(), Duration.ZERO, "");

        assertEquals(List.of("viper/100/overwrite", "viper/100/lifecycle", "viper/100/reopen at 1000000 keys"),
                Main.missing(results));
    }

    @Test
    void aStoreThatDidNotRecoverFromTheKillIsAFindingNotAMissingFigure() {
        List<Throughput> throughput = new ArrayList<>();
        for (Workloads workload : Workloads.ALL) {
            throughput.add(new Throughput(workload, "viper", 100, 1, Double.NaN));
        }
        LifecycleResult notRecovered = new LifecycleResult("viper", 100);
        notRecovered.failAfterKill("opening after the kill threw boom");
        notRecovered.put(LifecycleResult.LARGE_REOPEN_MILLIS, 1);
        Results results = new Results(Settings.quick(List.of("viper")), new Machine("cpu", 2, 1, "os", "jdk", "fs"),
                List.of(), Map.of(), Map.of(), throughput, List.of(notRecovered), Instant.now(), Duration.ZERO, "");

        assertEquals(List.of(), Main.missing(results));
    }

    @Test
    void aRunWithoutTheSecondKeyCountDoesNotMissIt() {
        List<Throughput> throughput = new ArrayList<>();
        for (Workloads workload : Workloads.ALL) {
            throughput.add(new Throughput(workload, "viper", 100, 1, Double.NaN));
        }
        Results results = new Results(Settings.quick(List.of("viper")).withReopenKeyCount(0),
                new Machine("cpu", 2, 1, "os", "jdk", "fs"), List.of(), Map.of(), Map.of(), throughput,
                List.of(new LifecycleResult("viper", 100)), Instant.now(), Duration.ZERO, "");

        assertEquals(List.of(), Main.missing(results));
    }
}
