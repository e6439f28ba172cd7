package org.univ.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.Console;
import org.univ.TestModels;
import org.univ.data.synth.SceneGenerator;
import org.univ.detect.DetectionScenes;

/** {@code univ transfer} (det and seg) on two tiny random backbones and generated scenes: a few steps, table + JSON. */
class TransferCommandTest {
    @TempDir
    Path dir;

    /** Two tiny ViTs with different random weights, saved as safetensors. */
    static Path[] tinyBackbones(Path dir) {
        return new Path[] {TestModels.saveTinyVit(dir.resolve("teacher.safetensors"), 11),
            TestModels.saveTinyVit(dir.resolve("student.safetensors"), 12)};
    }

    /** 12 generated images 64×48: train ids img000–img007, val img008–img011. */
    static Path scenes(Path dir) throws Exception {
        Path data = dir.resolve("data");
        DetectionScenes.write(data, 12, 64, 48, 5);
        Files.writeString(data.resolve("train.txt"), "img000\nimg001\nimg002\nimg003\nimg004\nimg005\nimg006\nimg007\n");
        Files.writeString(data.resolve("val.txt"), "img008\nimg009\nimg010\nimg011\n");
        return data;
    }

    @Test
    void writesTheTableTheJsonAndPictures() throws Exception {
        Path[] backbones = tinyBackbones(dir);
        Path data = scenes(dir);
        Path out = dir.resolve("out");
        Console.Result r = CliRunner.run(new TransferCommand(), "--teacher", backbones[0].toString(), "--student", backbones[1].toString(),
                "--data", data.toString(), "--train", "train.txt", "--val", "val.txt", "--size", "64x48", "--seeds", "1",
                "--freeze", "--set", "iterations=4", "--set", "batch=4", "--set", "channels=16", "--out", out.toString(),
                "--no-progress");
        assertEquals(0, r.exitCode(), r.out());
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
        assertEquals("det_teacher_ir.png", j.get("pictures").get("teacher_ir").get(0).asText(), "relative to --out");
        assertTrue(Files.readString(out.resolve("det_config.yaml")).contains("iterations: 4"));
    }

    /** --first-seed K runs seeds K.. with the same results those seeds give in a run from 0, so studies can be pooled. */
    @Test
    void laterSeedsAloneGiveWhatTheyGaveInTheFullRun() throws Exception {
        Path[] backbones = tinyBackbones(dir);
        Path data = scenes(dir);
        JsonNode[] runs = new JsonNode[2];
        String[][] seedArgs = {{"--seeds", "2"}, {"--first-seed", "1", "--seeds", "1"}};
        for (int i = 0; i < 2; i++) {
            Path out = dir.resolve("seeds" + i);
            List<String> args = new ArrayList<>(List.of("--teacher", backbones[0].toString(), "--student",
                    backbones[1].toString(), "--data", data.toString(), "--train", "train.txt", "--val", "val.txt",
                    "--size", "64x48", "--modality", "ir", "--set", "iterations=3", "--set", "batch=4", "--set",
                    "channels=16", "--out", out.toString(), "--no-progress"));
            args.addAll(List.of(seedArgs[i]));
            Console.Result r = CliRunner.run(new TransferCommand(), args.toArray(String[]::new));
            assertEquals(0, r.exitCode(), r.out());
            runs[i] = new ObjectMapper().readTree(out.resolve("transfer.json").toFile());
        }
        assertEquals("[1]", runs[1].get("seeds").toString());
        assertTrue(Files.isRegularFile(dir.resolve("seeds1").resolve("dt_student_ir_seed1.json")));
        for (String backbone : new String[] {"teacher", "student"}) {
            JsonNode full = runs[0].get("results").get("ir").get("AP50").get(backbone).get("values");
            JsonNode later = runs[1].get("results").get("ir").get("AP50").get(backbone).get("values");
            assertEquals(full.get(1).asDouble(), later.get(0).asDouble(), 0.0, backbone);
        }
        Console.Result bad = CliRunner.run(new TransferCommand(), "--teacher", backbones[0].toString(), "--student",
                backbones[1].toString(), "--data", data.toString(), "--train", "train.txt", "--val", "val.txt",
                "--first-seed", "-1", "--out", dir.resolve("bad").toString());
        assertTrue(bad.exitCode() != 0 && bad.err().contains("--first-seed must be >= 0"), bad.err());
    }

