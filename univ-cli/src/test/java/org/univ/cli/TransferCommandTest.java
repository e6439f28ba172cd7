package org.univ.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.TestModels;
import org.univ.detect.DetectionScenes;
import org.univ.model.VisionTransformer;
import org.univ.model.Weights;
import picocli.CommandLine;

/** {@code univ transfer} on two tiny random backbones and generated scenes: one seed, a few steps, table + JSON. */
class TransferCommandTest {
    @TempDir
    Path dir;

    /** Two tiny ViTs with different random weights, saved as safetensors. */
    static Path[] tinyBackbones(Path dir) {
        Path[] files = {dir.resolve("teacher.safetensors"), dir.resolve("student.safetensors")};
        try (NDManager m = NDManager.newBaseManager()) {
            for (int i = 0; i < 2; i++) {
                try (VisionTransformer vit = new VisionTransformer(TestModels.tinyVit(), m)) {
                    vit.initialize(11 + i);
                    Weights.save(vit, files[i], Map.of());
                }
            }
        }
        return files;
    }

    /** 12 generated images 64×48: train ids img000–img007, val img008–img011. */
    static Path scenes(Path dir) throws Exception {
        Path data = dir.resolve("data");
        DetectionScenes.write(data, 12, 64, 48, 5);
        Files.writeString(data.resolve("train.txt"), "img000\nimg001\nimg002\nimg003\nimg004\nimg005\nimg006\nimg007\n");
        Files.writeString(data.resolve("val.txt"), "img008\nimg009\nimg010\nimg011\n");
        return data;
    }

    record Run(int code, String out) {}

    static Run run(Object command, String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            int code = new CommandLine(command).execute(args);
            return new Run(code, bytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void writesTheTableTheJsonAndPictures() throws Exception {
        Path[] backbones = tinyBackbones(dir);
        Path data = scenes(dir);
        Path out = dir.resolve("out");
        Run r = run(new TransferCommand(), "--teacher", backbones[0].toString(), "--student", backbones[1].toString(),
                "--data", data.toString(), "--train", "train.txt", "--val", "val.txt", "--size", "64x48", "--seeds", "1",
                "--freeze", "--set", "iterations=4", "--set", "batch=4", "--set", "channels=16", "--out", out.toString(),
                "--no-progress");
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("UNIV − teacher (paired)"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("ir ") && l.contains("AP50")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("rgb ") && l.contains("mAP")), r.out());
        JsonNode j = new ObjectMapper().readTree(out.resolve("transfer.json").toFile());
        assertEquals("freeze", j.get("protocol").asText());
        for (String m : new String[] {"ir", "rgb"}) {
            JsonNode row = j.get("results").get(m).get("AP50");
            double t = row.get("teacher").get("mean").asDouble();
            double s = row.get("student").get("mean").asDouble();
            assertTrue(t >= 0 && t <= 1 && s >= 0 && s <= 1, row.toString());
            assertEquals(s - t, row.get("difference").get("mean").asDouble(), 1e-12);
            assertTrue(row.get("teacher").get("sd").isNull(), "one seed has no spread");
        }
        for (String picture : new String[] {"det_teacher_ir.png", "det_teacher_rgb.png", "det_student_ir.png",
                "det_student_rgb.png", "gt_ir.json", "dt_student_rgb_seed0.json"}) {
            assertTrue(Files.size(out.resolve(picture)) > 0, picture);
        }
    }

    @Test
    void teacherCacheReusesIdenticalRunsOnly() throws Exception {
        Path[] backbones = tinyBackbones(dir);
        Path data = scenes(dir);
        Path cache = dir.resolve("cache");
        String[] common = {"--teacher", backbones[0].toString(), "--student", backbones[1].toString(),
                "--data", data.toString(), "--train", "train.txt", "--val", "val.txt", "--size", "64x48", "--seeds", "1",
                "--modality", "ir", "--set", "iterations=3", "--set", "batch=4", "--set", "channels=16",
                "--teacher-cache", cache.toString(), "--no-progress", "--out"};
        Run first = run(new TransferCommand(), concat(common, dir.resolve("a").toString()));
        assertEquals(0, first.code(), first.out());
        assertTrue(!first.out().contains("reused"), first.out());
        Run second = run(new TransferCommand(), concat(common, dir.resolve("b").toString()));
        assertEquals(0, second.code(), second.out());
        assertTrue(second.out().contains("det teacher ir: reused"), second.out());
        JsonNode a = new ObjectMapper().readTree(dir.resolve("a/transfer.json").toFile()).get("results");
        JsonNode b = new ObjectMapper().readTree(dir.resolve("b/transfer.json").toFile()).get("results");
        assertEquals(a, b, "a rerun of the student and the cached teacher give the same table");
        // another setting is another experiment: nothing is reused
        String[] changed = concat(common, dir.resolve("c").toString());
        changed[java.util.Arrays.asList(changed).indexOf("iterations=3")] = "iterations=2";
        Run third = run(new TransferCommand(), changed);
        assertEquals(0, third.code(), third.out());
        assertTrue(!third.out().contains("reused"), third.out());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void badArgumentsFailClearly() throws Exception {
        Path[] backbones = tinyBackbones(dir);
        Path data = scenes(dir);
        Run r = run(new TransferCommand(), "--teacher", backbones[0].toString(), "--student", backbones[1].toString(),
                "--data", data.toString(), "--train", "train.txt", "--val", "nope.txt", "--size", "64x48",
                "--out", dir.resolve("o").toString(), "--set", "iterations=1");
        assertNotEquals(0, r.code());
    }
}
