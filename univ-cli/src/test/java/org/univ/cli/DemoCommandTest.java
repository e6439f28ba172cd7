package org.univ.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.Console;

/** The demo end to end at toy scale: generated data, teacher, pre-training, evaluation, pictures, report. */
class DemoCommandTest {
    @Test
    void demoRunsEndToEndAndWritesItsReport(@TempDir Path dir) throws Exception {
        Console.Result r = CliRunner.run("demo", "--out", dir.toString(), "--pairs", "24", "--teacher-steps", "6",
                "--pretrain-steps", "4", "--set", "batch=4");
        assertEquals(0, r.exitCode(), r.err() + r.out());
        assertTrue(r.out().contains("positives-mAP"), r.out());
        assertTrue(r.out().contains("IR (the RGB-trained head)"), r.out());
        Path run = dir.resolve("run");
        for (String f : new String[] {"teacher.safetensors", "student.safetensors", "metrics.jsonl", "teacher_metrics.jsonl",
            "results.json", "report.html", "figures/captions.json"}) {
            assertTrue(Files.exists(run.resolve(f)), f + " missing");
        }
        JsonNode results = new ObjectMapper().readTree(run.resolve("results.json").toFile());
        assertEquals(4, results.path("verdicts").size());
        assertTrue(results.path("probe").path("student").has("ir_with_rgb_head"));
        try (var figures = Files.list(run.resolve("figures"))) {
            assertTrue(figures.filter(p -> p.toString().endsWith(".png")).count() >= 7, "attention + probe overlays");
        }
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.contains("data:image/png;base64,"), "pictures embedded");
        assertEquals(24, Files.readAllLines(dir.resolve("data/train.txt")).size() + Files.readAllLines(dir.resolve("data/val.txt")).size());
    }
}
