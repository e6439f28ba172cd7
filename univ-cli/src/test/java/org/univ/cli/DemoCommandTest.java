package org.univ.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
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
        JsonNode loss = lossSection(run);
        assertEquals("feature", loss.path("rgb").asText(), "the demo's recipe");
        assertEquals(8.0, loss.path("colocated").asDouble());
        assertEquals(0.1, loss.path("alpha").asDouble());
        assertEquals(4.0, loss.path("beta").asDouble());
    }

    @Test
    void paperRecipeRunsThePapersObjective(@TempDir Path dir) throws Exception {
        Console.Result r = CliRunner.run("demo", "--out", dir.toString(), "--pairs", "16", "--teacher-steps", "2",
                "--pretrain-steps", "2", "--set", "batch=4", "--paper-recipe");
        assertEquals(0, r.exitCode(), r.err() + r.out());
        JsonNode loss = lossSection(dir.resolve("run"));
        assertEquals("pccl", loss.path("rgb").asText());
        assertEquals(0.0, loss.path("colocated").asDouble());
        assertEquals(1.0, loss.path("alpha").asDouble());
        assertEquals(1.0, loss.path("beta").asDouble());
        assertEquals(2, new ObjectMapper(new YAMLFactory()).readTree(dir.resolve("run/config.yaml").toFile())
                .path("steps").asInt(), "--pretrain-steps still wins over the recipe's 300");
    }

    private static JsonNode lossSection(Path run) throws Exception {
        return new ObjectMapper(new YAMLFactory()).readTree(run.resolve("config.yaml").toFile()).path("loss");
    }
}
