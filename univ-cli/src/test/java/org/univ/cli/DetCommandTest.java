package org.univ.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.univ.Console;
import org.univ.eval.CocoDetection;
import org.univ.eval.CocoGroundTruth;

class DetCommandTest {
    @TempDir
    Path dir;

    /** Two objects, one found, plus a false positive above it: FP, TP → AP 1/2 at every point up to recall .5. */
    private void writeFiles() throws Exception {
        Files.writeString(dir.resolve("gt.json"), """
                {"images": [{"id": 1}], "categories": [{"id": 1, "name": "car"}, {"id": 2, "name": "person"}],
                 "annotations": [
                   {"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 100, 100], "area": 10000, "iscrowd": 0},
                   {"id": 2, "image_id": 1, "category_id": 1, "bbox": [200, 0, 100, 100], "area": 10000, "iscrowd": 0}
                 ]}""");
        Files.writeString(dir.resolve("dt.json"), """
                [{"image_id": 1, "category_id": 1, "bbox": [500, 500, 100, 100], "score": 0.9},
                 {"image_id": 1, "category_id": 1, "bbox": [0, 0, 100, 100], "score": 0.8}]""");
    }

    private static Console.Result run(String... args) {
        return CliRunner.run(new DetCommand(), args);
    }

    @Test
    void printsTheCocoSummaryAndThePerClassTable() throws Exception {
        writeFiles();
        Console.Result r = run("eval", "--gt", dir.resolve("gt.json").toString(), "--dt", dir.resolve("dt.json").toString());
        assertEquals(0, r.exitCode(), r.err());
        // ranks FP, TP of 2 objects: precision 0, 1/2 → 1/2 up to recall .5 (51 points), 0 after: AP = 25.5/101
        assertTrue(r.out().contains(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.252"),
                r.out());
        assertTrue(r.out().contains(" Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 0.000"),
                r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("person") && l.contains("-1.000")), r.out());
        assertTrue(r.out().startsWith("1 images, 2 categories, 2 annotations, 2 detections"), r.out());
    }

    @Test
    void printsJson() throws Exception {
        writeFiles();
        Console.Result r = run("eval", "--gt", dir.resolve("gt.json").toString(), "--dt", dir.resolve("dt.json").toString(),
                "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(25.5 / 101, j.get("AP").asDouble(), 1e-12);
        assertEquals(0.5, j.get("AR100").asDouble(), 1e-12);
        assertEquals(-1.0, j.get("per_class").get(1).get("AP").asDouble());
    }

    @Test
    void badInputFailsWithTheFileNamed() throws Exception {
        writeFiles();
        Files.writeString(dir.resolve("other.json"),
                "[{\"image_id\": 42, \"category_id\": 1, \"bbox\": [0, 0, 1, 1], \"score\": 0.5}]");
        Console.Result r = run("eval", "--gt", dir.resolve("gt.json").toString(), "--dt", dir.resolve("other.json").toString());
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains("other.json") && r.err().contains("image 42"), r.err());
        assertNotEquals(0, run("eval", "--gt", dir.resolve("gt.json").toString()).exitCode()); // --dt missing
        assertEquals(0, run().exitCode()); // the group alone prints its usage
    }

