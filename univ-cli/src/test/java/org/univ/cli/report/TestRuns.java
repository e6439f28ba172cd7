package org.univ.cli.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.univ.downstream.Modality;
import org.univ.downstream.TransferStudy;
import org.univ.downstream.TransferTask;

/** Generated run folders for report tests. */
public final class TestRuns {
    /** A colour that only the first test figure contains (to find it in a screenshot). */
    public static final int MARKER = 0x12EFD3;

    private TestRuns() {}

    /**
     * A run folder with everything a report shows: results.json (title with markup, verdicts, flat, nested and
     * three-level tables, a list), summary.json, metrics.jsonl, teacher_metrics.jsonl, two figures (one in a
     * subfolder) with captions.json, a broken "PNG" and config.yaml with markup.
     */
    public static Path demo(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("figures/seg"));
        Files.writeString(dir.resolve("results.json"), """
                {"title": "Demo <run> & co",
                 "summary": "Tiny generated run for the report tests.",
                 "verdicts": [
                   {"claim": "student-on-IR beats teacher-on-IR on positives-mAP", "met": true, "detail": "0.41 vs 0.22"},
                   {"claim": "RGB segmentation preserved", "met": false, "detail": "mIoU drop 3.1 > 1.0"},
                   {"claim": "detection not run yet"}],
                 "pairs": 79, "size": 224, "lr": 0.0001,
                 "alignment": {
                   "teacher-on-IR": {"pccl": 0.693147, "positives_map": 0.2231, "top1": 0.05},
                   "student-on-IR": {"pccl": 0.41234, "positives_map": 0.41, "top1": 0.3125, "tiny": 1.5e-7}},
                 "probe": {
                   "teacher": {"rgb": {"mIoU": 41.2345, "aAcc": 88.1}, "ir": {"mIoU": 30.5, "aAcc": 80}},
                   "student": {"rgb": {"mIoU": 40.9, "aAcc": 87.95}, "ir": {"mIoU": 35.77, "aAcc": 84.2}}},
                 "classes": ["person", "car"],
                 "mixed": {"note": "<b>not bold</b>", "inner": {"a": 1, "b": 2.5}}}
                """);
        Files.writeString(dir.resolve("summary.json"), """
                {"steps": 40, "wall_seconds": 12.5, "student": "student.safetensors"}
                """);
        StringBuilder metrics = new StringBuilder();
        StringBuilder teacher = new StringBuilder();
        for (int step = 1; step <= 40; step++) {
            double ir = 0.7 * Math.exp(-step / 15.0) + 0.05;
            double rgb = 0.02 + 0.01 * Math.sin(step);
            metrics.append(String.format(Locale.ROOT,
                    "{\"step\":%d,\"loss\":%.6f,\"loss_ir\":%.6f,\"loss_rgb\":%.6f,\"lr\":0.0001,\"wd\":0.05}%n",
                    step, ir + rgb, ir, rgb));
            if (step <= 20) {
                teacher.append(String.format(Locale.ROOT, "{\"step\":%d,\"loss\":%.6f}%n", step, 2.3 / step));
            }
        }
        Files.writeString(dir.resolve("metrics.jsonl"), metrics);
        Files.writeString(dir.resolve("teacher_metrics.jsonl"), teacher);
        writeBlocks(dir.resolve("figures/attention_pair_01.png"), 160, 90, MARKER, 0xE0508A);
        writeBlocks(dir.resolve("figures/seg/overlay-val.png"), 120, 80, 0x3060C0, 0xF0C020);
        Files.writeString(dir.resolve("figures/captions.json"), """
                {"attention_pair_01.png": "Figure 1 <style> pair 01"}
                """);
        Files.writeString(dir.resolve("figures/broken.png"), "not a png");
        Files.writeString(dir.resolve("figures/notes.txt"), "ignored");
        Files.writeString(dir.resolve("config.yaml"), """
                teacher: models/deit_tiny_patch16_224.safetensors
                steps: 40
                note: "</pre><script>alert(1)</script>"
                """);
        return dir;
    }

    /**
     * A {@code univ transfer} output folder as the command writes it: {@code transfer.json} (the settings and
     * {@link TransferStudy.Outcome#toMap} of fixed AP50 / mAP values, 2 seeds, IR and RGB), {@code det_config.yaml}
     * and the four pictures it names ({@code det_teacher_ir.png} holds the {@link #MARKER} colour).
     */
    public static Path transfer(Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Map<Modality, TransferTask.Result>> results = new LinkedHashMap<>();
        int colour = 0;
        for (String who : List.of(TransferStudy.TEACHER, TransferStudy.STUDENT)) {
            Map<Modality, TransferTask.Result> byModality = new LinkedHashMap<>();
            for (Modality m : List.of(Modality.IR, Modality.RGB)) {
                double base = (who.equals(TransferStudy.TEACHER) ? 0.10 : 0.12) + (m == Modality.RGB ? 0.05 : 0);
                Path png = dir.resolve("det_" + who + "_" + m.key() + ".png");
                writeBlocks(png, 96, 72, colour++ == 0 ? MARKER : 0x203040 + colour, 0xC0C0C0);
                byModality.put(m, new TransferTask.Result(List.of(Map.of("AP50", base, "mAP", base / 3),
                        Map.of("AP50", base + 0.02, "mAP", base / 3 + 0.01)), List.of(png)));
            }
            results.put(who, byModality);
        }
        TransferStudy.Outcome outcome = new TransferStudy.Outcome("det", List.of("AP50", "mAP"), List.of(0L, 1L), results);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("teacher", "deit_tiny_patch16_224.safetensors");
        doc.put("student", "runs/pretrain-shared/student.safetensors");
        doc.put("data", "../shared/data/msrs");
        doc.put("train", "train.txt");
        doc.put("val", "val.txt");
        doc.put("protocol", "freeze");
        doc.put("size", "448x336");
        doc.put("config", "det_config.yaml");
        doc.put("wall_seconds", 12.5);
        doc.putAll(outcome.toMap(dir));
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(dir.resolve("transfer.json").toFile(), doc);
        Files.writeString(dir.resolve("det_config.yaml"), "iterations: 400\nlr: 0.002\n");
        return dir;
    }

    /** A PNG: left half one colour, right half another. */
    static void writeBlocks(Path png, int w, int h, int left, int right) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(left));
        g.fillRect(0, 0, w / 2, h);
        g.setColor(new Color(right));
        g.fillRect(w / 2, 0, w - w / 2, h);
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }
}
