package org.univ.cli.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG charts for runs (XChart, headless). */
public final class Charts {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The pre-training losses, plotted first in this order. */
    private static final List<String> KNOWN = List.of("loss", "loss_ir", "loss_rgb");
    /** Their legend names. */
    private static final Map<String, String> LABELS = Map.of("loss", "total", "loss_ir", "IR PCCL", "loss_rgb", "RGB term");

    private Charts() {}

    /** Loss curves (total, IR PCCL, RGB term) from a run's {@code metrics.jsonl}. */
    public static void lossCurves(Path metricsJsonl, Path png) throws IOException {
        lossCurves(metricsJsonl, png, "UNIV pre-training loss");
    }

    /**
     * Smoothed curves, on a log axis over {@code step}, of every loss field in a JSON-lines metrics file: {@code loss}
     * as "total", {@code loss_ir} as "IR PCCL", {@code loss_rgb} as "RGB term", any other {@code loss…} field under
     * its own name (so a teacher fine-tuning log with only {@code loss} works too). A line without {@code step} counts
     * as step = its index.
     */
    public static void lossCurves(Path metricsJsonl, Path png, String title) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Map<String, List<Double>> steps = new LinkedHashMap<>();
        Map<String, List<Double>> values = new LinkedHashMap<>();
        for (String known : KNOWN) {
            steps.put(known, new ArrayList<>());
            values.put(known, new ArrayList<>());
        }
        List<String> lines = Files.readAllLines(metricsJsonl);
        int index = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            JsonNode n;
            try {
                n = JSON.readTree(lines.get(i));
            } catch (JsonProcessingException e) {
                throw new IOException(metricsJsonl + " line " + (i + 1) + " is not JSON: " + e.getOriginalMessage(), e);
            }
            if (!n.isObject()) {
                throw new IOException(metricsJsonl + " line " + (i + 1) + " is not a JSON object");
            }
            double step = n.path("step").asDouble(index++);
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getKey().startsWith("loss") && f.getValue().isNumber()) {
                    steps.computeIfAbsent(f.getKey(), k -> new ArrayList<>()).add(step);
                    values.computeIfAbsent(f.getKey(), k -> new ArrayList<>()).add(f.getValue().asDouble());
                }
            }
        }
        if (index == 0) {
            throw new IOException(metricsJsonl + " has no metrics yet");
        }
        XYChart chart = new XYChartBuilder().width(900).height(480).title(title)
                .xAxisTitle("step").yAxisTitle("loss").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setMarkerSize(0);
        values.values().removeIf(List::isEmpty);
        for (Map.Entry<String, List<Double>> series : values.entrySet()) {
            // a lone "loss" is just the loss, not the total of parts
            String label = values.size() == 1 ? series.getKey() : LABELS.getOrDefault(series.getKey(), series.getKey());
            addLine(chart, label, steps.get(series.getKey()), smooth(series.getValue()));
        }
        if (chart.getSeriesMap().isEmpty()) {
            throw new IOException(metricsJsonl + " has no numeric loss fields (loss, loss_ir, loss_rgb, loss_…)");
        }
        Files.createDirectories(png.toAbsolutePath().getParent());
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void addLine(XYChart chart, String name, List<Double> x, List<Double> y) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
    }

    /** Exponential moving average (0.9) so a noisy per-step loss stays readable; positive for the log axis. */
    static List<Double> smooth(List<Double> v) {
        List<Double> out = new ArrayList<>(v.size());
        double ema = Double.NaN;
        for (double x : v) {
            ema = Double.isNaN(ema) ? x : 0.9 * ema + 0.1 * x;
            out.add(Math.max(ema, 1e-12));
        }
        return out;
    }
}
