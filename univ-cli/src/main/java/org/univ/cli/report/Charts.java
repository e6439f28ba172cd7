package org.univ.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG charts for runs (XChart, headless). */
public final class Charts {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Charts() {}

    /** Loss curves (total, IR PCCL, RGB term) from a run's {@code metrics.jsonl}. */
    public static void lossCurves(Path metricsJsonl, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Double> steps = new ArrayList<>();
        List<Double> total = new ArrayList<>();
        List<Double> ir = new ArrayList<>();
        List<Double> rgb = new ArrayList<>();
        for (String line : Files.readAllLines(metricsJsonl)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n = JSON.readTree(line);
            steps.add(n.path("step").asDouble());
            total.add(n.path("loss").asDouble());
            ir.add(n.path("loss_ir").asDouble());
            rgb.add(n.path("loss_rgb").asDouble());
        }
        if (steps.isEmpty()) {
            throw new IOException(metricsJsonl + " has no metrics yet");
        }
        XYChart chart = new XYChartBuilder().width(900).height(480).title("UNIV pre-training loss")
                .xAxisTitle("step").yAxisTitle("loss").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setMarkerSize(0);
        addLine(chart, "total", steps, smooth(total));
        addLine(chart, "IR PCCL", steps, smooth(ir));
        addLine(chart, "RGB term", steps, smooth(rgb));
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
