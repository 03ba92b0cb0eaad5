package io.viperdb.bench.report;

import io.viperdb.bench.lifecycle.LifecycleResult;
import io.viperdb.bench.store.Stores;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.Styler.LegendPosition;

/**
 * Draws {@code docs/benchmarks.png} with XChart, headless: for each value size, a bar chart of the throughput of every
 * workload and store, and one of the disk space after fill, overwrite and compaction. A figure that is missing (a
 * failed measurement, or a store without compaction) is drawn as an empty bar; the tables say which.
 */
public final class Charts {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 420;
    /** One colour per store, in the order of {@link Stores#ALL}; ViperDB's stands out. */
    private static final Color[] COLORS = {
        new Color(0x1b7837), new Color(0x4575b4), new Color(0x91bfdb), new Color(0xfdae61), new Color(0xd73027),
        new Color(0x8c6bb1),
    };

    private Charts() {
    }

    /** Writes the PNG to {@code file}. */
    public static void write(Results results, Path file) throws IOException {
        List<CategoryChart> charts = new ArrayList<>();
        for (int valueSize : results.settings().valueSizes()) {
            charts.add(throughput(results, valueSize));
            charts.add(space(results, valueSize));
        }
        BitmapEncoder.saveBitmap(charts, results.settings().valueSizes().size(), 2, file.toString(),
                BitmapEncoder.BitmapFormat.PNG);
    }

    private static CategoryChart throughput(Results results, int valueSize) {
        CategoryChart chart = chart(String.format("Throughput, %,d keys, %d-byte values (higher is better)",
                results.settings().keyCount(), valueSize), "thousand operations per second", results);
        List<String> labels = new ArrayList<>();
        for (Workloads workload : Workloads.ALL) {
            labels.add(workload.shortLabel());
        }
        for (String store : results.settings().stores()) {
            List<Double> values = new ArrayList<>();
            for (Workloads workload : Workloads.ALL) {
                values.add(results.throughput(workload, store, valueSize).map(t -> t.opsPerSecond() / 1e3)
                        .orElse(0.0));
            }
            chart.addSeries(Stores.displayName(store), labels, values);
        }
        return chart;
    }

    private static CategoryChart space(Results results, int valueSize) {
        CategoryChart chart = chart(String.format("Disk space, %,d keys, %d-byte values (lower is better)",
                results.settings().keyCount(), valueSize), "MiB", results);
        List<String> labels = List.of("after fill", "after overwriting all", "after compaction");
        List<String> names = List.of(LifecycleResult.DISK_AFTER_FILL, LifecycleResult.DISK_AFTER_OVERWRITE,
                LifecycleResult.DISK_AFTER_COMPACT);
        for (String store : results.settings().stores()) {
            List<Double> values = new ArrayList<>();
            for (String name : names) {
                OptionalDouble bytes = results.lifecycle(store, valueSize, name);
                values.add(bytes.isPresent() ? bytes.getAsDouble() / (1 << 20) : 0.0);
            }
            chart.addSeries(Stores.displayName(store), labels, values);
        }
        return chart;
    }

    private static CategoryChart chart(String title, String yTitle, Results results) {
        // A quick run's chart says so itself, since it may be seen without the report around it.
        String fullTitle = results.settings().quick() ? title + " - QUICK MODE, NOT FOR QUOTING" : title;
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(fullTitle)
                .yAxisTitle(yTitle).build();
        Styler styler = chart.getStyler();
        styler.setLegendPosition(LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Horizontal);
        styler.setChartBackgroundColor(Color.WHITE);
        // Each store keeps its colour when only some stores were run.
        styler.setSeriesColors(results.settings().stores().stream()
                .map(store -> COLORS[Stores.ALL.indexOf(store) % COLORS.length]).toArray(Color[]::new));
        chart.getStyler().setPlotGridVerticalLinesVisible(false);
        chart.getStyler().setYAxisDecimalPattern("#,###");
        chart.getStyler().setAvailableSpaceFill(0.85);
        return chart;
    }
}