    /** Segmentation on generated scenes (masks as univ data synth writes them), 2 seeds, then the report of the folder. */
    @Test
    void segmentationGivesTheSameTableAndOverlaysAndTheReportShowsThem() throws Exception {
        Path[] backbones = tinyBackbones(dir);
        Path data = SceneGenerator.builder().optSize(64, 48).optSeed(3).optValFraction(0.34).build()
                .write(dir.resolve("synth"), 6).dir();
        Path out = dir.resolve("seg");
        Console.Result r = CliRunner.run(new TransferCommand(), "--task", "seg", "--teacher", backbones[0].toString(),
                "--student", backbones[1].toString(), "--data", data.toString(), "--train", "train.txt", "--val",
                "val.txt", "--size", "64x48", "--seeds", "2", "--set", "iterations=2", "--set", "batch_size=1",
                "--set", "channels=8", "--out", out.toString(), "--no-progress");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("seg, freeze backbones, 2 seeds, 64x48"), r.out());
        assertTrue(r.out().contains("UNIV − teacher (paired)"), r.out());
        for (String m : new String[] {"ir", "rgb"}) {
            for (String metric : new String[] {"mIoU", "aAcc", "mAcc"}) {
                assertTrue(r.out().lines().anyMatch(l -> l.startsWith(m + " ") && l.contains(metric)), r.out());
            }
        }
        JsonNode j = new ObjectMapper().readTree(out.resolve("transfer.json").toFile());
        assertEquals("seg", j.get("task").asText());
        assertEquals("mIoU", j.get("metrics").get(0).asText(), "the headline first");
        for (String m : new String[] {"ir", "rgb"}) {
            JsonNode row = j.get("results").get(m).get("mIoU");
            JsonNode t = row.get("teacher").get("values");
            JsonNode s = row.get("student").get("values");
            double paired = ((s.get(0).asDouble() - t.get(0).asDouble()) + (s.get(1).asDouble() - t.get(1).asDouble())) / 2;
            assertEquals(paired, row.get("difference").get("mean").asDouble(), 1e-12);
            assertTrue(row.get("teacher").get("sd").isNumber(), "two seeds have a spread");
            for (String who : new String[] {"teacher", "student"}) {
                assertEquals("seg_" + who + "_" + m + ".png", j.get("pictures").get(who + "_" + m).get(0).asText());
                assertTrue(Files.size(out.resolve("seg_" + who + "_" + m + "_seed1.json")) > 0);
            }
        }
        assertTrue(Files.readString(out.resolve("seg_config.yaml")).contains("iterations: 2"));

        assertEquals(0, CliRunner.run(new ReportCommand(), out.toString()).exitCode());
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("Teacher vs UNIV student") && html.contains("<th class=\"num\">mIoU</th>"), html);
        assertEquals(4, html.split("<img src=\"data:image/png;base64,", -1).length - 1, "an overlay per backbone × modality");
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
        Console.Result first = CliRunner.run(new TransferCommand(), concat(common, dir.resolve("a").toString()));
        assertEquals(0, first.exitCode(), first.out());
        assertTrue(!first.out().contains("reused"), first.out());
        Console.Result second = CliRunner.run(new TransferCommand(), concat(common, dir.resolve("b").toString()));
        assertEquals(0, second.exitCode(), second.out());
        assertTrue(second.out().contains("det teacher ir: reused"), second.out());
        JsonNode a = new ObjectMapper().readTree(dir.resolve("a/transfer.json").toFile()).get("results");
        JsonNode b = new ObjectMapper().readTree(dir.resolve("b/transfer.json").toFile()).get("results");
        assertEquals(a, b, "a rerun of the student and the cached teacher give the same table");
        // another setting is another experiment: nothing is reused
        String[] changed = concat(common, dir.resolve("c").toString());
        changed[java.util.Arrays.asList(changed).indexOf("iterations=3")] = "iterations=2";
        Console.Result third = CliRunner.run(new TransferCommand(), changed);
        assertEquals(0, third.exitCode(), third.out());
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
        Console.Result r = CliRunner.run(new TransferCommand(), "--teacher", backbones[0].toString(), "--student", backbones[1].toString(),
                "--data", data.toString(), "--train", "train.txt", "--val", "nope.txt", "--size", "64x48",
                "--out", dir.resolve("o").toString(), "--set", "iterations=1");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains("nope.txt"), r.err());
        Console.Result task = CliRunner.run(new TransferCommand(), "--task", "cls", "--teacher", backbones[0].toString(),
                "--student", backbones[1].toString(), "--data", data.toString(), "--train", "train.txt", "--val",
                "val.txt", "--out", dir.resolve("o").toString());
        assertNotEquals(0, task.exitCode());
        assertTrue(task.err().contains("expected det or seg"), task.err());
        Console.Result masks = CliRunner.run(new TransferCommand(), "--label-map", "255:1", "--teacher",
                backbones[0].toString(), "--student", backbones[1].toString(), "--data", data.toString(), "--train",
                "train.txt", "--val", "val.txt", "--out", dir.resolve("o").toString());
        assertTrue(masks.err().contains("are for --task seg"), masks.err());
        Console.Result noMasks = CliRunner.run(new TransferCommand(), "--task", "seg", "--teacher", backbones[0].toString(),
                "--student", backbones[1].toString(), "--data", data.toString(), "--train", "train.txt", "--val",
                "val.txt", "--size", "64x48", "--classes", "square,bar", "--set", "iterations=1", "--out",
                dir.resolve("o").toString());
        assertNotEquals(0, noMasks.exitCode());
        assertTrue(noMasks.err().contains("mask"), "detection scenes have no masks: " + noMasks.err());
    }
}