    /** train → predict → eval (with the head, and from the written COCO files) on generated scenes. */
    @Test
    void trainPredictAndEvaluateAHead() throws Exception {
        Path[] backbones = TransferCommandTest.tinyBackbones(dir);
        Path data = TransferCommandTest.scenes(dir);
        Path out = dir.resolve("run");
        Console.Result train = CliRunner.run(new DetCommand(), "train", "--backbone",
                backbones[0].toString(), "--modality", "ir", "--data", data + ":train.txt", "--val", data + ":val.txt",
                "--size", "64x48", "--freeze", "--seed", "3", "--set", "iterations=6", "--set", "batch=4", "--set",
                "channels=16", "--out", out.toString(), "--no-progress");
        assertEquals(0, train.exitCode(), train.out());
        for (String f : new String[] {"head.safetensors", "det_config.yaml", "metrics.jsonl", "gt.json", "dt.json",
                "summary.json"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        assertEquals(6, Files.readAllLines(out.resolve("metrics.jsonl")).size());
        assertTrue(new ObjectMapper().readTree(out.resolve("metrics.jsonl").toFile()).has("loss_focal"));
        assertTrue(train.out().contains("Average Precision"), train.out());
        // the gt/dt files written by train score like the head run again on the same data
        Console.Result fromFiles = run("eval", "--gt", out.resolve("gt.json").toString(), "--dt", out.resolve("dt.json").toString(),
                "--json");
        assertEquals(0, fromFiles.exitCode(), fromFiles.err());
        Console.Result withHead = CliRunner.run(new DetCommand(), "eval", "--head",
                out.resolve("head.safetensors").toString(), "--backbone", backbones[0].toString(), "--data",
                data + ":val.txt", "--json");
        assertEquals(0, withHead.exitCode(), withHead.out());
        JsonNode a = new ObjectMapper().readTree(fromFiles.out());
        JsonNode b = new ObjectMapper().readTree(withHead.out().substring(withHead.out().indexOf('{')));
        assertEquals(a.get("AP").asDouble(), b.get("AP").asDouble(), 1e-4);
        assertEquals(4, a.get("images").asInt());

        Path pictures = dir.resolve("pred");
        Console.Result predict = CliRunner.run(new DetCommand(), "predict", "--head",
                out.resolve("head.safetensors").toString(), "--backbone", backbones[0].toString(), "--images",
                data.resolve("ir").toString(), "--out", pictures.toString(), "--min-score", "0");
        assertEquals(0, predict.exitCode(), predict.out());
        assertTrue(Files.exists(pictures.resolve("img011.png")));
        assertEquals(64, javax.imageio.ImageIO.read(pictures.resolve("img011.png").toFile()).getWidth());
        java.util.List<CocoDetection> dets = CocoDetection.read(pictures.resolve("detections.json"));
        assertTrue(dets.stream().allMatch(d -> d.imageId() >= 1 && d.imageId() <= 12));
        assertTrue(Files.readString(pictures.resolve("images.json")).contains("img000.png"));

        // a head with other classes than the data is refused, naming both
        Files.writeString(data.resolve("labels/classes.txt"), "0 square\n1 bar\n2 extra\n");
        Console.Result mismatch = CliRunner.run(new DetCommand(), "eval", "--head",
                out.resolve("head.safetensors").toString(), "--backbone", backbones[0].toString(), "--data",
                data + ":val.txt");
        assertNotEquals(0, mismatch.exitCode());
        // neither mode complete: a usage error
        assertNotEquals(0, run("eval", "--head", out.resolve("head.safetensors").toString()).exitCode());
        assertNotEquals(0, run("eval", "--gt", out.resolve("gt.json").toString(), "--head", "x").exitCode());
        assertEquals(4, CocoGroundTruth.read(out.resolve("gt.json")).imageIds().size());
    }

    @Test
    void gtWritesTheCocoGroundTruthOfYoloLabels() throws Exception {
        Path data = TransferCommandTest.scenes(dir);
        Path gt = dir.resolve("coco/gt_ir.json");
        Console.Result r = run("gt", "--data", data + ":val.txt", "--modality", "ir", "--out", gt.toString());
        assertEquals(0, r.exitCode(), r.err());
        CocoGroundTruth truth = CocoGroundTruth.read(gt);
        long boxes = 0;
        for (String id : Files.readAllLines(data.resolve("val.txt"))) {
            boxes += Files.readAllLines(data.resolve("labels/infrared/" + id + ".txt")).stream().filter(l -> !l.isBlank())
                    .count();
        }
        assertEquals(4, truth.imageIds().size());
        assertEquals(boxes, truth.annotations().size());
        assertEquals(2, truth.categories().size(), "square, bar");
        assertTrue(r.out().contains("4 images, " + boxes + " boxes"), r.out());
        Console.Result missing = run("gt", "--data", dir.resolve("nowhere").toString(), "--modality", "ir", "--out",
                gt.toString());
        assertNotEquals(0, missing.exitCode());
        assertTrue(missing.err().contains("nowhere"), missing.err());
    }

    @Test
    void benchDetRunsOnATinyModel() throws Exception {
        Path[] backbones = TransferCommandTest.tinyBackbones(dir);
        Path data = TransferCommandTest.scenes(dir);
        Console.Result r = CliRunner.run(new BenchCommand(), "det", "--weights",
                backbones[0].toString(), "--data", data.toString(), "--inference-size", "64x48", "--size", "64x48",
                "--batch", "2", "--steps", "2", "--warmup", "1", "--json");
        assertEquals(0, r.exitCode(), r.out());
        JsonNode j = new ObjectMapper().readTree(r.out().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
        for (String k : new String[] {"inference_images_per_s", "cached_steps_per_s", "online_steps_per_s"}) {
            assertTrue(j.get(k).asDouble() > 0, k);
        }
    }
}
