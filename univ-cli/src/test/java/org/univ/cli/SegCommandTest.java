package org.univ.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.TestModels;
import org.univ.io.SafeTensors;
import org.univ.data.synth.SceneGenerator;
import org.univ.model.VisionTransformer;
import org.univ.model.Weights;
import picocli.CommandLine;

class SegCommandTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path backbone;

    @BeforeAll
    static void prepare() {
        data = SceneGenerator.builder().optSize(64, 48).optSeed(1).optValFraction(0.4).build().write(dir.resolve("synth"), 5).dir();
        backbone = dir.resolve("backbone.safetensors");
        try (NDManager m = NDManager.newBaseManager(); VisionTransformer vit = new VisionTransformer(TestModels.tinyVit(), m)) {
            vit.module().initialize(3);
            Weights.save(vit, backbone, Map.of());
        }
    }

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new SegCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("error: " + ex.getMessage());
            return 1;
        });
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void trainEvalPredict() throws Exception {
        Path out = dir.resolve("run");
        Run train = run("train", "--backbone", backbone.toString(), "--modality", "ir", "--data", data + ":train.txt",
                "--size", "64x48", "--crop", "32x32", "--iterations", "3", "--batch", "2", "--channels", "8", "--seed", "1",
                "--out", out.toString(), "--no-progress");
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().contains("trained in"), train.out());
        Path head = out.resolve("seg-head.safetensors");
        assertTrue(Files.isRegularFile(head));
        assertEquals(3, Files.readAllLines(out.resolve("metrics.jsonl")).size());

        Run eval = run("eval", "--backbone", backbone.toString(), "--head", head.toString(), "--data", data + ":val.txt",
                "--json");
        assertEquals(0, eval.code(), eval.err());
        JsonNode json = new ObjectMapper().readTree(eval.out());
        assertEquals("ir", json.get("modality").asText());
        assertEquals(6, json.get("per_class").size());
        assertEquals("sky", json.get("per_class").get(0).get("class").asText());
        double aAcc = json.get("aAcc").asDouble();
        assertTrue(aAcc >= 0 && aAcc <= 1);

        Run table = run("eval", "--backbone", backbone.toString(), "--head", head.toString(), "--data", data + ":val.txt",
                "--mode", "whole", "--no-progress");
        assertEquals(0, table.code(), table.err());
        assertTrue(table.out().contains("| person") && table.out().contains("mIoU") && table.out().contains("whole image"),
                table.out());

        Path predictions = dir.resolve("pred");
        Run predict = run("predict", "--backbone", backbone.toString(), "--head", head.toString(), "--images",
                data.resolve("ir").toString(), "--out", predictions.toString(), "--no-progress");
        assertEquals(0, predict.code(), predict.err());
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
        Run train = run("train", "--backbone", backbone.toString(), "--modality", "rgb", "--data", data + ":train.txt",
                "--size", "64x48", "--finetune", "--iterations", "2", "--batch", "2", "--channels", "8", "--out",
                out.toString(), "--no-progress");
        assertEquals(0, train.code(), train.err());
        SafeTensors.Header header = SafeTensors.readHeader(out.resolve("seg-head.safetensors"));
        assertEquals("finetune", header.metadata().get("protocol"));
        assertTrue(header.tensors().stream().anyMatch(t -> t.name().equals("backbone.blocks.0.attn.qkv.lora_A")));
        assertNotEquals(0, run("train", "--backbone", backbone.toString(), "--data", data.toString(), "--size", "64x48",
                "--freeze", "--finetune", "--out", out.toString()).code());
    }

    @Test
    void badInputNamesTheFile() throws Exception {
        Path root = dir.resolve("bad");
        Files.createDirectories(root.resolve("ir"));
        Files.createDirectories(root.resolve("mask"));
        Files.copy(data.resolve("ir").resolve(Files.readAllLines(data.resolve("train.txt")).get(0) + ".png"),
                root.resolve("ir/x.png"));
        Run missing = run("train", "--backbone", backbone.toString(), "--data", root.toString(), "--classes", "a,b",
                "--size", "64x48", "--out", dir.resolve("o").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("missing mask") && missing.err().contains("x.png"), missing.err());
        Run size = run("train", "--backbone", backbone.toString(), "--data", data.toString(), "--size", "64by48",
                "--out", dir.resolve("o").toString());
        assertEquals(1, size.code());
        assertTrue(size.err().contains("WxH"), size.err());
    }
}
