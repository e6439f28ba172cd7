package org.univ.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CocoEval} against pycocotools itself on a seeded random dataset: 50 images, 3 classes with non-contiguous
 * ids, boxes from 6 to 250 px (all three area ranges), annotation areas below the box area, crowd regions, jittered
 * and duplicate detections, scores with ties, false positives, images without objects, one (image, category) with
 * more than 100 detections and boxes at IoU exactly 0.5. All 12 numbers and every per-class AP must agree to 1e-9.
 * Skipped when no {@code python3} with pycocotools is found (Debian has no package for it; {@code pip install
 * pycocotools} provides it).
 */
class CocoEvalPycocotoolsTest {
    private static final String SCRIPT = """
            import json, sys
            from pycocotools.coco import COCO
            from pycocotools.cocoeval import COCOeval
            gt = COCO(sys.argv[1])
            dt = gt.loadRes(sys.argv[2])
            e = COCOeval(gt, dt, 'bbox')
            e.evaluate(); e.accumulate(); e.summarize()
            p = e.eval['precision']
            per_class = []
            for k in range(p.shape[2]):
                s = p[:, :, k, 0, -1]
                per_class.append(float(s[s > -1].mean()) if (s > -1).any() else -1.0)
            print('RESULT ' + json.dumps({'stats': [float(x) for x in e.stats], 'per_class': per_class}))
            """;

    @TempDir
    Path dir;

    @Test
    void agreesWithPycocotoolsOnARandomDataset() throws Exception {
        String python = pythonWithPycocotools();
        assumeTrue(python != null, "no python3 with pycocotools on this machine (Debian bookworm has no"
                + " python3-pycocotools; install it with pip to run this cross-check)");
        Map<String, Object> gtJson = new LinkedHashMap<>();
        List<Map<String, Object>> dtJson = new ArrayList<>();
        generate(new Random(20240915L), gtJson, dtJson);
        ObjectMapper json = new ObjectMapper();
        Path gtFile = dir.resolve("gt.json");
        Path dtFile = dir.resolve("dt.json");
        json.writeValue(gtFile.toFile(), gtJson);
        json.writeValue(dtFile.toFile(), dtJson);

        CocoResult ours = CocoEval.evaluate(CocoGroundTruth.read(gtFile), CocoDetection.read(dtFile));

        Process p = new ProcessBuilder(python, "-c", SCRIPT, gtFile.toString(), dtFile.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "pycocotools did not finish");
        assertEquals(0, p.exitValue(), out);
        String line = out.lines().filter(l -> l.startsWith("RESULT ")).findFirst().orElseThrow(() ->
                new AssertionError("no RESULT line from pycocotools:\n" + out));
        JsonNode theirs = json.readTree(line.substring("RESULT ".length()));
        double[] stats = ours.stats();
        for (int i = 0; i < 12; i++) {
            assertEquals(theirs.get("stats").get(i).asDouble(), stats[i], 1e-9, CocoResult.STAT_NAMES.get(i));
        }
        for (int k = 0; k < 3; k++) {
            assertEquals(theirs.get("per_class").get(k).asDouble(), ours.classAp(k, -1), 1e-9, "class " + k);
        }
        // the data exercise what they are meant to: every area range has objects, not everything is found
        for (double s : stats) {
            assertTrue(s > 0.05 && s < 0.95, "a degenerate statistic " + s + " in " + ours.summary());
        }
    }

