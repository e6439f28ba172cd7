package org.univ.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.Console;
import org.univ.TestModels;
import org.univ.io.SafeTensors;
import org.univ.data.synth.SceneGenerator;

class SegCommandTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path backbone;

    @BeforeAll
    static void prepare() {
        data = SceneGenerator.builder().optSize(64, 48).optSeed(1).optValFraction(0.4).build().write(dir.resolve("synth"), 5).dir();
        backbone = TestModels.saveTinyVit(dir.resolve("backbone.safetensors"), 3);
    }

    private static Console.Result run(String... args) {
        return CliRunner.run(new SegCommand(), args);
    }

    @Test
    void trainEvalPredict() throws Exception {
        Path out = dir.resolve("run");
        Console.Result train = run("train", "--backbone", backbone.toString(), "--modality", "ir", "--data", data + ":train.txt",
                "--size", "64x48", "--crop", "32x32", "--iterations", "3", "--batch", "2", "--channels", "8", "--seed", "1",
                "--out", out.toString(), "--no-progress");
        assertEquals(0, train.exitCode(), train.err());
        assertTrue(train.out().contains("trained in"), train.out());
        Path head = out.resolve("seg-head.safetensors");
        assertTrue(Files.isRegularFile(head));
        assertEquals(3, Files.readAllLines(out.resolve("metrics.jsonl")).size());

        Console.Result eval = run("eval", "--backbone", backbone.toString(), "--head", head.toString(), "--data", data + ":val.txt",
                "--json");
        assertEquals(0, eval.exitCode(), eval.err());
        JsonNode json = new ObjectMapper().readTree(eval.out());
        assertEquals("ir", json.get("modality").asText());
        assertEquals(6, json.get("per_class").size());
        assertEquals("sky", json.get("per_class").get(0).get("class").asText());
        double aAcc = json.get("aAcc").asDouble();
        assertTrue(aAcc >= 0 && aAcc <= 1);

        Console.Result table = run("eval", "--backbone", backbone.toString(), "--head", head.toString(), "--data", data + ":val.txt",
                "--mode", "whole", "--no-progress");
        assertEquals(0, table.exitCode(), table.err());
        assertTrue(table.out().contains("| person") && table.out().contains("mIoU") && table.out().contains("whole image"),
                table.out());

        Path predictions = dir.resolve("pred");
        Console.Result predict = run("predict", "--backbone", backbone.toString(), "--head", head.toString(), "--images",
                data.resolve("ir").toString(), "--out", predictions.toString(), "--no-progress");
        assertEquals(0, predict.exitCode(), predict.err());
        try (var files = Files.list(predictions.resolve("masks"))) {
            assertEquals(5, files.count());
        }
        String id = Files.readAllLines(data.resolve("val.txt")).get(0);
        BufferedImage mask = ImageIO.read(predictions.resolve("masks/" + id + ".png").toFile());
        assertEquals(64, mask.getWidth());
        assertEquals(48, mask.getHeight());
        int[] v = mask.getRaster().getSamples(0, 0, 64, 48, 0, (int[]) null);
        assertTrue(java.util.Arrays.stream(v).allMatch(c -> c >= 0 && c < 6));
        BufferedImage overlay = ImageIO.read(predictions.resolve("overlays/" + id + ".png").toFile());
        assertEquals(64, overlay.getWidth());
    }

    @Test
    void fineTuningWritesLoraFactors() throws Exception {
        Path out = dir.resolve("ft");
        Console.Result train = run("train", "--backbone", backbone.toString(), "--modality", "rgb", "--data", data + ":train.txt",
                "--size", "64x48", "--finetune", "--iterations", "2", "--batch", "2", "--channels", "8", "--out",
                out.toString(), "--no-progress");
        assertEquals(0, train.exitCode(), train.err());
        SafeTensors.Header header = SafeTensors.readHeader(out.resolve("seg-head.safetensors"));
        assertEquals("finetune", header.metadata().get("protocol"));
        assertTrue(header.tensors().stream().anyMatch(t -> t.name().equals("backbone.blocks.0.attn.qkv.lora_A")));
        assertNotEquals(0, run("train", "--backbone", backbone.toString(), "--data", data.toString(), "--size", "64x48",
                "--freeze", "--finetune", "--out", out.toString()).exitCode());
    }

    @Test
    void badInputNamesTheFile() throws Exception {
        Path root = dir.resolve("bad");
        Files.createDirectories(root.resolve("ir"));
        Files.createDirectories(root.resolve("mask"));
        Files.copy(data.resolve("ir").resolve(Files.readAllLines(data.resolve("train.txt")).get(0) + ".png"),
                root.resolve("ir/x.png"));
        Console.Result missing = run("train", "--backbone", backbone.toString(), "--data", root.toString(), "--classes", "a,b",
                "--size", "64x48", "--out", dir.resolve("o").toString());
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("missing mask") && missing.err().contains("x.png"), missing.err());
        Console.Result size = run("train", "--backbone", backbone.toString(), "--data", data.toString(), "--size", "64by48",
                "--out", dir.resolve("o").toString());
        assertEquals(1, size.exitCode());
        assertTrue(size.err().contains("--size '64by48'") && size.err().contains("WIDTHxHEIGHT"), size.err());
    }

    @Test
    void benchSegRunsOnATinyModel() throws Exception {
        Console.Result r = CliRunner.run(new BenchCommand(), "seg", "--weights", backbone.toString(), "--data",
                data.toString(), "--inference-size", "64x48", "--inference-batch", "2", "--size", "64x48", "--batch", "2",
                "--channels", "8", "--steps", "2", "--warmup", "1", "--json");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        JsonNode j = new ObjectMapper().readTree(r.out().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
        assertEquals("64x48", j.get("inference_size").asText());
        for (String k : new String[] {"inference_images_per_s", "cached_steps_per_s"}) {
            assertTrue(j.get(k).asDouble() > 0, k);
        }
        Console.Result noWarmup = CliRunner.run(new BenchCommand(), "seg", "--weights", backbone.toString(), "--data",
                data.toString(), "--warmup", "0");
        assertNotEquals(0, noWarmup.exitCode());
        assertTrue(noWarmup.err().contains("warmup >= 1"), noWarmup.err());
    }
}