    /** The first of {@code python3} (PATH) and {@code /usr/bin/python3} that can import pycocotools, or null. */
    private static String pythonWithPycocotools() {
        for (String python : List.of("python3", "/usr/bin/python3")) {
            try {
                Process p = new ProcessBuilder(python, "-c", "import pycocotools.cocoeval")
                        .redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return python;
                }
            } catch (IOException | InterruptedException e) {
                // not there: try the next
            }
        }
        return null;
    }

    private static void generate(Random rnd, Map<String, Object> gt, List<Map<String, Object>> dts) {
        int[] classes = {1, 2, 5};
        List<Map<String, Object>> images = new ArrayList<>();
        List<Map<String, Object>> anns = new ArrayList<>();
        int annId = 1;
        for (int img = 1; img <= 50; img++) {
            images.add(Map.of("id", img * 3, "width", 640, "height", 480)); // ids not contiguous
            int objects = img > 45 ? 0 : rnd.nextInt(7);
            for (int o = 0; o < objects; o++) {
                int cat = classes[rnd.nextInt(3)];
                double w = Math.round(Math.exp(Math.log(6) + rnd.nextDouble() * Math.log(250.0 / 6)));
                double h = Math.round(w * (0.5 + rnd.nextDouble()));
                double x = rnd.nextInt(600);
                double y = rnd.nextInt(400);
                boolean crowd = rnd.nextDouble() < 0.06;
                double area = rnd.nextDouble() < 0.5 ? w * h : w * h * (0.5 + 0.5 * rnd.nextDouble());
                anns.add(annotation(annId++, img * 3, cat, new double[] {x, y, w, h}, area, crowd));
                if (crowd) {
                    continue;
                }
                int copies = rnd.nextDouble() < 0.8 ? 1 : 0;
                copies += rnd.nextDouble() < 0.15 ? 1 : 0; // duplicates
                for (int c = 0; c < copies; c++) {
                    double jx = w * 0.06 * rnd.nextGaussian();
                    double jy = h * 0.06 * rnd.nextGaussian();
                    double sw = Math.max(1, w * (1 + 0.06 * rnd.nextGaussian()));
                    double sh = Math.max(1, h * (1 + 0.06 * rnd.nextGaussian()));
                    int dc = rnd.nextDouble() < 0.1 ? classes[rnd.nextInt(3)] : cat; // sometimes the wrong class
                    dts.add(detection(img * 3, dc, new double[] {x + jx, y + jy, sw, sh}, 0.3 + 0.7 * score(rnd)));
                }
                if (rnd.nextDouble() < 0.1) { // IoU exactly 0.5: the left half of the box (even width)
                    dts.add(detection(img * 3, cat, new double[] {x, y, 2 * Math.floor(w / 2) / 2,
                        h}, score(rnd)));
                }
            }
            int fps = rnd.nextInt(5);
            for (int f = 0; f < fps; f++) {
                double w = 5 + rnd.nextInt(200);
                dts.add(detection(img * 3, classes[rnd.nextInt(3)], new double[] {rnd.nextInt(600), rnd.nextInt(400),
                    w, w * (0.5 + rnd.nextDouble())}, 0.6 * score(rnd)));
            }
        }
        for (int i = 0; i < 130; i++) { // one crowded (image, category): more than 100 detections
            dts.add(detection(6, 2, new double[] {rnd.nextInt(600), rnd.nextInt(400), 10 + rnd.nextInt(60),
                10 + rnd.nextInt(60)}, 0.6 * score(rnd)));
        }
        gt.put("images", images);
        gt.put("annotations", anns);
        gt.put("categories", List.of(Map.of("id", 5, "name", "bike"), Map.of("id", 1, "name", "car"),
                Map.of("id", 2, "name", "person")));
    }

    /** Two decimals, so that ties happen (also after scaling: 0.6 · 0.5 = 0.3 + 0.7 · 0). */
    private static double score(Random rnd) {
        return Math.round(rnd.nextDouble() * 100) / 100.0;
    }

    private static Map<String, Object> annotation(int id, int image, int cat, double[] box, double area,
                                                  boolean crowd) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("image_id", image);
        m.put("category_id", cat);
        m.put("bbox", box);
        m.put("area", area);
        m.put("iscrowd", crowd ? 1 : 0);
        return m;
    }

    private static Map<String, Object> detection(int image, int cat, double[] box, double score) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("image_id", image);
        m.put("category_id", cat);
        m.put("bbox", box);
        m.put("score", score);
        return m;
    }
}
